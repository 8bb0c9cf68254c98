package sslci

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
)

const (
	maxDomains       = 100
	detailTimeLayout = "2006-01-02 15:04:05"
)

// certificate is one issued certificate of an account.
type certificate struct {
	id      int64
	account string
	domains []string
	added   time.Time
	expires time.Time
}

// post answers POST /api: a verification request, or finalize when
// action=finalize.
func (s *Server) post(r *http.Request) (any, *apiError) {
	body, aerr := readBody(r)
	if aerr != nil {
		return nil, aerr
	}
	var fin finalizeRequest
	if aerr := decode(body, &fin); aerr != nil {
		return nil, aerr
	}
	switch fin.Action {
	case actionFinalize:
		return s.finalize(r, fin)
	case "":
	default:
		return nil, errorf(http.StatusBadRequest, "invalid parameter action: must be %q or absent", actionFinalize)
	}
	var req verificationRequest
	if aerr := decode(body, &req); aerr != nil {
		return nil, aerr
	}
	return s.createOrder(r, req)
}

// finalize answers POST /api with action=finalize.
func (s *Server) finalize(r *http.Request, req finalizeRequest) (any, *apiError) {
	name, aerr := s.authenticate(req.Token, r)
	if aerr != nil {
		return nil, aerr
	}
	if len(req.Domains) == 0 {
		return nil, errorf(http.StatusBadRequest, "missing parameter domains")
	}
	if len(req.Domains) > maxDomains {
		return nil, errorf(http.StatusBadRequest, "invalid parameter domains: at most %d domains", maxDomains)
	}
	var domains []string
	seen := map[string]bool{}
	for _, d := range req.Domains {
		domain, aerr := domainParam("domains", d)
		if aerr != nil {
			return nil, aerr
		}
		if !seen[domain] {
			seen[domain] = true
			domains = append(domains, domain)
		}
	}
	csrPEM := []byte(req.CSR)
	if req.CSR != "" {
		if _, err := authority.ParseCSR(csrPEM); err != nil {
			return nil, errorf(http.StatusBadRequest, "invalid parameter csr: %v", err)
		}
	}

	now := s.env.Now()
	s.mu.Lock()
	acct := s.accounts[name]
	for _, d := range domains {
		at, ok := acct.verified[d]
		if !ok {
			s.mu.Unlock()
			return nil, errorf(http.StatusBadRequest, "domain %s is not verified", d)
		}
		if now.Sub(at) > VerificationLifetime {
			s.mu.Unlock()
			return nil, errorf(http.StatusBadRequest, "verification of domain %s expired (verified %s, valid for 29 days)", d, s.env.Local(at).Format(detailTimeLayout))
		}
	}
	s.mu.Unlock()

	if s.env.CA == nil {
		return nil, errorf(http.StatusInternalServerError, "the sandbox has no certificate authority")
	}
	var keyPEM []byte
	if req.CSR == "" {
		var err error
		keyPEM, csrPEM, err = authority.GenerateKeyAndCSR(domains)
		if err != nil {
			return nil, errorf(http.StatusInternalServerError, "generating key: %v", err)
		}
	}
	// No subscription: SSLCI sells none (see the package comment).
	leafPEM, leaf, err := s.env.CA.SignAt(now, csrPEM, domains, s.env.NotAfter(now, time.Time{}).Sub(now))
	switch {
	case errors.Is(err, authority.ErrInvalidCSR):
		return nil, errorf(http.StatusBadRequest, "invalid parameter csr: %v", err)
	case err != nil:
		return nil, errorf(http.StatusInternalServerError, "signing certificate: %v", err)
	}

	s.mu.Lock()
	s.lastCrtID++
	c := &certificate{id: s.lastCrtID, account: name, domains: domains, added: now, expires: leaf.NotAfter}
	s.certs[c.id] = c
	acct.stats.Finalizes++
	s.mu.Unlock()

	s.env.Log.Info("sslci certificate issued", "account", name, "crtID", c.id, "domains", domains, "generatedKey", keyPEM != nil)
	resp := finalizeResponse{
		Status: true,
		Key:    string(keyPEM),
		CSR:    string(csrPEM),
		CRT:    string(leafPEM),
		CA:     string(s.env.CA.IntermediatePEM()),
	}
	resp.Details.Subject.CN = leaf.Subject.CommonName
	resp.Details.ValidFrom = s.env.Local(leaf.NotBefore).Format(detailTimeLayout)
	resp.Details.ValidTo = s.env.Local(leaf.NotAfter).Format(detailTimeLayout)
	sans := make([]string, len(leaf.DNSNames))
	for i, n := range leaf.DNSNames {
		sans[i] = "DNS:" + n
	}
	resp.Details.SAN = strings.Join(sans, ", ")
	return resp, nil
}
