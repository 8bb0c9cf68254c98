package cyberssl

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	api "github.com/reseller-issuer/reseller-issuer/internal/ca/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnscheck/dnstest"
)

const (
	keyAlice = "alice-api-key"
	keyBob   = "bob-api-key"
	prefix   = "/cyberssl/v1"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fileServer serves validation files, each only for its own Host, and
// records the Host of every request.
type fileServer struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string]string // host + path -> content
	hosts []string
}

func newFileServer(t *testing.T) *fileServer {
	fs := &fileServer{files: map[string]string{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		fs.mu.Lock()
		fs.hosts = append(fs.hosts, host)
		content, ok := fs.files[host+r.URL.Path]
		fs.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, content+"\n")
	}))
	t.Cleanup(fs.Close)
	return fs
}

// publish serves every http challenge of opts.
func (fs *fileServer) publish(t *testing.T, opts api.DVOptions, only ...string) {
	t.Helper()
	chs, err := opts.Challenges(api.DVMethodHTTP)
	require.NoError(t, err)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, ch := range chs {
		if len(only) > 0 && !contains(only, ch.Domain) {
			continue
		}
		fs.files[ch.File.Host+ch.File.Path] = ch.File.Content
	}
}

// publishDNS publishes every dns record of opts (of the only names, if
// given), as the issuer would: the line parsed by the client.
func (f *fixture) publishDNS(opts api.DVOptions, only ...string) {
	f.t.Helper()
	recs, err := opts.Challenges(api.DVMethodDNS)
	require.NoError(f.t, err)
	for _, ch := range recs {
		if len(only) > 0 && !contains(only, ch.Domain) {
			continue
		}
		require.Equal(f.t, api.RecordCNAME, ch.Record.Type)
		f.dns.AddCNAME(ch.Record.Name, ch.Record.Value)
	}
}

func (fs *fileServer) seenHosts() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.hosts...)
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

type fixture struct {
	t     *testing.T
	clock *fakeClock
	ca    *authority.Authority
	files *fileServer
	dns   *dnstest.Server
	srv   *Server
	url   string // base URL of the API, ending in "/"
	logs  *syncBuffer

	mu    sync.Mutex
	paths []string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func newFixture(t *testing.T, delay time.Duration) *fixture {
	t.Helper()
	ca, err := authority.New()
	require.NoError(t, err)
	f := &fixture{
		t:     t,
		clock: &fakeClock{now: time.Now().UTC().Truncate(time.Second)},
		ca:    ca,
		files: newFileServer(t),
		dns:   dnstest.NewServer(t),
		logs:  &syncBuffer{},
	}
	f.srv = New(Config{
		Accounts:      map[string]string{keyAlice: "alice", keyBob: "bob"},
		Authority:     ca,
		HTTP01Address: f.files.Listener.Addr().String(),
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
	return f
}

func (f *fixture) client(key string) *api.Client {
	f.t.Helper()
	c, err := api.New(f.url, key)
	require.NoError(f.t, err)
	return c
}

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

// raw sends one request without the client: GET with query, POST with a
// form body. It returns the status and body.
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
	raw, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	assert.Equal(f.t, "application/json", resp.Header.Get("Content-Type"))
	return resp.StatusCode, raw
}

// token opens a session for key.
func (f *fixture) token(key string) string {
	f.t.Helper()
	status, raw := f.raw(http.MethodGet, "auth", url.Values{"apikey": {key}})
	require.Equal(f.t, http.StatusOK, status, string(raw))
	var a api.AuthResponse
	require.NoError(f.t, json.Unmarshal(raw, &a))
	require.NotEmpty(f.t, a.Token)
	return string(a.Token)
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
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: cn}, DNSNames: sans,
	}, key)
	require.NoError(t, err)
	return keyCSR{key: key, pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))}
}

var admin = api.Contact{FirstName: "John", LastName: "Smith", Phone: "0042321313", Title: "IT manager", Email: "admin@example.com"}

func httpOrder(csr string, addons ...string) api.OrderRequest {
	return api.OrderRequest{
		ProductID: 1, OrderType: api.OrderTypeNew, Period: 1, DVMethod: api.DVMethodHTTP,
		AddonDomains: addons, Admin: admin, CSR: csr,
	}
}

func parseCert(t *testing.T, s string) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode([]byte(s))
	require.NotNil(t, block, s)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return cert
}

// verifyIssued checks the leaf's key, names and chain.
func (f *fixture) verifyIssued(st *api.OrderStatus, key crypto.Signer, names []string) *x509.Certificate {
	f.t.Helper()
	require.Equal(f.t, api.StatusActivated, st.Status)
	leaf := parseCert(f.t, st.Certificate)
	inter := parseCert(f.t, st.CertificateChain)
	assert.Equal(f.t, authority.IntermediateCommonName, inter.Subject.CommonName)
	assert.True(f.t, key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(leaf.PublicKey), "leaf key is the CSR's")
	assert.Equal(f.t, names, leaf.DNSNames)
	roots := x509.NewCertPool()
	require.True(f.t, roots.AppendCertsFromPEM(f.ca.RootPEM()))
	inters := x509.NewCertPool()
	inters.AddCert(inter)
	for _, n := range names {
		_, err := leaf.Verify(x509.VerifyOptions{
			Roots: roots, Intermediates: inters, DNSName: n, CurrentTime: f.clock.Now(),
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		})
		require.NoError(f.t, err, n)
	}
	assert.Equal(f.t, leaf.NotBefore.UTC().Format(api.DateLayout), st.ValidFrom)
	assert.Equal(f.t, leaf.NotAfter.UTC().Format(api.DateLayout), st.ValidTill)
	return leaf
}

func TestWholeFlow(t *testing.T) {
	f := newFixture(t, 10*time.Minute)
	ctx := context.Background()
	c := f.client(keyAlice)
	names := []string{"app.example.com", "www.example.com"}

	bal, err := c.Balance(ctx)
	require.NoError(t, err)
	assert.Equal(t, api.Amount("1000.00"), bal.Balance)

	products, err := c.Products(ctx)
	require.NoError(t, err)
	p1, ok := products.Find(1)
	require.True(t, ok)
	assert.Equal(t, "PositiveSSL", p1.Name)
	assert.False(t, bool(p1.IsWildcard))

	csr := newCSR(t, "App.Example.com", "ignored.example.org")
	v, err := c.ValidateCSR(ctx, api.ValidateCSRRequest{CSR: csr.pem, ProductID: 1, AddonDomains: names[1:]})
	require.NoError(t, err)
	assert.Equal(t, "App.Example.com", v.CSR.CommonName)
	assert.Equal(t, "EC", v.CSR.Type)
	assert.Equal(t, api.Int(256), v.CSR.KeySize)
	assert.Equal(t, api.Int(2), v.CSR.TotalDomains)
	assert.Equal(t, api.StringList{"ignored.example.org"}, v.CSR.SAN)

	price, err := c.Price(ctx, 1, 1, 2)
	require.NoError(t, err)
	assert.Equal(t, api.Amount("7.00"), price.Amount)

	// Order.
	before := f.clock.Now()
	o, err := c.AddOrder(ctx, httpOrder(csr.pem, names[1:]...))
	require.NoError(t, err)
	assert.Equal(t, api.ID(100001), o.OrderID)
	assert.Empty(t, o.PrivateKey)
	assert.Empty(t, o.CSRCode)
	chs, err := o.DVOptions.Challenges(api.DVMethodHTTP)
	require.NoError(t, err)
	require.Len(t, chs, 2)
	for i, ch := range chs {
		assert.Equal(t, names[i], ch.Domain)
		assert.Equal(t, names[i], ch.File.Host)
		assert.Regexp(t, `^[0-9A-F]{32}\.txt$`, ch.File.Filename)
		assert.Equal(t, "/.well-known/pki-validation/"+ch.File.Filename, ch.File.Path)
		assert.Equal(t, "http://"+names[i]+ch.File.Path, ch.File.URL)
		assert.Regexp(t, `^[0-9a-f]{40}$`, ch.File.Content)
	}
	dns, err := o.DVOptions.Challenges(api.DVMethodDNS)
	require.NoError(t, err)
	require.Len(t, dns, 2)
	assert.Equal(t, api.RecordCNAME, dns[0].Record.Type)
	assert.True(t, strings.HasSuffix(dns[0].Record.Name, ".app.example.com"), dns[0].Record.Name)
	assert.Equal(t, chs[0].File.Content+".dcv.cyberssl-sandbox.invalid", dns[0].Record.Value)
	https, err := o.DVOptions.Challenges(api.DVMethodHTTPS)
	require.NoError(t, err)
	assert.Equal(t, "https", https[0].File.Scheme)

	bal, err = c.Balance(ctx)
	require.NoError(t, err)
	assert.Equal(t, api.Amount("993.00"), bal.Balance)
	assert.Equal(t, AccountStats{Orders: 1, Pending: 1, BalanceReads: 2}, f.srv.Stats()["alice"])

	// Nothing published: still waiting; the sandbox asked with the right Host.
	st, err := c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.StatusAwaitingValidation, st.Status)
	assert.Empty(t, st.Certificate)
	assert.Equal(t, names, f.files.seenHosts())

	// One name published: still waiting.
	f.files.publish(t, o.DVOptions, names[0])
	st, err = c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.StatusAwaitingValidation, st.Status)

	// Both: Processing until the issue delay has passed.
	f.files.publish(t, o.DVOptions)
	st, err = c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.StatusProcessing, st.Status)
	assert.Equal(t, api.ClassWaiting, st.Class())
	f.clock.Advance(9 * time.Minute)
	st, err = c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.StatusProcessing, st.Status)
	f.clock.Advance(time.Minute)
	st, err = c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.ClassIssued, st.Class())
	leaf := f.verifyIssued(st, csr.key, names)
	assert.Equal(t, o.OrderID, st.OrderID)
	assert.Equal(t, "app.example.com", st.PrimaryDomain)
	assert.Equal(t, api.StringList(names), st.DomainsIncluded)
	assert.Equal(t, api.Amount("7.00"), st.Amount)
	assert.Equal(t, api.Int(1), st.Period)
	assert.Equal(t, api.DVMethodHTTP, st.DVMethod)
	assert.Equal(t, csr.pem, st.CSR)
	assert.Equal(t, admin, st.Contacts.Admin())
	assert.Equal(t, admin, st.Contacts.Tech(), "tech defaults to admin")
	assert.Equal(t, AccountStats{Orders: 1, Activated: 1, BalanceReads: 2}, f.srv.Stats()["alice"])

	// Polling again returns the same certificate.
	again, err := c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, st.Certificate, again.Certificate)

	// Recovery finds the order by names and time.
	orders, err := c.Orders(ctx)
	require.NoError(t, err)
	require.Len(t, orders.SSLOrders, 1)
	got := orders.SSLOrders[0]
	assert.Equal(t, api.OrderSummary{
		OrderID: o.OrderID, ProductID: 1, Status: api.StatusActivated, PrimaryDomain: "app.example.com",
		DomainsIncluded: api.StringList(names), Period: 1, Amount: "7.00", DateCreated: before.Format("2006-01-02 15:04:05"),
		ValidFrom: st.ValidFrom, ValidTill: st.ValidTill, DVMethod: api.DVMethodHTTP,
	}, got)
	assert.Len(t, orders.SSLOrders.Matching([]string{"www.example.com", "app.example.com"}, before), 1)
	assert.Empty(t, orders.SSLOrders.Matching(names, before.Add(time.Second)))
	assert.Empty(t, orders.SSLOrders.Matching(names[:1], before))

	// Reissue with a new key: free, same order, validated again.
	csr2 := newCSR(t, "app.example.com")
	re, err := c.Reissue(ctx, api.ReissueRequest{OrderID: o.OrderID, DVMethod: api.DVMethodHTTP, CSR: csr2.pem, AddonDomains: names[1:]})
	require.NoError(t, err)
	assert.Equal(t, o.OrderID, re.OrderID)
	reChs, err := re.DVOptions.Challenges(api.DVMethodHTTP)
	require.NoError(t, err)
	assert.NotEqual(t, chs[0].File.Content, reChs[0].File.Content, "new validation content")
	st, err = c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.StatusAwaitingValidation, st.Status, "old files do not validate a reissue")
	assert.Equal(t, AccountStats{Orders: 1, Reissues: 1, Pending: 1, BalanceReads: 2}, f.srv.Stats()["alice"])
	f.files.publish(t, re.DVOptions)
	_, err = c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	f.clock.Advance(10 * time.Minute)
	st, err = c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	leaf2 := f.verifyIssued(st, csr2.key, names)
	assert.NotEqual(t, leaf.SerialNumber, leaf2.SerialNumber)

	bal, err = c.Balance(ctx)
	require.NoError(t, err)
	assert.Equal(t, api.Amount("993.00"), bal.Balance, "reissue is free")
	assert.Equal(t, map[string]AccountStats{
		"alice": {Orders: 1, Reissues: 1, Activated: 1, BalanceReads: 3},
		"bob":   {},
	}, f.srv.Stats())

	// Bob cannot see or touch alice's order.
	bobC := f.client(keyBob)
	_, err = bobC.OrderStatus(ctx, o.OrderID)
	assert.True(t, api.IsNotFound(err), "%v", err)
	assert.False(t, api.IsAuth(err))
	bobOrders, err := bobC.Orders(ctx)
	require.NoError(t, err)
	assert.Empty(t, bobOrders.SSLOrders)

	// The certificate expires.
	f.clock.Advance(DefaultValidity + time.Hour)
	c2 := f.client(keyAlice) // the old session has expired too
	st, err = c2.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.StatusExpired, st.Status)
	assert.Equal(t, api.ClassFinal, st.Class())
	assert.Equal(t, AccountStats{Orders: 1, Reissues: 1, BalanceReads: 3}, f.srv.Stats()["alice"])

	// Logs never carry keys or tokens.
	logs := f.logs.String()
	assert.Contains(t, logs, "cyberssl certificate issued")
	assert.NotContains(t, logs, keyAlice)
	assert.NotContains(t, logs, keyBob)
}

func TestZeroIssueDelay(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	c := f.client(keyAlice)
	csr := newCSR(t, "a.example.com")
	o, err := c.AddOrder(ctx, httpOrder(csr.pem))
	require.NoError(t, err)
	f.files.publish(t, o.DVOptions)
	st, err := c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	f.verifyIssued(st, csr.key, []string{"a.example.com"})
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	c := f.client(keyAlice)

	_, err := c.Balance(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, f.count("auth"))

	f.srv.ExpireSessions()
	_, err = c.Balance(ctx)
	require.NoError(t, err, "the client authenticates again")
	assert.Equal(t, 2, f.count("auth"))
	assert.Equal(t, 3, f.count("get_balance"))

	f.clock.Advance(SessionLifetime)
	_, err = c.Products(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, f.count("auth"))

	// A POST is repeated with the new token; the order is placed once.
	f.srv.ExpireSessions()
	o, err := c.AddOrder(ctx, httpOrder(newCSR(t, "a.example.com").pem))
	require.NoError(t, err)
	assert.Equal(t, 2, f.count("add_ssl_order"))
	assert.Equal(t, 1, f.srv.Stats()["alice"].Orders)
	assert.NotZero(t, o.OrderID)

	// Raw: an expired or unknown token is the auth error.
	tok := f.token(keyAlice)
	f.clock.Advance(SessionLifetime + time.Second)
	status, raw := f.raw(http.MethodGet, "get_balance", url.Values{"token": {tok}})
	wantError(t, status, raw, 401, "session expired")
	status, raw = f.raw(http.MethodGet, "get_balance", url.Values{"token": {tok}})
	wantError(t, status, raw, 401, "invalid token")

	// A refused API key is reported as such.
	bad := f.client("wrong-key")
	_, err = bad.Balance(ctx)
	assert.True(t, api.IsAuth(err), "%v", err)
	assert.NotContains(t, err.Error(), "wrong-key")
}

func TestRequestErrors(t *testing.T) {
	f := newFixture(t, 0)
	tok := f.token(keyAlice)
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

func TestStateConflicts(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	c := f.client(keyAlice)
	o, err := c.AddOrder(ctx, httpOrder(newCSR(t, "a.example.com").pem))
	require.NoError(t, err)

	_, err = c.Reissue(ctx, api.ReissueRequest{OrderID: o.OrderID, DVMethod: api.DVMethodHTTP, CSR: newCSR(t, "a.example.com").pem})
	var ae *api.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 409, ae.StatusCode)
	assert.Equal(t, "409", ae.Code)
	assert.Contains(t, ae.Message, "only Activated orders can be reissued")

	f.files.publish(t, o.DVOptions)
	_, err = c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	_, err = c.ChangeDVMethod(ctx, api.ChangeDVMethodRequest{OrderID: o.OrderID, DVMethod: api.DVMethodDNS})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 409, ae.StatusCode)

	// A reissue with more names than paid for needs extra domains.
	_, err = c.Reissue(ctx, api.ReissueRequest{OrderID: o.OrderID, DVMethod: api.DVMethodHTTP,
		CSR: newCSR(t, "a.example.com").pem, AddonDomains: []string{"b.example.com"}})
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, ae.Message, "use order_extra_domains first")
	extra, err := c.OrderExtraDomains(ctx, o.OrderID, 1)
	require.NoError(t, err)
	assert.Equal(t, api.Amount("2.00"), extra.Amount)
	assert.Equal(t, o.OrderID, extra.OrderID)
	_, err = c.Reissue(ctx, api.ReissueRequest{OrderID: o.OrderID, DVMethod: api.DVMethodHTTP,
		CSR: newCSR(t, "a.example.com").pem, AddonDomains: []string{"b.example.com"}})
	require.NoError(t, err)
	bal, err := c.Balance(ctx)
	require.NoError(t, err)
	assert.Equal(t, api.Amount("993.00"), bal.Balance)
	st, err := c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.Amount("7.00"), st.Amount)

	// Another account's order.
	bob := f.client(keyBob)
	_, err = bob.OrderExtraDomains(ctx, o.OrderID, 1)
	assert.True(t, api.IsNotFound(err))
	_, err = bob.Reissue(ctx, api.ReissueRequest{OrderID: o.OrderID, DVMethod: api.DVMethodHTTP, CSR: newCSR(t, "a.example.com").pem})
	assert.True(t, api.IsNotFound(err))
	_, err = bob.DVOptions(ctx, o.OrderID, api.DVMethodAll)
	assert.True(t, api.IsNotFound(err))
	assert.True(t, api.IsNotFound(bob.Revalidate(ctx, o.OrderID, "a.example.com")))
}

func TestOtherValidationMethods(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	c := f.client(keyAlice)
	csr := newCSR(t, "a.example.com")

	// dns: options are returned, the order waits for its records.
	req := httpOrder(csr.pem, "*.example.com")
	req.ProductID, req.DVMethod = 2, api.DVMethodDNS
	o, err := c.AddOrder(ctx, req)
	require.NoError(t, err)
	recs, err := o.DVOptions.Challenges(api.DVMethodDNS)
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, "*.example.com", recs[0].Domain)
	assert.True(t, strings.HasSuffix(recs[0].Record.Name, ".example.com"))
	assert.NotContains(t, recs[0].Record.Name, "*")
	assert.NotContains(t, o.DVOptions.HTTP, "*.example.com", "no file validation for a wildcard")
	st, err := c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.StatusAwaitingValidation, st.Status)

	// get_dv_options per method.
	opts, err := c.DVOptions(ctx, o.OrderID, api.DVMethodEmail)
	require.NoError(t, err)
	assert.Empty(t, opts.DVOptions.DNS)
	assert.Contains(t, opts.DVOptions.Email["*.example.com"], "hostmaster@example.com")
	opts, err = c.DVOptions(ctx, o.OrderID, api.DVMethodDNS)
	require.NoError(t, err)
	assert.Equal(t, o.DVOptions.DNS, opts.DVOptions.DNS)
	assert.Empty(t, opts.DVOptions.HTTP)

	// Switching the plain name to http is allowed, the wildcard is not.
	_, err = c.ChangeDVMethod(ctx, api.ChangeDVMethodRequest{OrderID: o.OrderID, Domain: "*.example.com", DVMethod: api.DVMethodHTTP})
	require.Error(t, err)
	ch, err := c.ChangeDVMethod(ctx, api.ChangeDVMethodRequest{OrderID: o.OrderID, DVMethod: api.DVMethodHTTP})
	require.NoError(t, err)
	assert.Len(t, ch.DVOptions.HTTP, 1)
	f.files.publish(t, ch.DVOptions)
	require.NoError(t, c.Revalidate(ctx, o.OrderID, "a.example.com"))
	st, err = c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.StatusAwaitingValidation, st.Status, "the wildcard still waits for dns")

	// email: no options, waits; change_dv_method to email needs an address.
	req = httpOrder(newCSR(t, "b.example.com").pem)
	req.DVMethod = api.EmailDVMethod("admin@b.example.com")
	eo, err := c.AddOrder(ctx, req)
	require.NoError(t, err)
	assert.True(t, eo.DVOptions.IsEmpty())
	st, err = c.OrderStatus(ctx, eo.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.StatusAwaitingValidation, st.Status)
	assert.Equal(t, "email:admin@b.example.com", st.DVMethod)
	sw, err := c.ChangeDVMethod(ctx, api.ChangeDVMethodRequest{OrderID: eo.OrderID, DVMethod: api.DVMethodEmail, Email: "webmaster@b.example.com"})
	require.NoError(t, err)
	assert.True(t, sw.DVOptions.IsEmpty())
	assert.Equal(t, 2, f.srv.Stats()["alice"].Pending)
}

func TestDNSValidation(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	c := f.client(keyAlice)
	names := []string{"example.com", "*.example.com"}
	csr := newCSR(t, names[0])
	req := httpOrder(csr.pem, names[1])
	req.ProductID, req.DVMethod = 2, api.DVMethodDNS
	o, err := c.AddOrder(ctx, req)
	require.NoError(t, err)
	recs, err := o.DVOptions.Challenges(api.DVMethodDNS)
	require.NoError(t, err)
	require.Len(t, recs, 2)
	wild, base := recs[0].Record, recs[1].Record
	assert.Equal(t, "*.example.com", recs[0].Domain)
	assert.Regexp(t, `^[0-9a-f]{32}\.example\.com$`, wild.Name)
	assert.Regexp(t, `^[0-9a-f]{40}\.dcv\.cyberssl-sandbox\.invalid$`, wild.Value)
	assert.NotEqual(t, wild.Name, base.Name)

	// Wrong target, and the right target at the wrong name: still waiting;
	// the log names the record, the expected and the found targets.
	f.dns.AddCNAME(wild.Name, "wrong.example.net.")
	f.dns.AddCNAME("_acme-challenge.example.com", base.Value)
	st, err := c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.StatusAwaitingValidation, st.Status)
	logs := f.logs.String()
	assert.Contains(t, logs, "CNAME record "+wild.Name+`: want \"`+wild.Value+`\", found \"wrong.example.net\"`)
	assert.Contains(t, logs, "CNAME record "+base.Name+`: want \"`+base.Value+`\", found none`)

	// The wildcard's record: revalidate checks it at once; the base name
	// still waits.
	f.dns.Remove(wild.Name)
	f.publishDNS(o.DVOptions, "*.example.com")
	require.NoError(t, c.Revalidate(ctx, o.OrderID, "*.example.com"))
	assert.Contains(t, f.logs.String(), `msg="cyberssl domain validated" account=alice orderID=`+fmt.Sprint(o.OrderID)+` domain=*.example.com`)
	st, err = c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.StatusAwaitingValidation, st.Status)

	f.publishDNS(o.DVOptions)
	st, err = c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	f.verifyIssued(st, csr.key, names)
	assert.Equal(t, api.DVMethodDNS, st.DVMethod)
	assert.Empty(t, f.files.seenHosts(), "no file is fetched for dns")
	queries := f.dns.Queries()
	assert.Contains(t, queries, "CNAME "+wild.Name+".")
	assert.Contains(t, queries, "CNAME "+base.Name+".")
}

func TestDNSValidationWithoutServer(t *testing.T) {
	f := newFixture(t, 0)
	f.srv.dnsServer = ""
	ctx := context.Background()
	c := f.client(keyAlice)
	req := httpOrder(newCSR(t, "a.example.com").pem)
	req.DVMethod = api.DVMethodDNS
	o, err := c.AddOrder(ctx, req)
	require.NoError(t, err)
	f.publishDNS(o.DVOptions)
	st, err := c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, api.StatusAwaitingValidation, st.Status)
	assert.Contains(t, f.logs.String(), "no DNS server")
	assert.Empty(t, f.dns.Queries())
}

func TestGeneratedCSRAndOV(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	c := f.client(keyAlice)
	o, err := c.AddOrder(ctx, api.OrderRequest{
		ProductID: 3, OrderType: api.OrderTypeNew, Period: 2, DVMethod: api.DVMethodHTTP, Admin: admin,
		AddonDomains: []string{"www.example.com"},
		GenerateCSR:  &api.CSRSubject{City: "Portland", State: "Oregon", Country: "US", Domain: "example.com", Organization: "John LLC"},
		Org: &api.Organization{Name: "John LLC", Division: "IT", AddressLine: "Avenue 25", City: "Portland",
			Country: "US", Phone: "+155152333", PostalCode: "1551", Region: "Oregon"},
	})
	require.NoError(t, err)
	require.NotEmpty(t, o.PrivateKey)
	require.NotEmpty(t, o.CSRCode)
	f.files.publish(t, o.DVOptions)
	st, err := c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	block, _ := pem.Decode([]byte(o.PrivateKey))
	require.NotNil(t, block)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	f.verifyIssued(st, key.(crypto.Signer), []string{"example.com", "www.example.com"})
	assert.Equal(t, "John LLC", st.Contacts.Organization().Name)
	assert.Equal(t, api.Amount("75.00"), st.Amount, "65.00 for two years + one extra name at 5.00 a year")
}

func TestCatalogue(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	c := f.client(keyAlice)

	certs, err := c.Certificates(ctx)
	require.NoError(t, err)
	assert.Zero(t, f.count("auth"), "ssl_certificates needs no session")
	require.Len(t, certs.SSLProducts, 3)
	for id, wantWildcard := range map[api.ID]bool{1: false, 2: true, 3: false} {
		p, ok := certs.Find(id)
		require.True(t, ok)
		assert.Equal(t, wantWildcard, bool(p.IsWildcard), id)
	}
	d, err := c.ProductDetails(ctx, 3)
	require.NoError(t, err)
	assert.Equal(t, "InstantSSL", d.Product.Name)
	assert.Equal(t, api.ValidationOV, d.Product.ValidationType)
	assert.True(t, bool(d.Product.OrganizationRequired))
	_, err = c.ProductDetails(ctx, 42)
	assert.True(t, api.IsNotFound(err))

	price, err := c.Price(ctx, 2, 3, 0)
	require.NoError(t, err)
	assert.Equal(t, api.Amount("150.00"), price.Amount)
}

func TestConcurrentPolling(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	c := f.client(keyAlice)
	csr := newCSR(t, "a.example.com")
	o, err := c.AddOrder(ctx, httpOrder(csr.pem))
	require.NoError(t, err)
	f.files.publish(t, o.DVOptions)

	var wg sync.WaitGroup
	certs := make([]string, 6)
	for i := range certs {
		wg.Go(func() {
			st, err := c.OrderStatus(ctx, o.OrderID)
			if assert.NoError(t, err) && st.Status == api.StatusActivated {
				certs[i] = st.Certificate
			}
		})
	}
	wg.Wait()
	st, err := c.OrderStatus(ctx, o.OrderID)
	require.NoError(t, err)
	for _, cert := range certs {
		if cert != "" {
			assert.Equal(t, st.Certificate, cert, "one certificate per order")
		}
	}
	assert.Equal(t, AccountStats{Orders: 1, Activated: 1}, f.srv.Stats()["alice"])
}

func TestStatsJSON(t *testing.T) {
	b, err := json.Marshal(AccountStats{Orders: 1, Reissues: 2, Activated: 3, Pending: 4, MailsSent: 5, BalanceReads: 6, FundsRefusals: 7})
	require.NoError(t, err)
	assert.JSONEq(t, `{"orders":1,"reissues":2,"activated":3,"pending":4,"mailsSent":5,"balanceReads":6,"fundsRefusals":7}`, string(b))
}

func TestMoney(t *testing.T) {
	assert.Equal(t, api.Amount("1000.00"), money(100000))
	assert.Equal(t, api.Amount("0.05"), money(5))
	assert.Equal(t, api.Amount("-1.50"), money(-150))
}
