package sslci

import (
	"context"
	"net/http"
	"strings"

	"github.com/miekg/dns"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnscheck"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnsname"
)

// challengePrefix is the directory of http verification files.
const challengePrefix = "/.well-known/acme-challenge/"

// order is one pending verification order.
type order struct {
	id      int64
	account string
	domain  string
	method  string
	token   string
	content string
}

// createOrder answers POST /api: a verification order for one domain.
func (s *Server) createOrder(r *http.Request, req verificationRequest) (any, *apiError) {
	name, domain, aerr := s.accountAndDomain(r, req.Token, req.Domain)
	if aerr != nil {
		return nil, aerr
	}
	switch req.Method {
	case "":
		return nil, errorf(http.StatusBadRequest, "missing parameter method")
	case methodHTTP:
		if dnsname.IsWildcard(domain) {
			return nil, errorf(http.StatusBadRequest, "invalid parameter method: wildcard domain %s needs dns verification", domain)
		}
	case methodDNS:
	default:
		return nil, errorf(http.StatusBadRequest, "invalid parameter method: must be %q or %q", methodHTTP, methodDNS)
	}

	token := randomString()
	s.mu.Lock()
	acct := s.accounts[name]
	s.lastOrderID++
	o := &order{
		id:      s.lastOrderID,
		account: name,
		domain:  domain,
		method:  req.Method,
		token:   token,
		content: token + "." + acct.thumbprint,
	}
	s.orders[o.id] = o
	acct.stats.VerificationOrders++
	s.mu.Unlock()

	s.env.Log.Info("sslci verification order created", "account", name, "orderID", o.id, "domain", domain, "method", o.method)
	v := verification{Method: o.method, Token: o.token, Content: o.content}
	if o.method == methodHTTP {
		v.FilePath = challengePrefix + o.token
		v.URL = "http://" + domain + v.FilePath
	}
	return verificationResponse{Status: true, Domain: domain, OrderID: o.id, Verification: v}, nil
}

// confirm answers PUT /api: it checks the published verification of one
// pending order and, on success, marks the domain verified for the account.
func (s *Server) confirm(r *http.Request) (any, *apiError) {
	var req confirmRequest
	if aerr := readRequest(r, &req); aerr != nil {
		return nil, aerr
	}
	name, domain, aerr := s.accountAndDomain(r, req.Token, req.Domain)
	if aerr != nil {
		return nil, aerr
	}
	switch req.Method {
	case "", methodHTTP, methodDNS:
	default:
		return nil, errorf(http.StatusBadRequest, "invalid parameter method: must be %q or %q", methodHTTP, methodDNS)
	}
	if req.OrderID < 0 {
		return nil, errorf(http.StatusBadRequest, "invalid parameter order_id: must be positive")
	}

	o, aerr := s.findOrder(name, domain, req.OrderID, req.Method)
	if aerr != nil {
		return nil, aerr
	}
	if req.Method != "" && req.Method != o.method {
		return nil, errorf(http.StatusBadRequest, "invalid parameter method: order %d uses %s verification", o.id, o.method)
	}
	if err := s.check(r.Context(), o); err != nil {
		s.env.Log.Info("sslci verification failed", "account", name, "orderID", o.id, "domain", domain, "reason", err.Error())
		return nil, errorf(http.StatusBadRequest, "verification of %s failed: %v", domain, err)
	}

	s.mu.Lock()
	if _, ok := s.orders[o.id]; !ok {
		s.mu.Unlock()
		return nil, errorf(http.StatusBadRequest, "verification of %s failed: order %d is no longer pending", domain, o.id)
	}
	delete(s.orders, o.id)
	acct := s.accounts[name]
	acct.verified[domain] = s.env.Now()
	acct.stats.Confirmations++
	s.mu.Unlock()

	s.env.Log.Info("sslci domain verified", "account", name, "orderID", o.id, "domain", domain)
	return confirmResponse{Status: true, Domain: domain, OrderID: o.id, Verified: true}, nil
}

// findOrder returns a copy of the order to confirm: orderID if given, else
// the account's newest pending order for domain (with method, if given).
func (s *Server) findOrder(name, domain string, orderID int64, method string) (order, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if orderID > 0 {
		o := s.orders[orderID]
		switch {
		case o == nil:
			return order{}, errorf(http.StatusBadRequest, "no pending order %d", orderID)
		case o.account != name:
			return order{}, errorf(http.StatusForbidden, "order %d does not belong to you", orderID)
		case o.domain != domain:
			return order{}, errorf(http.StatusBadRequest, "invalid parameter domain: order %d is for %s", orderID, o.domain)
		}
		return *o, nil
	}
	var found *order
	for _, o := range s.orders {
		if o.account != name || o.domain != domain || (method != "" && o.method != method) {
			continue
		}
		if found == nil || o.id > found.id {
			found = o
		}
	}
	if found == nil {
		return order{}, errorf(http.StatusBadRequest, "no pending order for %s", domain)
	}
	return *found, nil
}

// check looks for the published verification of o: the file
// http://<domain>/.well-known/acme-challenge/<token> holding the content,
// or a TXT record at _acme-challenge.<domain> (the base domain for a
// wildcard) holding it.
func (s *Server) check(ctx context.Context, o order) error {
	if o.method == methodDNS {
		return dnscheck.Check(ctx, s.env.DNSServer, dnsRecordName(o.domain), dns.TypeTXT, o.content)
	}
	return s.env.Web.Check(ctx, o.domain, challengePrefix+o.token, o.content)
}

// dnsRecordName is the name of the TXT record dns verification of domain
// looks for: _acme-challenge.<domain>, without the "*." of a wildcard.
func dnsRecordName(domain string) string {
	return "_acme-challenge." + strings.TrimPrefix(domain, "*.")
}
