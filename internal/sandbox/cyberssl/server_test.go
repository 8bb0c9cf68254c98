package cyberssl

import (
	"crypto"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnscheck/dnstest"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
)

const (
	keyAlice = "alice-api-key"
	keyBob   = "bob-api-key"
	prefix   = "/cyberssl/v1"
)

type fixture struct {
	t     *testing.T
	clock *sandboxtest.Clock
	ca    *authority.Authority
	files *sandboxtest.FileServer
	dns   *dnstest.Server
	srv   *Server
	url   string // base URL of the API, ending in "/"
	logs  *sandboxtest.LogBuffer

	mu    sync.Mutex
	paths []string
}

func newFixture(t *testing.T, delay time.Duration) *fixture {
	t.Helper()
	ca, err := authority.New()
	require.NoError(t, err)
	f := &fixture{
		t:     t,
		clock: sandboxtest.NewClock(time.Now().UTC()),
		ca:    ca,
		files: sandboxtest.NewFileServer(t),
		dns:   dnstest.NewServer(t),
		logs:  &sandboxtest.LogBuffer{},
	}
	f.srv = New(apienv.Config{
		Accounts:      map[string]string{keyAlice: "alice", keyBob: "bob"},
		Authority:     ca,
		HTTP01Address: f.files.Address(),
		DNSServer:     f.dns.Addr,
		IssueDelay:    delay,
		Now:           f.clock.Now,
		Logger:        slog.New(slog.NewTextHandler(f.logs, nil)),
	})
	mux := http.NewServeMux()
	inner := http.StripPrefix(prefix, f.srv)
	mux.Handle(prefix+"/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.paths = append(f.paths, strings.TrimPrefix(r.URL.Path, prefix+"/"))
		f.mu.Unlock()
		inner.ServeHTTP(w, r)
	}))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	f.url = ts.URL + prefix + "/"
	t.Cleanup(func() {
		for _, k := range []string{keyAlice, keyBob} {
			assert.NotContains(t, f.logs.String(), k, "the log must not contain API keys")
		}
	})
	return f
}

func (f *fixture) client(key string) *wireClient { return &wireClient{f: f, key: key} }

func (f *fixture) count(endpoint string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, p := range f.paths {
		if p == endpoint {
			n++
		}
	}
	return n
}

// raw sends one request: GET with query, POST with a form body. It
// returns the status and body.
func (f *fixture) raw(method, endpoint string, p url.Values) (int, []byte) {
	f.t.Helper()
	u := f.url + endpoint
	var body io.Reader
	if method == http.MethodGet {
		u += "?" + p.Encode()
	} else {
		body = strings.NewReader(p.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	require.NoError(f.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(f.t, err)
	defer func() { _ = resp.Body.Close() }()
	raw := readAll(f.t, resp.Body)
	assert.Equal(f.t, "application/json", resp.Header.Get("Content-Type"))
	return resp.StatusCode, raw
}

// token opens a session for alice.
func (f *fixture) token() string {
	f.t.Helper()
	c := f.client(keyAlice)
	require.NoError(f.t, c.session())
	require.NotEmpty(f.t, c.token)
	return c.token
}

// wantError checks a failure body.
func wantError(t *testing.T, status int, raw []byte, code int, msg string) {
	t.Helper()
	assert.Equal(t, code, status, string(raw))
	var e struct {
		Success      *bool  `json:"success"`
		ErrorCode    *int   `json:"error_code"`
		ErrorMessage string `json:"error_message"`
	}
	require.NoError(t, json.Unmarshal(raw, &e), string(raw))
	require.NotNil(t, e.Success)
	assert.False(t, *e.Success)
	require.NotNil(t, e.ErrorCode)
	assert.Equal(t, code, *e.ErrorCode)
	assert.Contains(t, e.ErrorMessage, msg)
}

type keyCSR struct {
	key crypto.Signer
	pem string
}

func newCSR(t *testing.T, cn string, sans ...string) keyCSR {
	t.Helper()
	key, csr := sandboxtest.NewCSR(t, cn, sans...)
	return keyCSR{key: key, pem: csr}
}

// publish serves the http file of every name of opts (of only, if given).
func (f *fixture) publish(opts *dvOptions, only ...string) {
	f.t.Helper()
	require.NotNil(f.t, opts)
	for name := range opts.HTTP {
		if len(only) == 0 || contains(only, name) {
			host, path, content := fileOf(f.t, opts, name)
			f.files.Publish(host, path, content)
		}
	}
}

// publishDNS publishes the CNAME record of every name of opts (of only,
// if given).
func (f *fixture) publishDNS(opts *dvOptions, only ...string) {
	f.t.Helper()
	require.NotNil(f.t, opts)
	for name := range opts.DNS {
		if len(only) == 0 || contains(only, name) {
			f.dns.AddCNAME(cnameOf(f.t, opts, name))
		}
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// hostsAsked returns the Host of every validation file fetch.
func (f *fixture) hostsAsked() []string {
	var out []string
	for _, r := range f.files.Requested() {
		host, _, _ := strings.Cut(r, "/")
		out = append(out, host)
	}
	return out
}

// verifyIssued checks the leaf's key, names and chain.
func (f *fixture) verifyIssued(st *orderStatusResponse, key crypto.Signer, names []string) *x509.Certificate {
	f.t.Helper()
	require.Equal(f.t, statusActivated, st.Status)
	leaf := sandboxtest.ParseCert(f.t, st.Certificate)
	inter := sandboxtest.ParseCert(f.t, st.CertificateChain)
	assert.Equal(f.t, authority.IntermediateCommonName, inter.Subject.CommonName)
	sandboxtest.VerifyLeaf(f.t, f.ca, leaf, names, key, f.clock.Now())
	assert.Equal(f.t, leaf.NotBefore.UTC().Format(dateLayout), st.ValidFrom)
	assert.Equal(f.t, leaf.NotAfter.UTC().Format(dateLayout), st.ValidTill)
	return leaf
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t, 0)
	c := f.client(keyAlice)
	_, err := c.Balance()
	require.NoError(t, err)

	// Ended sessions: the old token is the auth error, a new one works.
	f.srv.ExpireSessions()
	_, err = c.Balance()
	assert.Equal(t, 401, statusOf(err), "%v", err)
	assert.Contains(t, messageOf(err), "invalid token")
	c.token = ""
	_, err = c.Products()
	require.NoError(t, err)

	// A refused add_ssl_order places nothing.
	f.clock.Advance(SessionLifetime)
	_, err = c.AddOrder(orderParams(newCSR(t, "a.example.com").pem))
	assert.Equal(t, 401, statusOf(err), "%v", err)
	assert.Contains(t, messageOf(err), "session expired")
	assert.Zero(t, f.srv.Stats()["alice"].Orders)
	c.token = ""
	o, err := c.AddOrder(orderParams(newCSR(t, "a.example.com").pem))
	require.NoError(t, err)
	assert.NotZero(t, o.OrderID)
	assert.Equal(t, 1, f.srv.Stats()["alice"].Orders)
	assert.Equal(t, 3, f.count("auth"))

	// Raw: an expired token is refused, then unknown.
	tok := f.token()
	f.clock.Advance(SessionLifetime + time.Second)
	status, raw := f.raw(http.MethodGet, "get_balance", url.Values{"token": {tok}})
	wantError(t, status, raw, 401, "session expired")
	status, raw = f.raw(http.MethodGet, "get_balance", url.Values{"token": {tok}})
	wantError(t, status, raw, 401, "invalid token")

	// A refused API key is reported as such, without the key.
	_, err = f.client("wrong-key").Balance()
	assert.Equal(t, 401, statusOf(err), "%v", err)
	assert.NotContains(t, err.Error(), "wrong-key")
}

func TestRequestErrors(t *testing.T) {
	f := newFixture(t, 0)
	tok := f.token()
	csr := newCSR(t, "a.example.com").pem
	base := func() url.Values {
		return url.Values{
			"token": {tok}, "product_id": {"1"}, "order_type": {"new"}, "period": {"1"}, "dv_method": {"http"},
			"admin_firstname": {"John"}, "admin_lastname": {"Smith"}, "admin_phone": {"1"}, "admin_title": {"IT"},
			"admin_email": {"john@example.com"}, "csr": {csr},
		}
	}
	with := func(mod func(url.Values)) url.Values {
		v := base()
		mod(v)
		return v
	}
	without := func(k string) url.Values { return with(func(v url.Values) { v.Del(k) }) }

	tests := []struct {
		name     string
		method   string
		endpoint string
		params   url.Values
		code     int
		msg      string
	}{
		{"no api key", http.MethodGet, "auth", nil, 401, "missing parameter apikey"},
		{"wrong api key", http.MethodGet, "auth", url.Values{"apikey": {"nope"}}, 401, "invalid api key"},
		{"no token", http.MethodGet, "get_balance", nil, 401, "missing parameter token"},
		{"wrong token", http.MethodGet, "get_balance", url.Values{"token": {"nope"}}, 401, "invalid token"},
		{"unknown method", http.MethodGet, "delete_everything", url.Values{"token": {tok}}, 404, "unknown API method"},
		{"POST method as GET", http.MethodGet, "add_ssl_order", base(), 405, "add_ssl_order needs POST"},
		{"GET method as POST", http.MethodPost, "order_status", url.Values{"token": {tok}}, 405, "order_status needs GET"},
		{"no product", http.MethodPost, "add_ssl_order", without("product_id"), 400, "missing parameter product_id"},
		{"unknown product", http.MethodPost, "add_ssl_order", with(func(v url.Values) { v.Set("product_id", "99") }), 404, "product 99 not found"},
		{"no order type", http.MethodPost, "add_ssl_order", without("order_type"), 400, "missing parameter order_type"},
		{"bad order type", http.MethodPost, "add_ssl_order", with(func(v url.Values) { v.Set("order_type", "x") }), 400, "invalid parameter order_type"},
		{"no period", http.MethodPost, "add_ssl_order", without("period"), 400, "missing parameter period"},
		{"bad period", http.MethodPost, "add_ssl_order", with(func(v url.Values) { v.Set("period", "4") }), 400, "invalid parameter period"},
		{"no dv method", http.MethodPost, "add_ssl_order", without("dv_method"), 400, "missing parameter dv_method"},
		{"bad dv method", http.MethodPost, "add_ssl_order", with(func(v url.Values) { v.Set("dv_method", "cname") }), 400, "invalid parameter dv_method"},
		{"bad approver", http.MethodPost, "add_ssl_order", with(func(v url.Values) { v.Set("dv_method", "email:nobody") }), 400, "invalid parameter dv_method"},
		{"no admin phone", http.MethodPost, "add_ssl_order", without("admin_phone"), 400, "missing parameter admin_phone"},
		{"no admin email", http.MethodPost, "add_ssl_order", without("admin_email"), 400, "missing parameter admin_email"},
		{"no csr", http.MethodPost, "add_ssl_order", without("csr"), 400, "missing parameter csr (or csr_city)"},
		{"bad csr", http.MethodPost, "add_ssl_order", with(func(v url.Values) { v.Set("csr", "hello") }), 400, "invalid parameter csr"},
		{"bad addon", http.MethodPost, "add_ssl_order", with(func(v url.Values) { v.Set("addon_domains", "b.example.com,not_ok..com") }), 400, "invalid parameter addon_domains"},
		{"wildcard on product 1", http.MethodPost, "add_ssl_order", with(func(v url.Values) { v.Set("addon_domains", "*.example.com") }), 400, "does not allow the wildcard name *.example.com"},
		{"wildcard over http", http.MethodPost, "add_ssl_order", with(func(v url.Values) {
			v.Set("product_id", "2")
			v.Set("addon_domains", "*.example.com")
		}), 400, "http validation is not available for the wildcard name *.example.com"},
		{"OV without organization", http.MethodPost, "add_ssl_order", with(func(v url.Values) { v.Set("product_id", "3") }), 400, "missing parameter org_name"},
		{"too expensive", http.MethodPost, "add_ssl_order", with(func(v url.Values) {
			v.Set("product_id", "3")
			v.Set("period", "3")
			var addons []string
			for i := range 99 {
				addons = append(addons, fmt.Sprintf("n%d.example.com", i))
			}
			v.Set("addon_domains", strings.Join(addons, ","))
			for _, k := range []string{"org_name", "org_division", "org_addressline", "org_city", "org_country", "org_phone", "org_postalcode", "org_region"} {
				v.Set(k, "x")
			}
		}), 402, "insufficient balance: the order costs 1575.00, the balance is 1000.00"},
		{"too many names", http.MethodPost, "add_ssl_order", with(func(v url.Values) {
			var addons []string
			for i := range 100 {
				addons = append(addons, fmt.Sprintf("n%d.example.com", i))
			}
			v.Set("addon_domains", strings.Join(addons, ","))
		}), 400, "at most 100 domains"},
		{"unknown order", http.MethodGet, "order_status", url.Values{"token": {tok}, "order_id": {"5"}}, 404, "order 5 not found"},
		{"bad order id", http.MethodGet, "order_status", url.Values{"token": {tok}, "order_id": {"x"}}, 400, "invalid parameter order_id"},
		{"no order id", http.MethodGet, "get_dv_options", url.Values{"token": {tok}, "dv_method": {"all"}}, 400, "missing parameter order_id"},
		{"price without period", http.MethodGet, "get_ssl_product_price", url.Values{"token": {tok}, "product_id": {"1"}}, 400, "missing parameter period"},
		{"details without product", http.MethodGet, "get_ssl_product_details", url.Values{"token": {tok}}, 400, "missing parameter product_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, raw := f.raw(tt.method, tt.endpoint, tt.params)
			wantError(t, status, raw, tt.code, tt.msg)
		})
	}
	assert.Zero(t, f.srv.Stats()["alice"].Orders)
	b, _ := f.srv.Balance("alice")
	assert.Equal(t, int64(InitialBalance), b)

	t.Run("JSON body", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, f.url+"add_ssl_order", strings.NewReader(`{"token":"x"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		raw, _ := io.ReadAll(resp.Body)
		wantError(t, resp.StatusCode, raw, 400, "application/x-www-form-urlencoded")
	})

	t.Run("wrong HTTP method sets Allow", func(t *testing.T) {
		resp, err := http.Post(f.url+"get_balance", "application/x-www-form-urlencoded", nil)
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		assert.Equal(t, http.MethodGet, resp.Header.Get("Allow"))
	})
}

func TestStatsJSON(t *testing.T) {
	b, err := json.Marshal(AccountStats{Orders: 1, Reissues: 2, Activated: 3, Pending: 4, MailsSent: 5, BalanceReads: 6, FundsRefusals: 7})
	require.NoError(t, err)
	assert.JSONEq(t, `{"orders":1,"reissues":2,"activated":3,"pending":4,"mailsSent":5,"balanceReads":6,"fundsRefusals":7}`, string(b))
}

func TestMoney(t *testing.T) {
	assert.Equal(t, json.Number("1000.00"), money(100000))
	assert.Equal(t, json.Number("0.05"), money(5))
	assert.Equal(t, json.Number("-1.50"), money(-150))
}
