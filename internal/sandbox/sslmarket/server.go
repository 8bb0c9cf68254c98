// Package sslmarket simulates the SSLmarket REST API
// (seeds/sslmarket-api.txt) for reseller-sandbox: orders whose domain
// control validation is really checked over HTTP or DNS when they are
// polled, and certificates really signed by the sandbox authority. Bodies
// are the sandbox's own wire types (wire.go), written from the document.
//
// Files by API area: products.go, orders.go (insert), orderlist.go,
// details.go (details and edit), dcv.go and mail.go (validation),
// certificates.go (reissue, cancel-reissue, resend, revoke, download),
// tools.go (decoders, OCSP), params.go (parameter checks).
//
// The Server serves the API's endpoints relative to the API root; mount it
// with http.StripPrefix("/sslmarket/api", srv), so that paths arrive as
// "/product/list", "/order/certificate/{code}" and so on.
//
// Order life cycle (the document names only "published"; the other states
// are the sandbox's):
//
//	POST /order/certificate/{code}  -> "new"
//	first GET /order/order_id/{id}  -> "processing", DCV is checked
//	every GET while "processing"    -> DCV checked again for the names not
//	                                   yet validated; IssueDelay after the
//	                                   last name passed, the CSR is signed
//	                                   -> "published"
//	POST .../reissue {csr}          -> "reissue"; IssueDelay later (on a
//	                                   GET) the new CSR is signed with the
//	                                   same expiry -> "published"
//	PUT .../cancel-reissue          -> "published" (old certificate kept)
//	a GET of a multi-year order      -> AutoReissueBefore before the end of
//	                                   its certificate, the order's CSR is
//	                                   signed again ("auto_reissue": true),
//	                                   up to the subscription's end
//
// Subscriptions: an order buys "years" of it (12 × years months from the
// order). Each certificate lives Validity, at most 199 days
// (apienv.MaxLifetime), and never past the subscription's end. The
// document says of a reissue: "The certificate issued after reissue has
// the same parameters and expiration date as the original", so a reissue
// (free, counted in Reissues) never extends a certificate; what carries a
// multi-year order from one certificate to the next is the automatic
// reissue the document's "auto_reissue" announces (free, counted in
// AutoReissues). When it starts is not documented: the sandbox assumes
// AutoReissueBefore the certificate's end, on the next call that polls the
// order. A one-year order ends with its first certificate.
//
// DCV methods: FILE fetches
// http://<HTTP01Address>/.well-known/pki-validation/fileauth.txt with
// "Host: <name>" for the domain and every dns_name and compares the trimmed
// body with dv_auth_content. DNS asks the authoritative server DNSServer
// (no recursion) for the TXT records at the domain and at every dns_name
// (the base name for a wildcard: example.com for *.example.com) and passes
// a name when one of them is dv_auth_content; without DNSServer it always
// fails. Email sends, for every name, a mail to the admin, administrator,
// hostmaster, postmaster and webmaster addresses of the name (the base name
// for a wildcard) into the sandbox's Mailbox when the order is placed or
// edited to Email, and again for the names not yet validated on resend; a
// name passes when one of its mails is approved (the sandbox's
// POST /sandbox/mail/{id}/approve), and IssueDelay after the last name
// passed the order is issued on a poll, as with FILE and DNS. Changing the
// method away from Email voids the order's mails. Why an order is not
// progressing (failed checks, mails not approved) is told in the extra
// field "sandbox_note" of the order details.
//
// Where the document is silent the sandbox assumes:
// errors are {"error": "<type>", "description": "..."} (types
// missing_parameter, invalid_parameter, invalid_json, unauthorized,
// not_found, method_not_allowed, invalid_state, not_supported,
// internal_error); an unknown product, an unknown order and another
// account's order are 404; a call the order's state does not allow is 409;
// edit answers 200 and reissue/cancel-reissue/resend 202 with empty bodies;
// resend is refused with 400 invalid_parameter for an order not validated
// by Email, and with 409 for an order no longer waiting for validation or
// whose names are all validated already;
// times are "2006-01-02 15:04:05" (dates "2006-01-02") in the zone the
// sandbox is given (UTC unless configured), without an offset; GET
// /order/list takes a "page" parameter (1-based) when a page size is
// configured, oldest orders first, and answers an empty list past the last
// page (with no page size, the whole list, the parameter ignored). Reissue does
// not validate the domains again. Revocation is documented for client
// certificate products only, which the sandbox does not sell, so it always
// answers 400 not_supported.
//
// Deviation from the document's example product list: the sandbox's
// RapidSSL products accept up to 100 SANs (the document's example says 0)
// so that multi-name certificates can be tested, and "rapidssl-wildcard-dv"
// is served as an alias of the documented "rapidssl-rapidssl-wildcard-dv".
package sslmarket

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apikey"
)

const (
	// AutoReissueBefore is how long before its certificate's end a
	// multi-year order is reissued automatically.
	AutoReissueBefore = 30 * 24 * time.Hour

	maxBodyBytes   = 1 << 20
	maxParallel    = 8
	timeLayout     = "2006-01-02 15:04:05"
	dateLayout     = "2006-01-02"
	firstOrderID   = 100000
	ocspNextUpdate = 7 * 24 * time.Hour
)

// Error types of the sandbox's error bodies.
const (
	ErrTypeMissingParameter = "missing_parameter"
	ErrTypeInvalidParameter = "invalid_parameter"
	ErrTypeInvalidJSON      = "invalid_json"
	ErrTypeUnauthorized     = "unauthorized"
	ErrTypeNotFound         = "not_found"
	ErrTypeMethodNotAllowed = "method_not_allowed"
	ErrTypeInvalidState     = "invalid_state"
	ErrTypeNotSupported     = "not_supported"
	ErrTypeInternal         = "internal_error"
)

// AccountStats counts one account's activity, for tests that count money.
type AccountStats struct {
	// Orders is the number of orders placed (paid).
	Orders int `json:"orders"`
	// Downloads is the number of successful certificate downloads.
	Downloads int `json:"downloads"`
	// Reissues is the number of reissues requested (free).
	Reissues int `json:"reissues"`
	// AutoReissues is the number of certificates a multi-year order
	// received by automatic reissue (free).
	AutoReissues int `json:"autoReissues"`
	// Issued is the number of orders now in the issued state ("published").
	Issued int `json:"issued"`
	// Pending is the number of orders now waiting ("new", "processing",
	// "reissue").
	Pending int `json:"pending"`
	// MailsSent is the number of validation e-mails sent (one per name).
	MailsSent int `json:"mailsSent"`
}

// Server is the simulated SSLmarket API, an http.Handler for the API root.
type Server struct {
	env apienv.Env

	mu       sync.Mutex
	lastID   int64
	accounts map[string]*AccountStats // counters only; Issued/Pending computed
	orders   map[int64]*order
}

// New returns a Server for cfg.
func New(cfg apienv.Config) *Server {
	env := apienv.New(cfg)
	return &Server{
		env:      env,
		lastID:   firstOrderID,
		accounts: apienv.Accounts(env, func() *AccountStats { return &AccountStats{} }),
		orders:   map[int64]*order{},
	}
}

// Stats returns the activity of every configured account, by account name.
func (s *Server) Stats() map[string]AccountStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]AccountStats, len(s.accounts))
	for name, a := range s.accounts {
		st := *a
		st.Issued, st.Pending = 0, 0
		for _, o := range s.orders {
			if o.account != name {
				continue
			}
			switch o.state {
			case statePublished:
				st.Issued++
			case stateNew, stateProcessing, stateReissue:
				st.Pending++
			}
		}
		out[name] = st
	}
	return out
}

// apiError is an answer with an error status.
type apiError struct {
	status int
	typ    string
	desc   string
}

func errorf(status int, typ, format string, args ...any) *apiError {
	return &apiError{status: status, typ: typ, desc: fmt.Sprintf(format, args...)}
}

func missing(field string) *apiError {
	return errorf(http.StatusBadRequest, ErrTypeMissingParameter, "missing parameter %s", field)
}

func invalid(field, format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, ErrTypeInvalidParameter, "invalid parameter %s: %s", field, fmt.Sprintf(format, args...))
}

// response is a successful answer: JSON when json is non-nil, else raw
// (possibly empty) bytes of contentType.
type response struct {
	status      int
	json        any
	raw         []byte
	contentType string
}

func jsonResponse(status int, v any) response { return response{status: status, json: v} }

func emptyResponse(status int) response { return response{status: status} }

// call is one authenticated request with its path parameters.
type call struct {
	r       *http.Request
	account string
	params  []string
}

type handler func(*Server, call) (response, *apiError)

// route is one endpoint: its path segments ("{}" is a parameter) and its
// handler per method.
type route struct {
	segments []string
	methods  map[string]handler
}

var routes = []route{
	{[]string{"product", "list"}, map[string]handler{http.MethodGet: (*Server).products}},
	{[]string{"order", "certificate", "{}"}, map[string]handler{http.MethodPost: (*Server).placeOrder}},
	{[]string{"order", "list"}, map[string]handler{http.MethodGet: (*Server).orderList}},
	{[]string{"order", "order_id", "{}"}, map[string]handler{http.MethodGet: (*Server).orderDetails, http.MethodPut: (*Server).editOrder}},
	{[]string{"certificate", "order_id", "{}", "reissue"}, map[string]handler{http.MethodPost: (*Server).reissue}},
	{[]string{"certificate", "order_id", "{}", "cancel-reissue"}, map[string]handler{http.MethodPut: (*Server).cancelReissue}},
	{[]string{"certificate", "order_id", "{}", "resend"}, map[string]handler{http.MethodPut: (*Server).resend}},
	{[]string{"certificate", "order_id", "{}", "revoke"}, map[string]handler{http.MethodPut: (*Server).revoke}},
	{[]string{"certificate", "order_id", "{}", "format", "{}"}, map[string]handler{http.MethodGet: (*Server).download}},
	{[]string{"tool", "decoder", "csr"}, map[string]handler{http.MethodPost: (*Server).decodeCSR}},
	{[]string{"tool", "decoder", "certificate"}, map[string]handler{http.MethodPost: (*Server).decodeCertificate}},
	{[]string{"tool", "ocsp"}, map[string]handler{http.MethodPost: (*Server).ocsp}},
}

// match returns the route for path and its parameters.
func match(path string) (*route, []string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := range routes {
		rt := &routes[i]
		if len(rt.segments) != len(segs) {
			continue
		}
		var params []string
		ok := true
		for j, want := range rt.segments {
			switch {
			case want == "{}" && segs[j] != "":
				params = append(params, segs[j])
			case want != segs[j]:
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok {
			return rt, params
		}
	}
	return nil, nil
}

// ServeHTTP serves the API's endpoints (paths relative to the API root).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, params := match(r.URL.Path)
	if rt == nil {
		writeError(w, errorf(http.StatusNotFound, ErrTypeNotFound, "no endpoint %s", r.URL.Path))
		return
	}
	h, ok := rt.methods[r.Method]
	if !ok {
		allowed := make([]string, 0, len(rt.methods))
		for m := range rt.methods {
			allowed = append(allowed, m)
		}
		sort.Strings(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, errorf(http.StatusMethodNotAllowed, ErrTypeMethodNotAllowed, "method %s not allowed on %s", r.Method, r.URL.Path))
		return
	}
	name, aerr := s.authenticate(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	resp, aerr := h(s, call{r: r, account: name, params: params})
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	switch {
	case resp.json != nil:
		writeJSON(w, resp.status, resp.json)
	case resp.raw != nil:
		w.Header().Set("Content-Type", resp.contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(resp.raw)))
		w.WriteHeader(resp.status)
		_, _ = w.Write(resp.raw)
	default:
		w.WriteHeader(resp.status)
	}
}

// authenticate resolves the account of the X-Auth-Token header.
func (s *Server) authenticate(r *http.Request) (string, *apiError) {
	name, err := s.env.Keys.Account(r.Header.Get(tokenHeader))
	switch {
	case errors.Is(err, apikey.ErrMissing):
		return "", errorf(http.StatusUnauthorized, ErrTypeUnauthorized, "missing %s header", tokenHeader)
	case err != nil:
		return "", errorf(http.StatusUnauthorized, ErrTypeUnauthorized, "%s %v", tokenHeader, err)
	}
	return name, nil
}

// decodeBody reads a JSON request body into v. An empty body leaves v
// unchanged.
func decodeBody(r *http.Request, v any) *apiError {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return errorf(http.StatusBadRequest, ErrTypeInvalidJSON, "reading request body: %v", err)
	}
	if len(data) > maxBodyBytes {
		return errorf(http.StatusBadRequest, ErrTypeInvalidJSON, "request body larger than %d bytes", maxBodyBytes)
	}
	if strings.TrimSpace(string(data)) == "" {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return errorf(http.StatusBadRequest, ErrTypeInvalidJSON, "invalid JSON body: %v", err)
	}
	return nil
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, errorResponse{Error: e.typ, Description: e.desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = json.Marshal(errorResponse{Error: ErrTypeInternal, Description: "encoding the response failed"}) //nolint:errchkjson // two strings
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// formatTime writes t as the API does: in its zone, without saying which.
func (s *Server) formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return s.env.Local(t).Format(timeLayout)
}

// formatDate writes the day of t in the API's zone.
func (s *Server) formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return s.env.Local(t).Format(dateLayout)
}

// serialHex is a certificate serial number as upper-case hex.
func serialHex(c *x509.Certificate) string {
	return strings.ToUpper(c.SerialNumber.Text(16))
}
