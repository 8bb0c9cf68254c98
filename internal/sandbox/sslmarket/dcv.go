package sslmarket

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnscheck"
)

// dcvFilePath is where FILE validation looks for dv_auth_content on every
// name (the document is silent; DigiCert's convention).
const dcvFilePath = "/.well-known/pki-validation/fileauth.txt"

// advance moves the caller's order on, as a poll of the real API would see
// it: new -> processing, FILE or DNS validation of the names not yet
// validated (over the network, without the lock; Email names pass when
// their mail is approved, see approveMail), and issuance once validated
// (or reissue requested) IssueDelay ago.
func (s *Server) advance(c call) *apiError {
	s.mu.Lock()
	o, aerr := s.ownOrder(c)
	if aerr != nil {
		s.mu.Unlock()
		return aerr
	}
	if o.state == stateNew {
		o.state = stateProcessing
		s.env.Log.Info("sslmarket order processing", "account", o.account, "orderID", o.id)
	}
	var pending []string
	gen, method, content := o.dcvGen, o.method, o.content
	if o.state == stateProcessing && o.validated.IsZero() {
		switch o.method {
		case dvAuthFile, dvAuthDNS:
			pending = o.pendingNames()
		default:
			o.note = emailNote(o.pendingNames())
		}
	}
	s.mu.Unlock()

	var failures map[string]error
	if len(pending) > 0 {
		check := s.checkFile
		if method == dvAuthDNS {
			check = s.checkDNS
		}
		failures = s.checkNames(c.r.Context(), pending, content, check)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if len(pending) > 0 && o.dcvGen == gen && o.state == stateProcessing {
		var notes []string
		for _, n := range pending {
			if err := failures[n]; err != nil {
				// A wildcard and its base name share one DNS record:
				// its failure is told once.
				if msg := err.Error(); !slices.Contains(notes, msg) {
					notes = append(notes, msg)
				}
				continue
			}
			if !o.passed[n] {
				o.passed[n] = true
				s.env.Log.Info("sslmarket name validated", "account", o.account, "orderID", o.id, "name", n)
			}
		}
		o.note = strings.Join(notes, "; ")
		if len(notes) == 0 && o.validated.IsZero() {
			o.validated = s.env.Now()
		}
	}
	return s.issue(o)
}

// issue signs the order's certificate when it is due. Call with s.mu held.
func (s *Server) issue(o *order) *apiError {
	now := s.env.Now()
	switch {
	case o.state == stateProcessing && !o.validated.IsZero() && !now.Before(o.validated.Add(s.env.IssueDelay)):
		return s.sign(o, now, o.csr, s.env.NotAfter(now, o.subEnd), "sslmarket certificate issued")

	case o.state == stateReissue && !now.Before(o.reissueAt.Add(s.env.IssueDelay)):
		// "The certificate issued after reissue has the same parameters and
		// expiration date as the original."
		return s.sign(o, now, o.reissueCSR, o.leaf.NotAfter, "sslmarket certificate reissued")

	case o.state == statePublished && o.years > 1 && o.leaf.NotAfter.Before(o.subEnd) && now.Before(o.subEnd) &&
		!now.Before(o.leaf.NotAfter.Add(-AutoReissueBefore)):
		if aerr := s.sign(o, now, o.csr, s.env.NotAfter(now, o.subEnd), "sslmarket certificate reissued automatically"); aerr != nil {
			return aerr
		}
		s.accounts[o.account].AutoReissues++
	}
	return nil
}

// sign has csr signed for o's names until notAfter and publishes it; o
// expires instead when notAfter is not after now. Call with s.mu held.
func (s *Server) sign(o *order, now time.Time, csr string, notAfter time.Time, event string) *apiError {
	if s.env.CA == nil {
		return errorf(http.StatusInternalServerError, ErrTypeInternal, "the sandbox has no certificate authority")
	}
	if !notAfter.After(now) {
		o.state = stateExpired
		return nil
	}
	leafPEM, leaf, err := s.env.CA.SignAt(now, []byte(csr), o.names(), notAfter.Sub(now))
	if err != nil {
		return s.signFailed(o, err)
	}
	o.leafPEM, o.leaf, o.published = leafPEM, leaf, now
	o.csr, o.reissueCSR = csr, ""
	o.state, o.note = statePublished, ""
	s.env.Log.Info(event, "account", o.account, "orderID", o.id, "names", o.names(), "serial", serialHex(leaf))
	return nil
}

// signFailed rejects the order when the CSR is refused; any other failure
// is a 500 and the order stays as it is.
func (s *Server) signFailed(o *order, err error) *apiError {
	if errors.Is(err, authority.ErrInvalidCSR) {
		s.env.Log.Info("sslmarket order rejected", "account", o.account, "orderID", o.id, "reason", err.Error())
		o.state = stateRejected
		o.note = "rejected: " + err.Error()
		return nil
	}
	return errorf(http.StatusInternalServerError, ErrTypeInternal, "signing certificate: %v", err)
}

// checkNames runs check for every name (at most 8 at a time) and returns
// the failures by name.
func (s *Server) checkNames(ctx context.Context, names []string, content string, check func(context.Context, string, string) error) map[string]error {
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		failures = map[string]error{}
		sem      = make(chan struct{}, maxParallel)
	)
	for _, n := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := check(ctx, n, content); err != nil {
				mu.Lock()
				failures[n] = err
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return failures
}

// checkDNS looks for content among the TXT records at name (the base name
// for a wildcard), asking DNSServer.
func (s *Server) checkDNS(ctx context.Context, name, content string) error {
	return dnscheck.Check(ctx, s.env.DNSServer, dnsRecordName(name), dns.TypeTXT, content)
}

// dnsRecordName is the name of the TXT record that validates name: the
// name itself, without the "*." of a wildcard.
func dnsRecordName(name string) string { return strings.TrimPrefix(name, "*.") }

// checkFile fetches http://<name>/.well-known/pki-validation/fileauth.txt
// (from HTTP01Address if set) and compares its trimmed body with content.
func (s *Server) checkFile(ctx context.Context, name, content string) error {
	return s.env.Web.Check(ctx, name, dcvFilePath, content)
}
