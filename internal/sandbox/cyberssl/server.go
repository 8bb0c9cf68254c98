// Package cyberssl simulates the CyberSSL API (seeds/cyberssl-api.txt) for
// reseller-sandbox: sessions, a small product catalog, per-account
// balances that orders really spend, HTTP and DNS domain validation that is
// really checked, and issuance by the sandbox authority. Bodies are the client's
// wire types (internal/ca/cyberssl), so client and simulator agree.
//
// Mount it under its prefix, e.g. http.StripPrefix("/cyberssl/v1", srv):
// the last path segment names the method (/auth, /add_ssl_order, ...).
//
// Where the document is silent the sandbox assumes (see also the client's
// assumptions.go):
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
//   - reissue is allowed for Activated orders, free, keeps the order id
//     and returns the order to "Awaiting Validation";
//   - my_orders elements are api.OrderSummary, date_created in UTC.
package cyberssl

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	api "github.com/reseller-issuer/reseller-issuer/internal/ca/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnscheck"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
)

const (
	// DefaultValidity is the lifetime of issued certificates when
	// Config.Validity is not set.
	DefaultValidity = 90 * 24 * time.Hour
	// SessionLifetime is how long an auth token is accepted.
	SessionLifetime = time.Hour
	// InitialBalance is every account's starting balance, in cents.
	InitialBalance = 1000_00

	maxBodyBytes = 1 << 20
	maxFileBytes = 64 << 10
	fetchTimeout = 5 * time.Second
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
	statusValidating = api.StatusAwaitingValidation
)

// Config configures a Server.
type Config struct {
	// Accounts maps API keys to account names. Several keys may share an
	// account; empty keys or names are ignored.
	Accounts map[string]string
	// Authority signs the certificates. Required for issuance.
	Authority *authority.Authority
	// HTTP01Address is the host:port validation files are fetched from
	// (with "Host: <name>"). Empty: the name itself, port 80.
	HTTP01Address string
	// DNSServer is the host:port of the authoritative DNS server asked for
	// the CNAME records of dns validation. Empty: dns validation fails.
	DNSServer string
	// IssueDelay is how long an order stays "Processing" after its last
	// name was validated.
	IssueDelay time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Validity of issued certificates; zero means DefaultValidity.
	Validity time.Duration
	// Logger receives state changes (account names, order ids, names;
	// never an API key or token). Nil discards them.
	Logger *slog.Logger
	// Revoked, when set, tells a token (API key) revoked at the reseller:
	// it is then refused like an unknown one.
	Revoked func(token string) bool
	// Mailbox receives the validation emails of email-validated names.
	// Nil: the Server keeps its own.
	Mailbox *mailbox.Mailbox
}

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
	keys          []keyAccount
	revoked       func(key string) bool
	ca            *authority.Authority
	http01Address string
	dnsServer     string
	issueDelay    time.Duration
	now           func() time.Time
	validity      time.Duration
	log           *slog.Logger
	client        *http.Client
	mailbox       *mailbox.Mailbox

	mu          sync.Mutex
	lastOrderID api.ID
	accounts    map[string]*account
	sessions    map[string]session
	orders      map[api.ID]*order
}

type keyAccount struct {
	key  []byte
	name string
}

type account struct {
	balance int64 // cents
	stats   AccountStats
}

type session struct {
	account string
	key     string // the API key that opened it: revoking the key ends it
	expires time.Time
}

// product is a catalog entry; money in cents.
type product struct {
	api.Product
	prices      map[int]int64 // period -> price
	extraDomain int64         // per extra name and year
}

type order struct {
	id          api.ID
	account     string
	product     *product
	orderType   string
	period      int
	created     time.Time
	amount      int64 // cents, all paid so far
	paidNames   int   // names the payments cover
	csrPEM      string
	primary     string
	names       []string
	dcv         map[string]*dcv
	dvMethod    string // as last requested (add, reissue, change of the primary)
	contacts    api.Contacts
	status      string
	generation  int // bumped whenever validation restarts
	validatedAt time.Time
	cert        string
	chain       string
	notBefore   time.Time
	notAfter    time.Time
}

// dcv is the validation of one name.
type dcv struct {
	method    string // http, https, dns, email
	email     string
	mail      string // id of the mail that can validate an email name
	filename  string
	content   string
	dnsHash   string
	validated bool
}

// New returns a Server for cfg.
func New(cfg Config) *Server {
	s := &Server{
		ca:            cfg.Authority,
		http01Address: cfg.HTTP01Address,
		dnsServer:     cfg.DNSServer,
		issueDelay:    max(cfg.IssueDelay, 0),
		now:           cfg.Now,
		validity:      cfg.Validity,
		log:           cfg.Logger,
		revoked:       cfg.Revoked,
		mailbox:       cfg.Mailbox,
		client: &http.Client{
			Timeout: fetchTimeout,
			// A redirect is reported as a failure rather than followed: it
			// would leave HTTP01Address for the name itself.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		lastOrderID: firstOrderID,
		accounts:    map[string]*account{},
		sessions:    map[string]session{},
		orders:      map[api.ID]*order{},
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
	if s.mailbox == nil {
		s.mailbox = mailbox.New(s.now)
	}
	for key, name := range cfg.Accounts {
		if key == "" || name == "" {
			continue
		}
		s.keys = append(s.keys, keyAccount{key: []byte(key), name: name})
		if s.accounts[name] == nil {
			s.accounts[name] = &account{balance: InitialBalance}
		}
	}
	return s
}

// catalog is the sandbox's product list.
var catalog = []*product{
	{
		Product: api.Product{
			ProductID: 1, Name: "PositiveSSL", Type: "SSL", Brand: "sectigo", ValidationType: api.ValidationDV,
			PriceFor1Year: "5.00", PriceFor2Year: "10.00", PriceFor3Year: "20.00", Warranty: "10000",
			IsMultiDomain: true, WWWIncluded: false, MultidomainsMaximum: 100, MultidomainsIncluded: 1, UnlimitedServer: true,
		},
		prices: map[int]int64{1: 5_00, 2: 10_00, 3: 20_00}, extraDomain: 2_00,
	},
	{
		Product: api.Product{
			ProductID: 2, Name: "PositiveSSL Wildcard", Type: "SSL", Brand: "sectigo", ValidationType: api.ValidationDV,
			PriceFor1Year: "55.00", PriceFor2Year: "105.00", PriceFor3Year: "150.00", Warranty: "10000",
			IsMultiDomain: true, IsWildcard: true, MultidomainsMaximum: 100, MultidomainsIncluded: 1, UnlimitedServer: true,
		},
		prices: map[int]int64{1: 55_00, 2: 105_00, 3: 150_00}, extraDomain: 2_00,
	},
	{
		Product: api.Product{
			ProductID: 3, Name: "InstantSSL", Type: "SSL", Brand: "sectigo", ValidationType: api.ValidationOV,
			PriceFor1Year: "35.00", PriceFor2Year: "65.00", PriceFor3Year: "90.00", Warranty: "250000",
			IsMultiDomain: true, MultidomainsMaximum: 100, MultidomainsIncluded: 1, UnlimitedServer: true,
			OrganizationRequired: true,
		},
		prices: map[int]int64{1: 35_00, 2: 65_00, 3: 90_00}, extraDomain: 5_00,
	},
}

func findProduct(id api.ID) *product {
	for _, p := range catalog {
		if p.ProductID == id {
			return p
		}
	}
	return nil
}

// price is the cost of names for period years.
func (p *product) price(period, names int) int64 {
	extra := max(names-int(p.MultidomainsIncluded), 0)
	return p.prices[period] + int64(extra)*p.extraDomain*int64(period)
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
			case api.StatusActivated:
				st.Activated++
			case statusValidating, api.StatusProcessing:
				st.Pending++
			}
		}
		out[name] = st
	}
	return out
}

// SetBalance sets an account's balance in cents (a top-up, or an account
// run low); false for an unknown account.
func (s *Server) SetBalance(accountName string, cents int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[accountName]
	if ok {
		a.balance = cents
	}
	return ok
}

// Balance returns an account's balance in cents.
func (s *Server) Balance(accountName string) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[accountName]
	if !ok {
		return 0, false
	}
	return a.balance, true
}

// ExpireSessions ends every session: the next call with an old token gets
// the auth error, as after SessionLifetime.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
}

// apiError is a failure answer.
type apiError struct {
	code    int
	message string
}

func errorf(code int, format string, args ...any) *apiError {
	return &apiError{code: code, message: fmt.Sprintf(format, args...)}
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

// authenticate resolves the account of a session token.
func (s *Server) authenticate(token string) (string, *apiError) {
	if token == "" {
		return "", errorf(codeAuth, "missing parameter token")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[token]
	if !ok {
		return "", errorf(codeAuth, "invalid token")
	}
	if !s.now().Before(sess.expires) {
		delete(s.sessions, token)
		return "", errorf(codeAuth, "session expired, authenticate again")
	}
	if s.revoked != nil && s.revoked(sess.key) {
		delete(s.sessions, token)
		return "", errorf(codeAuth, "api key revoked")
	}
	return sess.account, nil
}

// auth answers GET auth?apikey=.
func (s *Server) auth(_ *http.Request, p url.Values) (any, *apiError) {
	key := p.Get("apikey")
	if key == "" {
		return nil, errorf(codeAuth, "missing parameter apikey")
	}
	name := ""
	for _, ka := range s.keys {
		if subtle.ConstantTimeCompare(ka.key, []byte(key)) == 1 {
			name = ka.name
		}
	}
	if name == "" {
		return nil, errorf(codeAuth, "invalid api key")
	}
	if s.revoked != nil && s.revoked(key) {
		return nil, errorf(codeAuth, "api key revoked")
	}
	token := randomHex(32)
	now := s.now()
	s.mu.Lock()
	for t, sess := range s.sessions { // drop expired sessions
		if !now.Before(sess.expires) {
			delete(s.sessions, t)
		}
	}
	s.sessions[token] = session{account: name, key: key, expires: now.Add(SessionLifetime)}
	s.mu.Unlock()
	s.log.Info("cyberssl session opened", "account", name)
	return api.AuthResponse{Success: true, Token: api.Text(token)}, nil
}

func (s *Server) listProducts(*http.Request, url.Values) (any, *apiError) {
	return productsResponse(), nil
}

func (s *Server) sslCertificates(*http.Request, url.Values) (any, *apiError) {
	return productsResponse(), nil
}

func productsResponse() api.ProductsResponse {
	out := api.ProductsResponse{Success: true, SSLProducts: api.ProductList{}}
	for _, p := range catalog {
		out.SSLProducts = append(out.SSLProducts, p.Product)
	}
	return out
}

func (s *Server) productDetails(_ *http.Request, p url.Values) (any, *apiError) {
	prod, aerr := productParam(p)
	if aerr != nil {
		return nil, aerr
	}
	return api.ProductDetailsResponse{Success: true, Product: prod.Product}, nil
}

func (s *Server) productPrice(_ *http.Request, p url.Values) (any, *apiError) {
	prod, aerr := productParam(p)
	if aerr != nil {
		return nil, aerr
	}
	period, aerr := periodParam(p, prod)
	if aerr != nil {
		return nil, aerr
	}
	n := 1
	if v := p.Get("nr_domains"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			return nil, invalid("nr_domains", "must be a positive number, got %q", v)
		}
		if n > int(prod.MultidomainsMaximum) {
			return nil, invalid("nr_domains", "product %d secures at most %d domains", prod.ProductID, prod.MultidomainsMaximum)
		}
	}
	return api.PriceResponse{Success: true, Amount: money(prod.price(period, n))}, nil
}

func (s *Server) balance(r *http.Request, _ url.Values) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[accountOf(r)]
	a.stats.BalanceReads++
	return api.BalanceResponse{Success: true, Balance: money(a.balance)}, nil
}

// addOrder answers POST add_ssl_order.
func (s *Server) addOrder(r *http.Request, p url.Values) (any, *apiError) {
	name := accountOf(r)
	prod, aerr := productParam(p)
	if aerr != nil {
		return nil, aerr
	}
	orderType := p.Get("order_type")
	switch orderType {
	case "":
		return nil, missing("order_type")
	case api.OrderTypeNew, api.OrderTypeRenew:
	default:
		return nil, invalid("order_type", "must be %q or %q", api.OrderTypeNew, api.OrderTypeRenew)
	}
	period, aerr := periodParam(p, prod)
	if aerr != nil {
		return nil, aerr
	}
	method, emails, aerr := dvMethodParam(p.Get("dv_method"))
	if aerr != nil {
		return nil, aerr
	}
	contacts, aerr := contactParams(p, prod)
	if aerr != nil {
		return nil, aerr
	}
	csrPEM, keyPEM, primary, aerr := csrParams(p, false, p.Get("addon_domains"))
	if aerr != nil {
		return nil, aerr
	}
	names, aerr := orderNames(prod, primary, p.Get("addon_domains"))
	if aerr != nil {
		return nil, aerr
	}
	checks, aerr := newDCV(names, method, emails)
	if aerr != nil {
		return nil, aerr
	}

	cost := prod.price(period, len(names))
	now := s.now()
	s.mu.Lock()
	acct := s.accounts[name]
	if acct.balance < cost {
		bal := acct.balance
		acct.stats.FundsRefusals++
		s.mu.Unlock()
		return nil, errorf(codeFunds, "insufficient balance: the order costs %s, the balance is %s", money(cost), money(bal))
	}
	acct.balance -= cost
	acct.stats.Orders++
	s.lastOrderID++
	o := &order{
		id: s.lastOrderID, account: name, product: prod, orderType: orderType, period: period, created: now,
		amount: cost, paidNames: max(len(names), int(prod.MultidomainsIncluded)), csrPEM: csrPEM, primary: primary,
		names: names, dcv: checks, dvMethod: p.Get("dv_method"), contacts: contacts, status: statusValidating,
	}
	s.orders[o.id] = o
	s.sendMails(o)
	resp := api.AddOrderResponse{Success: true, OrderID: o.id, CSRCode: string(keyPEMCSR(keyPEM, csrPEM)), PrivateKey: string(keyPEM)}
	if method != api.DVMethodEmail {
		resp.DVOptions = o.options(api.DVMethodAll, nil)
	}
	s.mu.Unlock()

	s.log.Info("cyberssl order placed", "account", name, "orderID", o.id, "product", prod.ProductID,
		"names", names, "dvMethod", method, "amount", string(money(cost)))
	return resp, nil
}

// keyPEMCSR returns the CSR to report as csr_code: only when the sandbox
// generated it (keyPEM set).
func keyPEMCSR(keyPEM []byte, csrPEM string) []byte {
	if len(keyPEM) == 0 {
		return nil
	}
	return []byte(csrPEM)
}

// reissue answers POST reissue_ssl_order.
func (s *Server) reissue(r *http.Request, p url.Values) (any, *apiError) {
	name := accountOf(r)
	id, aerr := orderIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	method, emails, aerr := dvMethodParam(p.Get("dv_method"))
	if aerr != nil {
		return nil, aerr
	}
	csrPEM, keyPEM, primary, aerr := csrParams(p, true, p.Get("addon_domains"))
	if aerr != nil {
		return nil, aerr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	o, aerr := s.ownOrder(name, id)
	if aerr != nil {
		return nil, aerr
	}
	if o.status != api.StatusActivated {
		return nil, errorf(codeConflict, "order %d is %s: only Activated orders can be reissued", id, o.status)
	}
	names, aerr := orderNames(o.product, primary, p.Get("addon_domains"))
	if aerr != nil {
		return nil, aerr
	}
	if len(names) > o.paidNames {
		return nil, errorf(codeConflict, "order %d covers %d domains, the reissue has %d: use order_extra_domains first", id, o.paidNames, len(names))
	}
	checks, aerr := newDCV(names, method, emails)
	if aerr != nil {
		return nil, aerr
	}
	s.voidMails(o, "", fmt.Sprintf("order %d was reissued", id))
	o.csrPEM, o.primary, o.names, o.dcv, o.dvMethod = csrPEM, primary, names, checks, p.Get("dv_method")
	s.sendMails(o)
	o.status, o.generation = statusValidating, o.generation+1
	o.cert, o.chain, o.notBefore, o.notAfter, o.validatedAt = "", "", time.Time{}, time.Time{}, time.Time{}
	s.accounts[name].stats.Reissues++

	resp := api.AddOrderResponse{Success: true, OrderID: o.id, CSRCode: string(keyPEMCSR(keyPEM, csrPEM)), PrivateKey: string(keyPEM)}
	if method != api.DVMethodEmail {
		resp.DVOptions = o.options(api.DVMethodAll, nil)
	}
	s.log.Info("cyberssl order reissued", "account", name, "orderID", o.id, "names", names, "dvMethod", method)
	return resp, nil
}

// validateCSR answers POST validate_csr.
func (s *Server) validateCSR(_ *http.Request, p url.Values) (any, *apiError) {
	raw := p.Get("csr")
	if raw == "" {
		return nil, missing("csr")
	}
	csr, err := authority.ParseCSR([]byte(raw))
	if err != nil {
		return nil, invalid("csr", "%v", err)
	}
	primary, aerr := domainParam("csr", csrPrimary(csr))
	if aerr != nil {
		return nil, aerr
	}
	names := []string{primary}
	for _, n := range csr.DNSNames {
		names = appendName(names, strings.ToLower(strings.TrimSuffix(n, ".")))
	}
	if p.Get("product_id") != "" {
		prod, aerr := productParam(p)
		if aerr != nil {
			return nil, aerr
		}
		if names, aerr = orderNames(prod, primary, p.Get("addon_domains")); aerr != nil {
			return nil, aerr
		}
	} else if v := p.Get("addon_domains"); v != "" {
		for _, d := range splitList(v) {
			n, aerr := domainParam("addon_domains", d)
			if aerr != nil {
				return nil, aerr
			}
			names = appendName(names, n)
		}
	}
	info := api.CSRInfo{
		CommonName: csr.Subject.CommonName, Organization: first(csr.Subject.Organization),
		Department: first(csr.Subject.OrganizationalUnit), City: first(csr.Subject.Locality),
		State: first(csr.Subject.Province), Country: first(csr.Subject.Country), Email: first(csr.EmailAddresses),
		SAN: api.StringList(csr.DNSNames), TotalDomains: api.Int(len(names)),
	}
	switch csr.PublicKeyAlgorithm {
	case x509.RSA:
		info.Type = "RSA"
	case x509.ECDSA:
		info.Type = "EC"
	case x509.Ed25519:
		info.Type = "Ed25519"
	}
	info.KeySize = api.Int(keySize(csr))
	return api.ValidateCSRResponse{Success: true, CSR: info}, nil
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// dvOptions answers GET get_dv_options.
func (s *Server) dvOptions(r *http.Request, p url.Values) (any, *apiError) {
	id, aerr := orderIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	method := p.Get("dv_method")
	switch method {
	case "":
		return nil, missing("dv_method")
	case api.DVMethodAll, api.DVMethodHTTP, api.DVMethodHTTPS, api.DVMethodDNS, api.DVMethodEmail:
	default:
		return nil, invalid("dv_method", "must be one of all, http, https, dns, email")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, aerr := s.ownOrder(accountOf(r), id)
	if aerr != nil {
		return nil, aerr
	}
	return api.DVOptionsResponse{Success: true, OrderID: o.id, DVOptions: o.options(method, nil)}, nil
}

// changeDVMethod answers POST change_dv_method.
func (s *Server) changeDVMethod(r *http.Request, p url.Values) (any, *apiError) {
	id, aerr := orderIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	method := p.Get("dv_method")
	switch method {
	case "":
		return nil, missing("dv_method")
	case api.DVMethodHTTP, api.DVMethodHTTPS, api.DVMethodDNS:
	case api.DVMethodEmail:
		if p.Get("email") == "" {
			return nil, missing("email")
		}
		if aerr := emailParam("email", p.Get("email")); aerr != nil {
			return nil, aerr
		}
	default:
		return nil, invalid("dv_method", "must be one of http, https, dns, email")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, aerr := s.ownOrder(accountOf(r), id)
	if aerr != nil {
		return nil, aerr
	}
	domain := o.primary
	if v := p.Get("domain"); v != "" {
		if domain, aerr = domainParam("domain", v); aerr != nil {
			return nil, aerr
		}
	}
	d := o.dcv[domain]
	if d == nil {
		return nil, invalid("domain", "%s is not a domain of order %d", domain, id)
	}
	if o.status != statusValidating {
		return nil, errorf(codeConflict, "order %d is %s: the validation method can only change while awaiting validation", id, o.status)
	}
	if isWildcard(domain) && (method == api.DVMethodHTTP || method == api.DVMethodHTTPS) {
		return nil, invalid("dv_method", "%s validation is not available for the wildcard name %s", method, domain)
	}
	d.method, d.email, d.validated = method, p.Get("email"), false
	if domain == o.primary {
		o.dvMethod = method
	}
	o.generation++
	s.voidMails(o, domain, fmt.Sprintf("change_dv_method set the method of %s to %s", domain, method))
	if method == api.DVMethodEmail {
		s.sendMail(o, domain)
	}
	s.log.Info("cyberssl validation method changed", "account", o.account, "orderID", o.id, "domain", domain, "dvMethod", method)
	resp := api.ChangeDVMethodResponse{Success: true}
	if method != api.DVMethodEmail {
		resp.DVOptions = o.options(api.DVMethodAll, []string{domain})
	}
	return resp, nil
}

// orderStatus answers GET order_status: it checks pending http and dns
// validations, advances the order and reports it.
func (s *Server) orderStatus(r *http.Request, p url.Values) (any, *apiError) {
	id, aerr := orderIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	name := accountOf(r)
	if aerr := s.checkDCV(r.Context(), name, id, ""); aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, aerr := s.ownOrder(name, id)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.advance(o); aerr != nil {
		return nil, aerr
	}
	return o.statusResponse(), nil
}

// revalidate answers GET revalidate: the http file or dns record of one
// name is checked at once; the outcome shows in order_status.
func (s *Server) revalidate(r *http.Request, p url.Values) (any, *apiError) {
	id, aerr := orderIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	raw := p.Get("domain_name")
	if raw == "" {
		return nil, missing("domain_name")
	}
	domain, aerr := domainParam("domain_name", raw)
	if aerr != nil {
		return nil, aerr
	}
	name := accountOf(r)
	s.mu.Lock()
	o, aerr := s.ownOrder(name, id)
	if aerr == nil && o.dcv[domain] == nil {
		aerr = invalid("domain_name", "%s is not a domain of order %d", domain, id)
	}
	s.mu.Unlock()
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.checkDCV(r.Context(), name, id, domain); aerr != nil {
		return nil, aerr
	}
	return api.SuccessResponse{Success: true}, nil
}

// dcvCheck is one pending http or dns validation, taken out of the lock.
type dcvCheck struct {
	domain, method string
	path, content  string // http: the file's path and content
	record, target string // dns: the CNAME record's name and target
	generation     int
}

// checkDCV checks the http file or dns record of every unvalidated http or
// dns name of an order awaiting validation (only domain, if set) and
// records successes.
func (s *Server) checkDCV(ctx context.Context, account string, id api.ID, domain string) *apiError {
	s.mu.Lock()
	o, aerr := s.ownOrder(account, id)
	if aerr != nil {
		s.mu.Unlock()
		return aerr
	}
	var checks []dcvCheck
	if o.status == statusValidating {
		for _, n := range o.names {
			d := o.dcv[n]
			if d.validated || (domain != "" && n != domain) {
				continue
			}
			c := dcvCheck{domain: n, method: d.method, generation: o.generation}
			switch d.method {
			case api.DVMethodHTTP:
				c.path, c.content = api.PKIValidationPath+d.filename, d.content
			case api.DVMethodDNS:
				c.record, c.target = dnsRecord(n, d)
			default:
				continue
			}
			checks = append(checks, c)
		}
	}
	s.mu.Unlock()

	for _, c := range checks {
		var err error
		if c.method == api.DVMethodDNS {
			err = dnscheck.Check(ctx, s.dnsServer, c.record, dns.TypeCNAME, c.target)
		} else {
			err = s.fetch(ctx, c)
		}
		s.mu.Lock()
		if err == nil && o.generation == c.generation && o.status == statusValidating {
			o.dcv[c.domain].validated = true
		}
		s.mu.Unlock()
		if err != nil {
			s.log.Info("cyberssl validation failed", "account", account, "orderID", id, "domain", c.domain, "reason", err.Error())
		} else {
			s.log.Info("cyberssl domain validated", "account", account, "orderID", id, "domain", c.domain)
		}
	}
	return nil
}

// fetch gets one validation file with the name as Host.
func (s *Server) fetch(ctx context.Context, c dcvCheck) error {
	addr := s.http01Address
	if addr == "" {
		addr = c.domain
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+c.path, nil)
	if err != nil {
		return err
	}
	req.Host = c.domain
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("fetching http://%s%s: %w", c.domain, c.path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetching http://%s%s: unexpected status %s", c.domain, c.path, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFileBytes))
	if err != nil {
		return fmt.Errorf("reading http://%s%s: %w", c.domain, c.path, err)
	}
	if got := strings.TrimSpace(string(data)); got != c.content {
		if len(got) > 128 {
			got = got[:128] + "..."
		}
		return fmt.Errorf("http://%s%s serves %q, want %q", c.domain, c.path, got, c.content)
	}
	return nil
}

// advance moves an order on: all names validated -> Processing; IssueDelay
// after that -> Activated (signed); past its NotAfter -> Expired. Called
// with s.mu held.
func (s *Server) advance(o *order) *apiError {
	now := s.now()
	if o.status == statusValidating {
		done := true
		for _, d := range o.dcv {
			done = done && d.validated
		}
		if done {
			o.status, o.validatedAt = api.StatusProcessing, now
			s.log.Info("cyberssl order validated", "account", o.account, "orderID", o.id)
		}
	}
	if o.status == api.StatusProcessing && !now.Before(o.validatedAt.Add(s.issueDelay)) {
		if s.ca == nil {
			return errorf(codeInternal, "the sandbox has no certificate authority")
		}
		validity := min(s.validity, time.Duration(o.period)*365*24*time.Hour)
		leafPEM, leaf, err := s.ca.SignAt(now, []byte(o.csrPEM), o.names, validity)
		if err != nil {
			return errorf(codeInternal, "signing certificate: %v", err)
		}
		o.status, o.cert, o.chain = api.StatusActivated, string(leafPEM), string(s.ca.IntermediatePEM())
		o.notBefore, o.notAfter = leaf.NotBefore, leaf.NotAfter
		s.log.Info("cyberssl certificate issued", "account", o.account, "orderID", o.id, "names", o.names)
	}
	if o.status == api.StatusActivated && now.After(o.notAfter) {
		o.status = api.StatusExpired
	}
	return nil
}

func (o *order) statusResponse() api.OrderStatus {
	out := api.OrderStatus{
		Success: true, OrderID: o.id, Status: o.status, Amount: money(o.amount), PrimaryDomain: o.primary,
		Period: api.Int(o.period), CSR: o.csrPEM, Certificate: o.cert, CertificateChain: o.chain,
		DomainsIncluded: api.StringList(append([]string(nil), o.names...)), DVMethod: o.dvMethod,
		Contacts: o.contacts, OrderLink: fmt.Sprintf(orderLinkFmt, o.id),
	}
	if !o.notAfter.IsZero() {
		out.ValidFrom = o.notBefore.UTC().Format(api.DateLayout)
		out.ValidTill = o.notAfter.UTC().Format(api.DateLayout)
	}
	return out
}

// options returns dv_options of method (all, http, https, dns, email) for
// names (nil: every name of the order). Called with s.mu held.
func (o *order) options(method string, names []string) api.DVOptions {
	if names == nil {
		names = o.names
	}
	var out api.DVOptions
	want := func(m string) bool { return method == api.DVMethodAll || method == m }
	for _, n := range names {
		d := o.dcv[n]
		base := strings.TrimPrefix(n, "*.")
		if !isWildcard(n) {
			file := api.FileOption{Filename: d.filename, Content: d.content}
			if want(api.DVMethodHTTP) {
				file.Link = "http://" + n + api.PKIValidationPath + d.filename
				out.HTTP = setOption(out.HTTP, n, file)
			}
			if want(api.DVMethodHTTPS) {
				file.Link = "https://" + n + api.PKIValidationPath + d.filename
				out.HTTPS = setOption(out.HTTPS, n, file)
			}
		}
		if want(api.DVMethodDNS) {
			name, target := dnsRecord(n, d)
			out.DNS = setOption(out.DNS, n, api.DNSOption{Record: name + ". CNAME " + target + "."})
		}
		if want(api.DVMethodEmail) {
			var addrs api.StringList
			for _, local := range []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"} {
				addrs = append(addrs, local+"@"+base)
			}
			out.Email = setOption(out.Email, n, addrs)
		}
	}
	return out
}

// dnsRecord returns the owner name and target (without trailing dots) of
// the CNAME record that validates name n: "<32 HEX>.<base name>" pointing
// to "<content>.dcv.cyberssl-sandbox.invalid". The dv_options dns line is
// made of them, and dns validation looks for exactly that record.
func dnsRecord(n string, d *dcv) (name, target string) {
	return d.dnsHash + "." + strings.TrimPrefix(n, "*."), d.content + "." + dnsSuffix
}

func setOption[T any](m map[string]T, k string, v T) map[string]T {
	if m == nil {
		m = map[string]T{}
	}
	m[k] = v
	return m
}

// myOrders answers GET my_orders.
func (s *Server) myOrders(r *http.Request, _ url.Values) (any, *apiError) {
	name := accountOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	out := api.OrdersResponse{Success: true, SSLOrders: api.OrderList{}}
	for _, o := range s.orders {
		if o.account != name {
			continue
		}
		if o.status == api.StatusActivated && s.now().After(o.notAfter) {
			o.status = api.StatusExpired
		}
		st := o.statusResponse()
		out.SSLOrders = append(out.SSLOrders, api.OrderSummary{
			OrderID: o.id, ProductID: o.product.ProductID, Status: o.status, PrimaryDomain: o.primary,
			DomainsIncluded: st.DomainsIncluded, Period: st.Period, Amount: st.Amount,
			DateCreated: o.created.UTC().Format(api.DateTimeLayout), ValidFrom: st.ValidFrom, ValidTill: st.ValidTill,
			DVMethod: o.dvMethod,
		})
	}
	sort.Slice(out.SSLOrders, func(i, j int) bool { return out.SSLOrders[i].OrderID < out.SSLOrders[j].OrderID })
	return out, nil
}

// extraDomains answers GET order_extra_domains: it charges for more names.
func (s *Server) extraDomains(r *http.Request, p url.Values) (any, *apiError) {
	id, aerr := orderIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	raw := p.Get("extra_domains_nr")
	if raw == "" {
		return nil, missing("extra_domains_nr")
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return nil, invalid("extra_domains_nr", "must be a positive number, got %q", raw)
	}
	name := accountOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	o, aerr := s.ownOrder(name, id)
	if aerr != nil {
		return nil, aerr
	}
	switch {
	case !bool(o.product.IsMultiDomain):
		return nil, errorf(codeConflict, "product %d of order %d is not multi-domain", o.product.ProductID, id)
	case api.StatusClass(o.status) == api.ClassFinal:
		return nil, errorf(codeConflict, "order %d is %s", id, o.status)
	case o.paidNames+n > int(o.product.MultidomainsMaximum):
		return nil, invalid("extra_domains_nr", "order %d would cover %d domains, the product allows %d", id, o.paidNames+n, o.product.MultidomainsMaximum)
	}
	cost := int64(n) * o.product.extraDomain * int64(o.period)
	acct := s.accounts[name]
	if acct.balance < cost {
		return nil, errorf(codeFunds, "insufficient balance: %d extra domains cost %s, the balance is %s", n, money(cost), money(acct.balance))
	}
	acct.balance -= cost
	o.amount += cost
	o.paidNames += n
	s.log.Info("cyberssl extra domains ordered", "account", name, "orderID", id, "extra", n, "amount", string(money(cost)))
	return api.ExtraDomainsResponse{Success: true, Amount: money(cost), OrderID: id}, nil
}

// ownOrder returns an order of account. Another account's order is
// reported like a missing one. Called with s.mu held.
func (s *Server) ownOrder(account string, id api.ID) (*order, *apiError) {
	o := s.orders[id]
	if o == nil || o.account != account {
		return nil, errorf(codeNotFound, "order %d not found", id)
	}
	return o, nil
}

// newDCV creates the validation state of names; emails are the approver
// addresses of an email method (one for all names, or one per name).
func newDCV(names []string, method string, emails []string) (map[string]*dcv, *apiError) {
	if method == api.DVMethodEmail && len(emails) != 1 && len(emails) != len(names) {
		return nil, invalid("dv_method", "give one email address, or one per domain (%d)", len(names))
	}
	out := make(map[string]*dcv, len(names))
	for i, n := range names {
		if isWildcard(n) && (method == api.DVMethodHTTP || method == api.DVMethodHTTPS) {
			return nil, invalid("dv_method", "%s validation is not available for the wildcard name %s: use dns or email", method, n)
		}
		d := &dcv{
			method:   method,
			filename: strings.ToUpper(randomHex(16)) + ".txt",
			content:  randomHex(20),
			dnsHash:  strings.ToUpper(randomHex(16)),
		}
		if method == api.DVMethodEmail {
			d.email = emails[min(i, len(emails)-1)]
		}
		out[n] = d
	}
	return out, nil
}

// orderNames returns primary followed by the addon domains, checked
// against the product.
func orderNames(prod *product, primary, addons string) ([]string, *apiError) {
	names := []string{primary}
	for _, d := range splitList(addons) {
		n, aerr := domainParam("addon_domains", d)
		if aerr != nil {
			return nil, aerr
		}
		names = appendName(names, n)
	}
	if len(names) > 1 && !bool(prod.IsMultiDomain) {
		return nil, invalid("addon_domains", "product %d is not multi-domain", prod.ProductID)
	}
	if len(names) > int(prod.MultidomainsMaximum) {
		return nil, invalid("addon_domains", "product %d secures at most %d domains, got %d", prod.ProductID, prod.MultidomainsMaximum, len(names))
	}
	if !bool(prod.IsWildcard) {
		for _, n := range names {
			if isWildcard(n) {
				return nil, invalid("addon_domains", "product %d does not allow the wildcard name %s", prod.ProductID, n)
			}
		}
	}
	return names, nil
}

func appendName(names []string, n string) []string {
	for _, have := range names {
		if have == n {
			return names
		}
	}
	return append(names, n)
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
}

func productParam(p url.Values) (*product, *apiError) {
	raw := p.Get("product_id")
	if raw == "" {
		return nil, missing("product_id")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return nil, invalid("product_id", "must be a positive number, got %q", raw)
	}
	prod := findProduct(api.ID(id))
	if prod == nil {
		return nil, errorf(codeNotFound, "product %d not found", id)
	}
	return prod, nil
}

func periodParam(p url.Values, prod *product) (int, *apiError) {
	raw := p.Get("period")
	if raw == "" {
		return 0, missing("period")
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, invalid("period", "must be a number of years, got %q", raw)
	}
	if _, ok := prod.prices[n]; !ok {
		return 0, invalid("period", "product %d is sold for 1, 2 or 3 years, not %d", prod.ProductID, n)
	}
	return n, nil
}

func orderIDParam(p url.Values) (api.ID, *apiError) {
	raw := p.Get("order_id")
	if raw == "" {
		return 0, missing("order_id")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return 0, invalid("order_id", "must be a positive number, got %q", raw)
	}
	return api.ID(id), nil
}

// dvMethodParam parses http, https, dns or "email:<addresses>".
func dvMethodParam(raw string) (string, []string, *apiError) {
	switch raw {
	case "":
		return "", nil, missing("dv_method")
	case api.DVMethodHTTP, api.DVMethodHTTPS, api.DVMethodDNS:
		return raw, nil, nil
	}
	list, ok := strings.CutPrefix(raw, api.DVMethodEmail+":")
	if !ok {
		return "", nil, invalid("dv_method", "must be http, https, dns or email:<addresses>")
	}
	var emails []string
	for _, a := range strings.Split(list, ",") {
		a = strings.TrimSpace(a)
		if aerr := emailParam("dv_method", a); aerr != nil {
			return "", nil, aerr
		}
		emails = append(emails, a)
	}
	return api.DVMethodEmail, emails, nil
}

func emailParam(param, a string) *apiError {
	addr, err := mail.ParseAddress(a)
	if err != nil || addr.Address != a {
		return invalid(param, "%q is not an email address", a)
	}
	return nil
}

// contactParams reads admin_* (required), tech_* (default: admin) and, for
// products that require an organization, org_* (all required).
func contactParams(p url.Values, prod *product) (api.Contacts, *apiError) {
	var c api.Contacts
	admin := []*string{&c.AdminFirstName, &c.AdminLastName, nil, &c.AdminTitle, &c.AdminEmail}
	for i, f := range []string{"firstname", "lastname", "phone", "title", "email"} {
		v := strings.TrimSpace(p.Get("admin_" + f))
		if v == "" {
			return c, missing("admin_" + f)
		}
		if admin[i] != nil {
			*admin[i] = v
		} else {
			c.AdminPhone = api.Text(v)
		}
	}
	if aerr := emailParam("admin_email", c.AdminEmail); aerr != nil {
		return c, aerr
	}
	pick := func(param, def string) string {
		if v := strings.TrimSpace(p.Get(param)); v != "" {
			return v
		}
		return def
	}
	c.TechFirstName = pick("tech_firstname", c.AdminFirstName)
	c.TechLastName = pick("tech_lastname", c.AdminLastName)
	c.TechPhone = api.Text(pick("tech_phone", string(c.AdminPhone)))
	c.TechTitle = pick("tech_title", c.AdminTitle)
	c.TechEmail = pick("tech_email", c.AdminEmail)
	if !bool(prod.OrganizationRequired) {
		return c, nil
	}
	org := []struct {
		param string
		set   func(string)
	}{
		{"org_name", func(v string) { c.OrgName = v }},
		{"org_division", func(v string) { c.OrgDivision = v }},
		{"org_addressline", func(v string) { c.OrgAddressLine = v }},
		{"org_city", func(v string) { c.OrgCity = v }},
		{"org_country", func(v string) { c.OrgCountry = v }},
		{"org_phone", func(v string) { c.OrgPhone = api.Text(v) }},
		{"org_postalcode", func(v string) { c.OrgPostalCode = api.Text(v) }},
		{"org_region", func(v string) { c.OrgRegion = v }},
	}
	for _, f := range org {
		v := strings.TrimSpace(p.Get(f.param))
		if v == "" {
			return c, errorf(codeBadRequest, "missing parameter %s (required for product %d)", f.param, prod.ProductID)
		}
		f.set(v)
	}
	return c, nil
}

// csrParams returns the CSR (sent, or generated from csr_*), the generated
// key (nil when a CSR was sent) and the primary domain.
func csrParams(p url.Values, reissue bool, addons string) (csrPEM string, keyPEM []byte, primary string, aerr *apiError) {
	if raw := p.Get("csr"); raw != "" {
		csr, err := authority.ParseCSR([]byte(raw))
		if err != nil {
			return "", nil, "", invalid("csr", "%v", err)
		}
		primary = csrPrimary(csr)
		if primary == "" {
			return "", nil, "", invalid("csr", "no common name and no DNS name")
		}
		if primary, aerr = domainParam("csr", primary); aerr != nil {
			return "", nil, "", aerr
		}
		return raw, nil, primary, nil
	}
	fields := []string{"csr_city", "csr_state", "csr_country", "csr_domain", "csr_organization"}
	if reissue {
		fields = append(fields, "csr_department", "csr_email")
	}
	for _, f := range fields {
		if strings.TrimSpace(p.Get(f)) == "" {
			return "", nil, "", errorf(codeBadRequest, "missing parameter csr (or %s)", f)
		}
	}
	primary, aerr = domainParam("csr_domain", p.Get("csr_domain"))
	if aerr != nil {
		return "", nil, "", aerr
	}
	names := []string{primary}
	for _, d := range splitList(addons) {
		if n, aerr := domainParam("addon_domains", d); aerr == nil {
			names = appendName(names, n)
		}
	}
	keyPEM, csr, err := authority.GenerateKeyAndCSR(names)
	if err != nil {
		return "", nil, "", errorf(codeInternal, "generating key: %v", err)
	}
	return string(csr), keyPEM, primary, nil
}

// csrPrimary is the CSR's common name, or its first DNS name.
func csrPrimary(csr *x509.CertificateRequest) string {
	if cn := strings.TrimSpace(csr.Subject.CommonName); cn != "" {
		return cn
	}
	if len(csr.DNSNames) > 0 {
		return csr.DNSNames[0]
	}
	return ""
}

func keySize(csr *x509.CertificateRequest) int {
	switch k := csr.PublicKey.(type) {
	case *rsa.PublicKey:
		return k.N.BitLen()
	case *ecdsa.PublicKey:
		return k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return 256
	}
	return 0
}

func isWildcard(n string) bool { return strings.HasPrefix(n, "*.") }

// domainParam normalises (lower case, no trailing dot) and validates a
// domain name parameter.
func domainParam(param, raw string) (string, *apiError) {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(raw)), ".")
	if d == "" {
		return "", missing(param)
	}
	if err := validateDomain(d); err != nil {
		return "", invalid(param, "%q %v", raw, err)
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
			if len(labels) < 3 {
				return errors.New("is a wildcard of a top-level domain")
			}
			continue
		}
		if l == "" || len(l) > 63 {
			return errors.New("has an empty or over-long label")
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return errors.New("has a label starting or ending with '-'")
		}
		for _, c := range l {
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' {
				return fmt.Errorf("has invalid character %q", c)
			}
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return errors.New("is an IP address, not a domain name")
	}
	return nil
}

// money formats cents as an amount with two decimals.
func money(cents int64) api.Amount {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return api.Amount(fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100))
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.code, api.ErrorResponse{Success: false, ErrorCode: e.code, ErrorMessage: e.message})
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
