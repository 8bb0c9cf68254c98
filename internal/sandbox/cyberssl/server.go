// Package cyberssl simulates the CyberSSL API (seeds/cyberssl-api.txt) for
// reseller-sandbox: sessions, a small product catalog, per-account
// balances that orders really spend, HTTP and DNS domain validation that is
// really checked, and issuance by the sandbox authority. Bodies are the
// sandbox's own wire types (wire.go), written from the document.
//
// Files by API area: accounts.go (auth, sessions, balance), products.go,
// orders.go (add, reissue, my_orders, extra domains), validation.go
// (dv_options, change_dv_method, revalidate, the checks), mail.go (email
// validation), status.go (order_status and issuance), tools.go
// (validate_csr), params.go (parameter checks).
//
// Mount it under its prefix, e.g. http.StripPrefix("/cyberssl/v1", srv):
// the last path segment names the method (/auth, /add_ssl_order, ...).
//
// Where the document is silent the sandbox assumes:
//   - errors are {"success": false, "error_code": N, "error_message": "..."}
//     with HTTP status N: 400 bad or missing parameter (named in the
//     message), 401 wrong API key or missing/invalid/expired token, 402
//     balance too low, 404 unknown method, product or order (another
//     account's order included), 405 wrong HTTP method, 409 the order is
//     not in a state that allows the call, 500 sandbox failure;
//   - sessions last SessionLifetime (or until ExpireSessions);
//   - the certificate's names are the CSR's common name (or, without one,
//     its first DNS name) followed by addon_domains; other SANs of the CSR
//     are ignored, as resellers do;
//   - an order starts "Awaiting Validation". Every order_status call (and
//     revalidate) checks each unvalidated name: for http it fetches the
//     file from http://<HTTP01Address><path of link> with "Host: <name>";
//     for dns it asks the authoritative server DNSServer (no recursion) for
//     the CNAME record of the name's dv_options dns line, which must point
//     to exactly the line's target (without DNSServer dns always fails).
//     When all names are validated the order is "Processing"; IssueDelay
//     later it is "Activated" with certificate (leaf PEM) and
//     certificate_chain (the intermediate PEM). https validation is
//     accepted but never checked: such names stay unvalidated;
//   - email validation sends a mail into the sandbox's Mailbox, one per
//     email-validated name, to its approver address: at add_ssl_order and
//     reissue_ssl_order, and at change_dv_method to email (which voids the
//     name's earlier mails, as does a change to another method or a
//     reissue). Approving the mail (the sandbox's
//     POST /sandbox/mail/{id}/approve) validates the name; the order then
//     moves on at order_status as with the other methods;
//   - dv_options always offer http, https (not for wildcard names) and dns
//     for every name; the file lives at
//     /.well-known/pki-validation/<32 hex>.txt, the dns line is
//     "<32 HEX>.<name>. CNAME <content>.dcv.cyberssl-sandbox.invalid."
//     (<name> without the "*." of a wildcard);
//   - an order buys a subscription of period years (12 × period months
//     from add_ssl_order); each certificate lives Validity (at most 199
//     days, apienv.MaxLifetime) and never past the subscription's end:
//     valid_till says when. The document says nothing of a certificate's
//     lifetime or of what a reissue costs;
//   - reissue is allowed for Activated orders and for orders whose
//     certificate expired, while the subscription runs; it is free
//     (counted in Reissues, never in Orders, the balance untouched), keeps
//     the order id and returns the order to "Awaiting Validation"; its
//     certificate is a new one, capped as above. After the subscription's
//     end a reissue is refused (409): a new order is needed;
//   - my_orders elements are orderSummary; date_created, valid_from and
//     valid_till are written in the sandbox's zone (UTC unless configured)
//     without an offset; with a page size configured, my_orders takes
//     "page" (1-based), oldest orders first, empty past the last page (no
//     page size: every order, the parameter ignored).
package cyberssl

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
)

const (
	// SessionLifetime is how long an auth token is accepted.
	SessionLifetime = time.Hour
	// InitialBalance is every account's starting balance, in cents.
	InitialBalance = 1000_00

	maxBodyBytes = 1 << 20
	dnsSuffix    = "dcv.cyberssl-sandbox.invalid"
	orderLinkFmt = "https://cyberssl-sandbox.invalid/order/%d"
	firstOrderID = 100000
)

// Error codes (= HTTP status) of the sandbox.
const (
	codeBadRequest   = http.StatusBadRequest
	codeAuth         = http.StatusUnauthorized
	codeFunds        = http.StatusPaymentRequired
	codeNotFound     = http.StatusNotFound
	codeMethod       = http.StatusMethodNotAllowed
	codeConflict     = http.StatusConflict
	codeInternal     = http.StatusInternalServerError
	statusValidating = statusAwaitingValidation
)

// AccountStats counts one account's activity, for tests that count money.
type AccountStats struct {
	// Orders is the number of successful add_ssl_order calls (paid orders).
	Orders int `json:"orders"`
	// Reissues is the number of successful reissue_ssl_order calls.
	Reissues int `json:"reissues"`
	// Activated is the number of orders currently Activated.
	Activated int `json:"activated"`
	// Pending is the number of orders currently waiting (Awaiting
	// Validation or Processing).
	Pending int `json:"pending"`
	// MailsSent is the number of validation emails sent (one per name).
	MailsSent int `json:"mailsSent"`
	// BalanceReads is the number of successful get_balance calls (the
	// issuer's health checks read it).
	BalanceReads int `json:"balanceReads"`
	// FundsRefusals is the number of orders refused for lack of funds.
	FundsRefusals int `json:"fundsRefusals"`
}

// Server is the simulated CyberSSL API, an http.Handler.
type Server struct {
	env apienv.Env

	mu          sync.Mutex
	lastOrderID int64
	accounts    map[string]*account
	sessions    map[string]session
	orders      map[int64]*order
}

// New returns a Server for cfg.
func New(cfg apienv.Config) *Server {
	env := apienv.New(cfg)
	return &Server{
		env:         env,
		lastOrderID: firstOrderID,
		accounts:    apienv.Accounts(env, func() *account { return &account{balance: InitialBalance} }),
		sessions:    map[string]session{},
		orders:      map[int64]*order{},
	}
}

// Stats returns the activity of every configured account, by account name.
func (s *Server) Stats() map[string]AccountStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]AccountStats, len(s.accounts))
	for name, a := range s.accounts {
		st := a.stats
		for _, o := range s.orders {
			if o.account != name {
				continue
			}
			switch o.status {
			case statusActivated:
				st.Activated++
			case statusValidating, statusProcessing:
				st.Pending++
			}
		}
		out[name] = st
	}
	return out
}

// apiError is a failure answer; its Status is also the error_code.
type apiError = apienv.Error

func errorf(code int, format string, args ...any) *apiError {
	return apienv.Errorf(code, format, args...)
}

func missing(param string) *apiError {
	return errorf(codeBadRequest, "missing parameter %s", param)
}

func invalid(param, format string, args ...any) *apiError {
	return errorf(codeBadRequest, "invalid parameter %s: %s", param, fmt.Sprintf(format, args...))
}

type handler func(s *Server, r *http.Request, p url.Values) (any, *apiError)

type route struct {
	method  string
	handler handler
	// public methods need no session token.
	public bool
}

var routes = map[string]route{
	"auth":                    {http.MethodGet, (*Server).auth, true},
	"list_products":           {http.MethodGet, (*Server).listProducts, false},
	"add_ssl_order":           {http.MethodPost, (*Server).addOrder, false},
	"reissue_ssl_order":       {http.MethodPost, (*Server).reissue, false},
	"validate_csr":            {http.MethodPost, (*Server).validateCSR, false},
	"get_dv_options":          {http.MethodGet, (*Server).dvOptions, false},
	"change_dv_method":        {http.MethodPost, (*Server).changeDVMethod, false},
	"order_status":            {http.MethodGet, (*Server).orderStatus, false},
	"get_ssl_product_price":   {http.MethodGet, (*Server).productPrice, false},
	"get_balance":             {http.MethodGet, (*Server).balance, false},
	"my_orders":               {http.MethodGet, (*Server).myOrders, false},
	"ssl_certificates":        {http.MethodGet, (*Server).sslCertificates, true},
	"order_extra_domains":     {http.MethodGet, (*Server).extraDomains, false},
	"get_ssl_product_details": {http.MethodGet, (*Server).productDetails, false},
	"revalidate":              {http.MethodGet, (*Server).revalidate, false},
}

// accountKey carries the authenticated account name in a request context.
type accountKey struct{}

func accountOf(r *http.Request) string {
	name, _ := r.Context().Value(accountKey{}).(string)
	return name
}

// ServeHTTP serves every API method; the last path segment names it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := path.Base("/" + strings.Trim(r.URL.Path, "/"))
	rt, ok := routes[name]
	if !ok {
		writeError(w, errorf(codeNotFound, "unknown API method %q", name))
		return
	}
	if r.Method != rt.method {
		w.Header().Set("Allow", rt.method)
		writeError(w, errorf(codeMethod, "%s needs %s, got %s", name, rt.method, r.Method))
		return
	}
	p, aerr := params(w, r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if !rt.public {
		acct, aerr := s.authenticate(p.Get("token"))
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), accountKey{}, acct))
	}
	resp, aerr := rt.handler(s, r, p)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// params returns the query parameters for GET, and the form body (then
// the query) for POST.
func params(w http.ResponseWriter, r *http.Request) (url.Values, *apiError) {
	if r.Method != http.MethodPost {
		return r.URL.Query(), nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, errorf(codeBadRequest, "POST body must be application/x-www-form-urlencoded, got %q", ct)
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return nil, errorf(codeBadRequest, "reading form body: %v", err)
	}
	return r.Form, nil
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.Status, errorResponse{Success: false, ErrorCode: e.Status, ErrorMessage: e.Message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) //nolint:errchkjson // the wire types always encode; the client is gone if writing fails
}

// randomHex returns n random bytes, hex encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}
