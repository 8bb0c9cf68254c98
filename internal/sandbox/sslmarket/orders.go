package sslmarket

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
)

// order is one order of an account. It is only touched under Server.mu.
type order struct {
	id       int64
	account  string
	product  product
	domain   string
	dnsNames []string // distinct, without domain
	years    int
	csr      string
	voucher  string
	contacts contacts
	state    string
	inserted time.Time
	subEnd   time.Time // end of the subscription the order bought

	// Domain control validation. dcvGen changes with method or content, so
	// a check started before an edit is not applied after it.
	method    string
	content   string
	dcvGen    int
	passed    map[string]bool
	validated time.Time // when the last name passed; zero: not yet
	note      string    // sandbox_note: why the order is not progressing

	// The issued certificate.
	leafPEM   []byte
	leaf      *x509.Certificate
	published time.Time

	// A running reissue.
	reissueCSR string
	reissueAt  time.Time
}

// names returns domain followed by the dns_names.
func (o *order) names() []string { return append([]string{o.domain}, o.dnsNames...) }

// placeOrder answers POST /order/certificate/{product_code}.
func (s *Server) placeOrder(c call) (response, *apiError) {
	p, ok := findProduct(c.params[0])
	if !ok {
		return response{}, errorf(http.StatusNotFound, ErrTypeNotFound, "product %s not found", c.params[0])
	}
	if p.productType != productTypeSSL {
		return response{}, errorf(http.StatusBadRequest, ErrTypeNotSupported, "product %s (%s) is not supported by the sandbox", p.code, p.productType)
	}
	var req orderRequest
	if aerr := decodeBody(c.r, &req); aerr != nil {
		return response{}, aerr
	}
	o, aerr := s.newOrder(c.account, p, req)
	if aerr != nil {
		return response{}, aerr
	}

	s.mu.Lock()
	s.lastID++
	o.id = s.lastID
	s.orders[o.id] = o
	s.accounts[c.account].Orders++
	if o.method == dvAuthEmail {
		s.sendMails(o, o.names())
	}
	s.mu.Unlock()

	s.env.Log.Info("sslmarket order placed", "account", c.account, "orderID", o.id, "product", p.code,
		"names", o.names(), "dvAuthMethod", o.method)
	return jsonResponse(http.StatusCreated, placeOrderResponse{OrderID: o.id}), nil
}

// newOrder validates an order insert in the document's field order.
func (s *Server) newOrder(account string, p product, req orderRequest) (*order, *apiError) {
	if strings.TrimSpace(req.Domain) == "" {
		return nil, missing("domain")
	}
	if req.Years == 0 {
		return nil, missing("years")
	}
	if strings.TrimSpace(req.CSR) == "" {
		return nil, missing("csr")
	}
	for _, f := range req.fields() {
		if !optionalContacts[f.name] && strings.TrimSpace(*f.value) == "" {
			return nil, missing(f.name)
		}
	}

	domain, aerr := domainParam("domain", req.Domain, p.wildcard)
	if aerr != nil {
		return nil, aerr
	}
	var sans []string
	seen := map[string]bool{domain: true}
	for i, raw := range req.DNSNames {
		n, aerr := domainParam(fmt.Sprintf("dns_names[%d]", i), raw, p.wildcard)
		if aerr != nil {
			return nil, aerr
		}
		if !seen[n] {
			seen[n] = true
			sans = append(sans, n)
		}
	}
	if !p.allowsSANs(len(sans)) {
		return nil, invalid("dns_names", "product %s allows 0 to %d SANs, got %d", p.code, p.maxSANs, len(sans))
	}
	if req.Years < 1 || req.Years > p.maxYears {
		return nil, invalid("years", "must be 1 to %d for product %s, got %d", p.maxYears, p.code, req.Years)
	}
	method, aerr := dvAuthMethod(req.DVAuthMethod)
	if aerr != nil {
		return nil, aerr
	}
	names2 := append([]string{domain}, sans...)
	if method == dvAuthFile {
		for _, n := range names2 {
			if strings.HasPrefix(n, "*.") {
				return nil, invalid("dv_auth_method", "%s cannot validate the wildcard name %s, use %s or %s", dvAuthFile, n, dvAuthDNS, dvAuthEmail)
			}
		}
	}
	if aerr := checkContacts(&req.contacts); aerr != nil {
		return nil, aerr
	}
	if req.CSR != "" {
		if aerr := checkCSR("csr", req.CSR, names2); aerr != nil {
			return nil, aerr
		}
	}
	now := s.env.Now()
	return &order{
		account:  account,
		product:  p,
		domain:   domain,
		dnsNames: sans,
		years:    req.Years,
		csr:      req.CSR,
		voucher:  req.Voucher,
		contacts: req.contacts,
		state:    stateNew,
		inserted: now,
		subEnd:   apienv.SubscriptionEnd(now, 12*req.Years),
		method:   method,
		content:  randomString(),
		passed:   map[string]bool{},
	}, nil
}

// ownOrder returns the caller's order of the id path parameter; another
// account's order is reported as not found. Call with s.mu held.
func (s *Server) ownOrder(c call) (*order, *apiError) {
	id, err := strconv.ParseInt(c.params[0], 10, 64)
	if err != nil || id <= 0 {
		return nil, errorf(http.StatusNotFound, ErrTypeNotFound, "order %s not found", c.params[0])
	}
	o := s.orders[id]
	if o == nil || o.account != c.account {
		return nil, errorf(http.StatusNotFound, ErrTypeNotFound, "order %d not found", id)
	}
	return o, nil
}

// withOrder runs fn on the caller's order that c names, with s.mu held.
func (s *Server) withOrder(c call, fn func(o *order) (response, *apiError)) (response, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, aerr := s.ownOrder(c)
	if aerr != nil {
		return response{}, aerr
	}
	return fn(o)
}

// waitsForValidation reports whether o is new or being validated: its
// validation may still be changed, resent or approved.
func (o *order) waitsForValidation() bool {
	return o.state == stateNew || o.state == stateProcessing
}
