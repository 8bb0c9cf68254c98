// Package sslci simulates the SSLCI REST API (seeds/sslci-api.txt) for
// reseller-sandbox: per-domain verification orders that are really checked
// over HTTP or DNS, and a finalize call that has the sandbox authority
// really sign a certificate. Bodies are the sandbox's own wire types
// (wire.go), written from the document.
//
// Files: server.go (routing, authentication, errors), verification.go
// (POST and PUT /api), finalize.go (action=finalize), records.go (GET and
// DELETE /api).
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
//   - domains of a certificate are listed comma-joined ("a.com,b.com");
//   - with a page size configured, GET /api takes "page" (1-based) and
//     answers that page of the certificates and of the pending orders,
//     oldest first, empty past the last (no page size: everything, the
//     parameter ignored); add_time and end_time are Unix seconds, so the
//     API's time zone shows only in finalize's details;
//   - SSLCI has no subscriptions: the document has no period, price or
//     reissue, only domains verified within 29 days and finalize. Every
//     finalize issues a new certificate of Validity (at most 199 days,
//     apienv.MaxLifetime; the example's is 90 days) and is counted in
//     Finalizes; a renewal is another finalize.
package sslci

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apikey"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnsname"
)

const (
	// VerificationLifetime is how long a confirmed domain may be finalized.
	VerificationLifetime = 29 * 24 * time.Hour

	maxBodyBytes   = 1 << 20
	allowedMethods = "GET, POST, PUT, DELETE"
)

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
	env apienv.Env

	mu          sync.Mutex
	lastOrderID int64
	lastCrtID   int64
	accounts    map[string]*account
	orders      map[int64]*order
	certs       map[int64]*certificate
}

type account struct {
	thumbprint string
	verified   map[string]time.Time // domain -> time of the last successful confirmation
	stats      AccountStats         // counters only; current counts are computed
}

// New returns a Server for cfg.
func New(cfg apienv.Config) *Server {
	env := apienv.New(cfg)
	return &Server{
		env: env,
		accounts: apienv.Accounts(env, func() *account {
			return &account{thumbprint: randomString(), verified: map[string]time.Time{}}
		}),
		orders: map[int64]*order{},
		certs:  map[int64]*certificate{},
	}
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
type apiError = apienv.Error

func errorf(status int, format string, args ...any) *apiError {
	return apienv.Errorf(status, format, args...)
}

// ServeHTTP serves GET, POST, PUT and DELETE on the API URL.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !isAPIPath(r.URL.Path) {
		s.writeJSON(w, http.StatusNotFound, errorResponse{Message: "not found"})
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
		s.writeJSON(w, aerr.Status, errorResponse{Message: aerr.Message})
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
	name, err := s.env.Keys.Account(token)
	switch {
	case errors.Is(err, apikey.ErrMissing):
		return "", errorf(http.StatusUnauthorized, "missing token")
	case errors.Is(err, apikey.ErrRevoked):
		return "", errorf(http.StatusUnauthorized, "token revoked")
	case err != nil:
		return "", errorf(http.StatusUnauthorized, "invalid token")
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

// readRequest reads and decodes the JSON body of r into v.
func readRequest(r *http.Request, v any) *apiError {
	body, aerr := readBody(r)
	if aerr != nil {
		return aerr
	}
	return decode(body, v)
}

// accountAndDomain authenticates token and checks the domain parameter of
// a request about one domain.
func (s *Server) accountAndDomain(r *http.Request, token, rawDomain string) (name, domain string, aerr *apiError) {
	if name, aerr = s.authenticate(token, r); aerr != nil {
		return "", "", aerr
	}
	if domain, aerr = domainParam("domain", rawDomain); aerr != nil {
		return "", "", aerr
	}
	return name, domain, nil
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
	d, err := dnsname.Normalize(raw)
	switch {
	case errors.Is(err, dnsname.ErrEmpty) && param == "domains":
		return "", errorf(http.StatusBadRequest, "invalid parameter domains: empty domain")
	case errors.Is(err, dnsname.ErrEmpty):
		return "", errorf(http.StatusBadRequest, "missing parameter %s", param)
	case err != nil:
		return "", errorf(http.StatusBadRequest, "invalid parameter %s: %q %v", param, raw, err)
	}
	return d, nil
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		// The status is already sent: all that is left is to say so.
		s.env.Log.Warn("sslci response not written", "status", status, "error", err.Error())
	}
}

// randomString returns 32 random bytes, base64url encoded (43 characters).
func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
