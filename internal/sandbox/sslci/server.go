// Package sslci simulates the SSLCI REST API (seeds/sslci-api.txt) for
// reseller-sandbox: per-domain verification orders that are really checked
// over HTTP or DNS, and a finalize call that has the sandbox authority really sign
// a certificate. Request and response bodies are the client's wire types.
//
// Where the document is silent the sandbox assumes:
//   - the token is accepted in the JSON body ("token"), in the query string
//     (?token=) or as "Authorization: Bearer <token>", in that order;
//   - errors are {"status": false, "message": "..."} with the documented
//     status code; an unknown record is 400, not 404;
//   - the PUT answer is {"status": true, "domain", "order_id", "verified"};
//   - for method dns the content belongs in a TXT record at
//     _acme-challenge.<domain> (_acme-challenge.example.com for
//     *.example.com), looked up at Config.DNSServer when the order is
//     confirmed; the check passes when one TXT value is the content;
//   - finalize accepts an optional "csr"; without it a key is generated and
//     returned in "key", as the real API does;
//   - domains of a certificate are listed comma-joined ("a.com,b.com").
package sslci

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	api "github.com/reseller-issuer/reseller-issuer/internal/ca/sslci"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnscheck"
)

const (
	// DefaultValidity is the lifetime of issued certificates when
	// Config.Validity is not set.
	DefaultValidity = 90 * 24 * time.Hour
	// VerificationLifetime is how long a confirmed domain may be finalized.
	VerificationLifetime = 29 * 24 * time.Hour

	maxBodyBytes     = 1 << 20
	maxFileBytes     = 64 << 10
	maxDomains       = 100
	fetchTimeout     = 5 * time.Second
	challengePrefix  = "/.well-known/acme-challenge/"
	detailTimeLayout = "2006-01-02 15:04:05"
	allowedMethods   = "GET, POST, PUT, DELETE"
	statusPending    = "pending"
)

// Config configures a Server.
type Config struct {
	// Accounts maps API tokens to account names. Several tokens may share an
	// account; empty tokens or names are ignored.
	Accounts map[string]string
	// Authority signs the certificates. Required for finalize.
	Authority *authority.Authority
	// HTTP01Address is the host:port the HTTP verification file is fetched
	// from (with "Host: <domain>"). Empty: the domain itself, port 80.
	HTTP01Address string
	// DNSServer is the host:port of the authoritative DNS server asked for
	// the TXT records of dns verification. Empty: dns verification fails.
	DNSServer string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Validity of issued certificates; zero means DefaultValidity.
	Validity time.Duration
	// Logger receives state changes (account names, ids, domains; never a
	// token). Nil discards them.
	Logger *slog.Logger
	// Revoked, when set, tells a token revoked at the reseller: it is then
	// refused like an unknown one (HTTP 401).
	Revoked func(token string) bool
}

// AccountStats counts one account's activity, for tests that count money.
type AccountStats struct {
	// VerificationOrders is the number of verification orders created (POST).
	VerificationOrders int `json:"verificationOrders"`
	// Confirmations is the number of successful confirmations (PUT).
	Confirmations int `json:"confirmations"`
	// Finalizes is the number of successful finalize calls, i.e. of
	// certificates issued.
	Finalizes int `json:"finalizes"`
	// Certificates is the number of certificates currently listed.
	Certificates int `json:"certificates"`
	// PendingOrders is the number of verification orders currently pending.
	PendingOrders int `json:"pendingOrders"`
}

// Server is the simulated SSLCI API, an http.Handler for the API URL (mount
// it at e.g. "/sslci/api", directly or through http.StripPrefix).
type Server struct {
	tokens        []tokenAccount
	revoked       func(token string) bool
	ca            *authority.Authority
	http01Address string
	dnsServer     string
	now           func() time.Time
	validity      time.Duration
	log           *slog.Logger
	client        *http.Client

	mu          sync.Mutex
	lastOrderID int64
	lastCrtID   int64
	accounts    map[string]*account
	orders      map[int64]*order
	certs       map[int64]*certificate
}

type tokenAccount struct {
	token []byte
	name  string
}

type account struct {
	thumbprint string
	verified   map[string]time.Time // domain -> time of the last successful confirmation
	stats      AccountStats         // counters only; current counts are computed
}

type order struct {
	id      int64
	account string
	domain  string
	method  string
	token   string
	content string
}

type certificate struct {
	id      int64
	account string
	domains []string
	added   time.Time
	expires time.Time
}

// New returns a Server for cfg.
func New(cfg Config) *Server {
	s := &Server{
		ca:            cfg.Authority,
		http01Address: cfg.HTTP01Address,
		dnsServer:     cfg.DNSServer,
		now:           cfg.Now,
		validity:      cfg.Validity,
		log:           cfg.Logger,
		revoked:       cfg.Revoked,
		client: &http.Client{
			Timeout: fetchTimeout,
			// A redirect is reported as a failure rather than followed: it
			// would leave HTTP01Address for the domain itself.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		accounts: map[string]*account{},
		orders:   map[int64]*order{},
		certs:    map[int64]*certificate{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.validity <= 0 {
		s.validity = DefaultValidity
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for token, name := range cfg.Accounts {
		if token == "" || name == "" {
			continue
		}
		s.tokens = append(s.tokens, tokenAccount{token: []byte(token), name: name})
		if s.accounts[name] == nil {
			s.accounts[name] = &account{thumbprint: randomString(), verified: map[string]time.Time{}}
		}
	}
	return s
}

// Stats returns the activity of every configured account, by account name.
func (s *Server) Stats() map[string]AccountStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]AccountStats, len(s.accounts))
	for name, a := range s.accounts {
		st := a.stats
		for _, c := range s.certs {
			if c.account == name {
				st.Certificates++
			}
		}
		for _, o := range s.orders {
			if o.account == name {
				st.PendingOrders++
			}
		}
		out[name] = st
	}
	return out
}

// apiError is an answer with a documented error status.
type apiError struct {
	status  int
	message string
}

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, message: fmt.Sprintf(format, args...)}
}

// ServeHTTP serves GET, POST, PUT and DELETE on the API URL.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !isAPIPath(r.URL.Path) {
		s.writeJSON(w, http.StatusNotFound, api.ErrorResponse{Message: "not found"})
		return
	}
	var (
		resp any
		aerr *apiError
	)
	switch r.Method {
	case http.MethodGet:
		resp, aerr = s.list(r)
	case http.MethodPost:
		resp, aerr = s.post(r)
	case http.MethodPut:
		resp, aerr = s.confirm(r)
	case http.MethodDelete:
		resp, aerr = s.delete(r)
	default:
		w.Header().Set("Allow", allowedMethods)
		aerr = errorf(http.StatusMethodNotAllowed, "method %s not allowed", r.Method)
	}
	if aerr != nil {
		s.writeJSON(w, aerr.status, api.ErrorResponse{Message: aerr.message})
		return
	}
	s.writeJSON(w, http.StatusOK, resp)
}

// isAPIPath accepts the mount path however the handler was mounted: "" or
// "/" behind http.StripPrefix, or any path ending in "/api".
func isAPIPath(p string) bool {
	p = strings.TrimSuffix(p, "/")
	return p == "" || strings.HasSuffix(p, "/api")
}

// list answers GET /api.
func (s *Server) list(r *http.Request) (any, *apiError) {
	name, aerr := s.authenticate("", r)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := api.ListResponse{Status: true, Certificates: []api.Certificate{}, PendingOrders: []api.PendingOrder{}}
	for _, c := range s.certs {
		if c.account == name {
			resp.Certificates = append(resp.Certificates, api.Certificate{
				CrtID:   c.id,
				Domains: strings.Join(c.domains, ","),
				AddTime: c.added.Unix(),
				EndTime: c.expires.Unix(),
			})
		}
	}
	for _, o := range s.orders {
		if o.account == name {
			resp.PendingOrders = append(resp.PendingOrders, api.PendingOrder{OrderID: o.id, Domains: o.domain, Status: statusPending})
		}
	}
	sort.Slice(resp.Certificates, func(i, j int) bool { return resp.Certificates[i].CrtID < resp.Certificates[j].CrtID })
	sort.Slice(resp.PendingOrders, func(i, j int) bool { return resp.PendingOrders[i].OrderID < resp.PendingOrders[j].OrderID })
	return resp, nil
}

// post answers POST /api: a verification request, or finalize when
// action=finalize.
func (s *Server) post(r *http.Request) (any, *apiError) {
	body, aerr := readBody(r)
	if aerr != nil {
		return nil, aerr
	}
	var fin api.FinalizeRequest
	if aerr := decode(body, &fin); aerr != nil {
		return nil, aerr
	}
	switch fin.Action {
	case api.ActionFinalize:
		return s.finalize(r, fin)
	case "":
	default:
		return nil, errorf(http.StatusBadRequest, "invalid parameter action: must be %q or absent", api.ActionFinalize)
	}
	var req api.VerificationRequest
	if aerr := decode(body, &req); aerr != nil {
		return nil, aerr
	}
	return s.createOrder(r, req)
}

func (s *Server) createOrder(r *http.Request, req api.VerificationRequest) (any, *apiError) {
	name, aerr := s.authenticate(req.Token, r)
	if aerr != nil {
		return nil, aerr
	}
	domain, aerr := domainParam("domain", req.Domain)
	if aerr != nil {
		return nil, aerr
	}
	switch req.Method {
	case "":
		return nil, errorf(http.StatusBadRequest, "missing parameter method")
	case api.MethodHTTP:
		if strings.HasPrefix(domain, "*.") {
			return nil, errorf(http.StatusBadRequest, "invalid parameter method: wildcard domain %s needs dns verification", domain)
		}
	case api.MethodDNS:
	default:
		return nil, errorf(http.StatusBadRequest, "invalid parameter method: must be %q or %q", api.MethodHTTP, api.MethodDNS)
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

	s.log.Info("sslci verification order created", "account", name, "orderID", o.id, "domain", domain, "method", o.method)
	v := api.Verification{Method: o.method, Token: o.token, Content: o.content}
	if o.method == api.MethodHTTP {
		v.FilePath = challengePrefix + o.token
		v.URL = "http://" + domain + v.FilePath
	}
	return api.VerificationResponse{Status: true, Domain: domain, OrderID: o.id, Verification: v}, nil
}

// confirm answers PUT /api: it checks the published verification of one
// pending order and, on success, marks the domain verified for the account.
func (s *Server) confirm(r *http.Request) (any, *apiError) {
	body, aerr := readBody(r)
	if aerr != nil {
		return nil, aerr
	}
	var req api.ConfirmRequest
	if aerr := decode(body, &req); aerr != nil {
		return nil, aerr
	}
	name, aerr := s.authenticate(req.Token, r)
	if aerr != nil {
		return nil, aerr
	}
	domain, aerr := domainParam("domain", req.Domain)
	if aerr != nil {
		return nil, aerr
	}
	switch req.Method {
	case "", api.MethodHTTP, api.MethodDNS:
	default:
		return nil, errorf(http.StatusBadRequest, "invalid parameter method: must be %q or %q", api.MethodHTTP, api.MethodDNS)
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
	check := s.checkHTTP
	if o.method == api.MethodDNS {
		check = s.checkDNS
	}
	if err := check(r.Context(), o); err != nil {
		s.log.Info("sslci verification failed", "account", name, "orderID", o.id, "domain", domain, "reason", err.Error())
		return nil, errorf(http.StatusBadRequest, "verification of %s failed: %v", domain, err)
	}

	s.mu.Lock()
	if _, ok := s.orders[o.id]; !ok {
		s.mu.Unlock()
		return nil, errorf(http.StatusBadRequest, "verification of %s failed: order %d is no longer pending", domain, o.id)
	}
	delete(s.orders, o.id)
	acct := s.accounts[name]
	acct.verified[domain] = s.now()
	acct.stats.Confirmations++
	s.mu.Unlock()

	s.log.Info("sslci domain verified", "account", name, "orderID", o.id, "domain", domain)
	return api.ConfirmResponse{Status: true, Domain: domain, OrderID: o.id, Verified: true}, nil
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

// checkHTTP fetches the verification file of o and compares it with the
// expected content.
func (s *Server) checkHTTP(ctx context.Context, o order) error {
	addr := s.http01Address
	if addr == "" {
		addr = o.domain
	}
	path := challengePrefix + o.token
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return err
	}
	req.Host = o.domain
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("fetching http://%s%s: %w", o.domain, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetching http://%s%s: unexpected status %s", o.domain, path, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFileBytes))
	if err != nil {
		return fmt.Errorf("reading http://%s%s: %w", o.domain, path, err)
	}
	if got := strings.TrimSpace(string(data)); got != o.content {
		if len(got) > 128 {
			got = got[:128] + "..."
		}
		return fmt.Errorf("http://%s%s serves %q, want %q", o.domain, path, got, o.content)
	}
	return nil
}

// checkDNS looks for the content of o in the TXT records at
// _acme-challenge.<domain> (the base domain for a wildcard).
func (s *Server) checkDNS(ctx context.Context, o order) error {
	return dnscheck.Check(ctx, s.dnsServer, dnsRecordName(o.domain), dns.TypeTXT, o.content)
}

// dnsRecordName is the name of the TXT record dns verification of domain
// looks for: _acme-challenge.<domain>, without the "*." of a wildcard.
func dnsRecordName(domain string) string {
	return "_acme-challenge." + strings.TrimPrefix(domain, "*.")
}

// finalize answers POST /api with action=finalize.
func (s *Server) finalize(r *http.Request, req api.FinalizeRequest) (any, *apiError) {
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

	now := s.now()
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
			return nil, errorf(http.StatusBadRequest, "verification of domain %s expired (verified %s, valid for 29 days)", d, at.UTC().Format(detailTimeLayout))
		}
	}
	s.mu.Unlock()

	if s.ca == nil {
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
	leafPEM, leaf, err := s.ca.SignAt(now, csrPEM, domains, s.validity)
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

	s.log.Info("sslci certificate issued", "account", name, "crtID", c.id, "domains", domains, "generatedKey", keyPEM != nil)
	resp := api.FinalizeResponse{
		Status: true,
		Key:    string(keyPEM),
		CSR:    string(csrPEM),
		CRT:    string(leafPEM),
		CA:     string(s.ca.IntermediatePEM()),
	}
	resp.Details.Subject.CN = leaf.Subject.CommonName
	resp.Details.ValidFrom = leaf.NotBefore.UTC().Format(detailTimeLayout)
	resp.Details.ValidTo = leaf.NotAfter.UTC().Format(detailTimeLayout)
	sans := make([]string, len(leaf.DNSNames))
	for i, n := range leaf.DNSNames {
		sans[i] = "DNS:" + n
	}
	resp.Details.SAN = strings.Join(sans, ", ")
	return resp, nil
}

// delete answers DELETE /api.
func (s *Server) delete(r *http.Request) (any, *apiError) {
	body, aerr := readBody(r)
	if aerr != nil {
		return nil, aerr
	}
	var req api.DeleteRequest
	if aerr := decode(body, &req); aerr != nil {
		return nil, aerr
	}
	name, aerr := s.authenticate(req.Token, r)
	if aerr != nil {
		return nil, aerr
	}
	switch req.Type {
	case "":
		return nil, errorf(http.StatusBadRequest, "missing parameter type")
	case api.DeleteSSL, api.DeleteOrder:
	default:
		return nil, errorf(http.StatusBadRequest, "invalid parameter type: must be %q or %q", api.DeleteSSL, api.DeleteOrder)
	}
	switch {
	case req.ID == 0:
		return nil, errorf(http.StatusBadRequest, "missing parameter id")
	case req.ID < 0:
		return nil, errorf(http.StatusBadRequest, "invalid parameter id: must be positive")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var msg string
	if req.Type == api.DeleteSSL {
		c := s.certs[req.ID]
		switch {
		case c == nil:
			return nil, errorf(http.StatusBadRequest, "no certificate %d", req.ID)
		case c.account != name:
			return nil, errorf(http.StatusForbidden, "certificate %d does not belong to you", req.ID)
		}
		delete(s.certs, req.ID)
		msg = fmt.Sprintf("certificate %d deleted", req.ID)
	} else {
		o := s.orders[req.ID]
		switch {
		case o == nil:
			return nil, errorf(http.StatusBadRequest, "no pending order %d", req.ID)
		case o.account != name:
			return nil, errorf(http.StatusForbidden, "order %d does not belong to you", req.ID)
		}
		delete(s.orders, req.ID)
		msg = fmt.Sprintf("order %d canceled", req.ID)
	}
	s.log.Info("sslci record deleted", "account", name, "type", req.Type, "id", req.ID)
	return api.DeleteResponse{Status: true, Message: msg}, nil
}

// authenticate resolves the account of the token found in the body, the
// query string or an "Authorization: Bearer" header, in that order.
func (s *Server) authenticate(bodyToken string, r *http.Request) (string, *apiError) {
	token := bodyToken
	if token == "" {
		token = r.URL.Query().Get("token")
	}
	if token == "" {
		if h := r.Header.Get("Authorization"); len(h) > len("Bearer ") && strings.EqualFold(h[:len("Bearer ")], "Bearer ") {
			token = strings.TrimSpace(h[len("Bearer "):])
		}
	}
	if token == "" {
		return "", errorf(http.StatusUnauthorized, "missing token")
	}
	name := ""
	for _, ta := range s.tokens {
		if subtle.ConstantTimeCompare(ta.token, []byte(token)) == 1 {
			name = ta.name
		}
	}
	if name == "" {
		return "", errorf(http.StatusUnauthorized, "invalid token")
	}
	if s.revoked != nil && s.revoked(token) {
		return "", errorf(http.StatusUnauthorized, "token revoked")
	}
	return name, nil
}

func readBody(r *http.Request) ([]byte, *apiError) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "reading request body: %v", err)
	}
	if len(data) > maxBodyBytes {
		return nil, errorf(http.StatusBadRequest, "request body larger than %d bytes", maxBodyBytes)
	}
	return data, nil
}

// decode unmarshals a JSON body; an empty body leaves v unchanged (the
// token may come from the query string).
func decode(body []byte, v any) *apiError {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errorf(http.StatusBadRequest, "invalid JSON body: %v", err)
	}
	return nil
}

// domainParam normalises (lower case, no trailing dot) and validates a
// domain name parameter.
func domainParam(param, raw string) (string, *apiError) {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(raw)), ".")
	if d == "" {
		if param == "domains" {
			return "", errorf(http.StatusBadRequest, "invalid parameter domains: empty domain")
		}
		return "", errorf(http.StatusBadRequest, "missing parameter %s", param)
	}
	if err := validateDomain(d); err != nil {
		return "", errorf(http.StatusBadRequest, "invalid parameter %s: %q %v", param, raw, err)
	}
	return d, nil
}

func validateDomain(d string) error {
	if len(d) > 253 {
		return errors.New("is longer than 253 characters")
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return errors.New("is not a fully qualified domain name")
	}
	for i, l := range labels {
		if i == 0 && l == "*" {
			continue
		}
		if l == "" || len(l) > 63 {
			return errors.New("has an empty or over-long label")
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return errors.New("has a label starting or ending with '-'")
		}
		for _, c := range l {
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return fmt.Errorf("has invalid character %q", c)
			}
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return errors.New("is an IP address, not a domain name")
	}
	return nil
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		// The status is already sent: all that is left is to say so.
		s.log.Warn("sslci response not written", "status", status, "error", err.Error())
	}
}

// randomString returns 32 random bytes, base64url encoded (43 characters).
func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
