package sslci

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	api "github.com/reseller-issuer/reseller-issuer/internal/ca/sslci"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnscheck/dnstest"
)

const (
	tokenAlice = "alice-token"
	tokenBob   = "bob-token"
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

// fileServer serves HTTP verification files, each only for its own Host.
type fileServer struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string]string // host + path -> content
}

func newFileServer(t *testing.T) *fileServer {
	fs := &fileServer{files: map[string]string{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		fs.mu.Lock()
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

func (fs *fileServer) publish(host, path, content string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.files[host+path] = content
}

type fixture struct {
	t     *testing.T
	clock *fakeClock
	ca    *authority.Authority
	files *fileServer
	dns   *dnstest.Server
	srv   *Server
	url   string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ca, err := authority.New()
	require.NoError(t, err)
	f := &fixture{
		t:     t,
		clock: &fakeClock{now: time.Now().Truncate(time.Second)},
		ca:    ca,
		files: newFileServer(t),
		dns:   dnstest.NewServer(t),
	}
	f.srv = New(Config{
		Accounts:      map[string]string{tokenAlice: "alice", tokenBob: "bob"},
		Authority:     ca,
		HTTP01Address: f.files.Listener.Addr().String(),
		DNSServer:     f.dns.Addr,
		Now:           f.clock.Now,
	})
	mux := http.NewServeMux()
	mux.Handle("/sslci/api", f.srv)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	f.url = ts.URL + "/sslci/api"
	return f
}

// do sends body as JSON (nil: no body) and decodes the answer into out
// (nil: not decoded); it returns the status and the raw body.
func (f *fixture) do(method, query string, body, out any) (int, []byte) {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(f.t, err)
		rd = bytes.NewReader(b)
	}
	u := f.url
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(f.t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(f.t, err)
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	assert.Equal(f.t, "application/json", resp.Header.Get("Content-Type"))
	if out != nil {
		require.NoError(f.t, json.Unmarshal(raw, out), string(raw))
	}
	return resp.StatusCode, raw
}

func (f *fixture) order(token, domain, method string) api.VerificationResponse {
	f.t.Helper()
	var resp api.VerificationResponse
	status, raw := f.do(http.MethodPost, "", api.VerificationRequest{Token: token, Domain: domain, Method: method}, &resp)
	require.Equal(f.t, http.StatusOK, status, string(raw))
	return resp
}

// verify orders, publishes and confirms domain for token.
func (f *fixture) verify(token, domain string) {
	f.t.Helper()
	o := f.order(token, domain, api.MethodHTTP)
	f.files.publish(domain, o.Verification.FilePath, o.Verification.Content)
	var resp api.ConfirmResponse
	status, raw := f.do(http.MethodPut, "", api.ConfirmRequest{Token: token, Domain: domain, OrderID: o.OrderID}, &resp)
	require.Equal(f.t, http.StatusOK, status, string(raw))
}

func (f *fixture) list(token string) api.ListResponse {
	f.t.Helper()
	var resp api.ListResponse
	status, raw := f.do(http.MethodGet, "token="+token, nil, &resp)
	require.Equal(f.t, http.StatusOK, status, string(raw))
	return resp
}

func (f *fixture) verifyChain(resp api.FinalizeResponse, names []string) *x509.Certificate {
	f.t.Helper()
	leaf := parseCert(f.t, resp.CRT)
	inter := parseCert(f.t, resp.CA)
	assert.Equal(f.t, authority.IntermediateCommonName, inter.Subject.CommonName)
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
	assert.Equal(f.t, names, leaf.DNSNames)
	assert.Equal(f.t, names[0], leaf.Subject.CommonName)
	return leaf
}

func parseCert(t *testing.T, s string) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode([]byte(s))
	require.NotNil(t, block, s)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return cert
}

func TestHappyPath(t *testing.T) {
	f := newFixture(t)
	const domain = "app.example.com"

	// Verification order.
	o := f.order(tokenAlice, domain, api.MethodHTTP)
	assert.True(t, o.Status)
	assert.Equal(t, domain, o.Domain)
	assert.Equal(t, int64(1), o.OrderID)
	v := o.Verification
	assert.Equal(t, api.MethodHTTP, v.Method)
	require.NotEmpty(t, v.Token)
	assert.True(t, strings.HasPrefix(v.Content, v.Token+"."), v.Content)
	assert.Greater(t, len(v.Content), len(v.Token)+1)
	assert.Equal(t, "/.well-known/acme-challenge/"+v.Token, v.FilePath)
	assert.Equal(t, "http://"+domain+v.FilePath, v.URL)

	l := f.list(tokenAlice)
	assert.True(t, l.Status)
	assert.Empty(t, l.Certificates)
	assert.Equal(t, []api.PendingOrder{{OrderID: 1, Domains: domain, Status: "pending"}}, l.PendingOrders)

	// Confirmation without order_id: the pending order is found.
	f.files.publish(domain, v.FilePath, v.Content)
	var conf api.ConfirmResponse
	status, raw := f.do(http.MethodPut, "", api.ConfirmRequest{Token: tokenAlice, Domain: domain}, &conf)
	require.Equal(t, http.StatusOK, status, string(raw))
	assert.JSONEq(t, `{"status":true,"domain":"app.example.com","order_id":1,"verified":true}`, string(raw))
	assert.Empty(t, f.list(tokenAlice).PendingOrders)

	// Finalize with our own CSR.
	keyPEM, csrPEM, err := authority.GenerateKeyAndCSR([]string{domain})
	require.NoError(t, err)
	var fin api.FinalizeResponse
	status, raw = f.do(http.MethodPost, "", api.FinalizeRequest{Token: tokenAlice, Action: api.ActionFinalize, Domains: []string{domain}, CSR: string(csrPEM)}, &fin)
	require.Equal(t, http.StatusOK, status, string(raw))
	assert.True(t, fin.Status)
	assert.Empty(t, fin.Key, "no key when a CSR is sent")
	assert.NotContains(t, string(raw), `"key"`)
	assert.Equal(t, string(csrPEM), fin.CSR)
	leaf := f.verifyChain(fin, []string{domain})
	assertKeyMatches(t, keyPEM, leaf)
	assert.Equal(t, domain, fin.Details.Subject.CN)
	assert.Equal(t, "DNS:"+domain, fin.Details.SAN)
	assert.Equal(t, f.clock.Now().Add(-time.Minute).UTC().Format("2006-01-02 15:04:05"), fin.Details.ValidFrom)
	assert.Equal(t, f.clock.Now().Add(DefaultValidity).UTC().Format("2006-01-02 15:04:05"), fin.Details.ValidTo)

	l = f.list(tokenAlice)
	assert.Equal(t, []api.Certificate{{
		CrtID:   1,
		Domains: domain,
		AddTime: f.clock.Now().Unix(),
		EndTime: f.clock.Now().Add(DefaultValidity).Unix(),
	}}, l.Certificates)
	assert.Empty(t, l.PendingOrders)
	assert.Empty(t, f.list(tokenBob).Certificates, "bob sees none of alice's certificates")

	assert.Equal(t, map[string]AccountStats{
		"alice": {VerificationOrders: 1, Confirmations: 1, Finalizes: 1, Certificates: 1},
		"bob":   {},
	}, f.srv.Stats())
}

func assertKeyMatches(t *testing.T, keyPEM []byte, leaf *x509.Certificate) {
	t.Helper()
	block, _ := pem.Decode(keyPEM)
	require.NotNil(t, block)
	assert.Equal(t, "PRIVATE KEY", block.Type)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	assert.True(t, key.(crypto.Signer).Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(leaf.PublicKey))
}

func TestMultiDomainFinalizeGeneratesKey(t *testing.T) {
	f := newFixture(t)
	names := []string{"a.example.com", "b.example.com", "c.example.org"}
	for _, n := range names {
		f.verify(tokenAlice, n)
	}
	var fin api.FinalizeResponse
	// Duplicates and case are normalised.
	status, raw := f.do(http.MethodPost, "", api.FinalizeRequest{
		Token: tokenAlice, Action: api.ActionFinalize,
		Domains: []string{"a.example.com", "B.example.com", "c.example.org", "a.example.com"},
	}, &fin)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.NotEmpty(t, fin.Key, "a key is generated without a CSR")
	leaf := f.verifyChain(fin, names)
	assertKeyMatches(t, []byte(fin.Key), leaf)
	_, err := authority.ParseCSR([]byte(fin.CSR))
	require.NoError(t, err)
	assert.Equal(t, "a.example.com", fin.Details.Subject.CN)
	assert.Equal(t, "DNS:a.example.com, DNS:b.example.com, DNS:c.example.org", fin.Details.SAN)

	// The verification stays valid: a second certificate needs no new order.
	status, raw = f.do(http.MethodPost, "", api.FinalizeRequest{Token: tokenAlice, Action: api.ActionFinalize, Domains: names[:1]}, &fin)
	require.Equal(t, http.StatusOK, status, string(raw))

	l := f.list(tokenAlice)
	require.Len(t, l.Certificates, 2)
	assert.Equal(t, int64(1), l.Certificates[0].CrtID)
	assert.Equal(t, "a.example.com,b.example.com,c.example.org", l.Certificates[0].Domains)
	assert.Equal(t, int64(2), l.Certificates[1].CrtID)
	assert.Equal(t, "a.example.com", l.Certificates[1].Domains)
	assert.Equal(t, AccountStats{VerificationOrders: 3, Confirmations: 3, Finalizes: 2, Certificates: 2}, f.srv.Stats()["alice"])
}

func TestFinalizeRefused(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(f *fixture)
		domains []string
		csr     string
		message string
	}{
		{
			name:    "domain never verified",
			setup:   func(f *fixture) { f.verify(tokenAlice, "a.example.com") },
			domains: []string{"a.example.com", "b.example.com"},
			message: "domain b.example.com is not verified",
		},
		{
			name: "order created but not confirmed",
			setup: func(f *fixture) {
				f.order(tokenAlice, "a.example.com", api.MethodHTTP)
			},
			domains: []string{"a.example.com"},
			message: "domain a.example.com is not verified",
		},
		{
			name:    "verified by another account",
			setup:   func(f *fixture) { f.verify(tokenBob, "a.example.com") },
			domains: []string{"a.example.com"},
			message: "domain a.example.com is not verified",
		},
		{
			name: "verification older than 29 days",
			setup: func(f *fixture) {
				f.verify(tokenAlice, "a.example.com")
				f.clock.Advance(29*24*time.Hour + time.Second)
			},
			domains: []string{"a.example.com"},
			message: "verification of domain a.example.com expired",
		},
		{
			name:    "bad csr",
			setup:   func(f *fixture) { f.verify(tokenAlice, "a.example.com") },
			domains: []string{"a.example.com"},
			csr:     "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
			message: "invalid parameter csr",
		},
		{
			name:    "csr not PEM",
			domains: []string{"a.example.com"},
			csr:     "hello",
			message: "invalid parameter csr",
		},
		{
			name:    "no domains",
			message: "missing parameter domains",
		},
		{
			name:    "invalid domain",
			domains: []string{"a.example.com", "not a domain"},
			message: "invalid parameter domains",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			var e api.ErrorResponse
			status, raw := f.do(http.MethodPost, "", api.FinalizeRequest{Token: tokenAlice, Action: api.ActionFinalize, Domains: tt.domains, CSR: tt.csr}, &e)
			assert.Equal(t, http.StatusBadRequest, status, string(raw))
			assert.False(t, e.Status)
			assert.Contains(t, e.Message, tt.message)
			assert.Zero(t, f.srv.Stats()["alice"].Finalizes)
			assert.Empty(t, f.list(tokenAlice).Certificates)
		})
	}

	t.Run("verification within 29 days", func(t *testing.T) {
		f := newFixture(t)
		f.verify(tokenAlice, "a.example.com")
		f.clock.Advance(29 * 24 * time.Hour)
		status, raw := f.do(http.MethodPost, "", api.FinalizeRequest{Token: tokenAlice, Action: api.ActionFinalize, Domains: []string{"a.example.com"}}, nil)
		assert.Equal(t, http.StatusOK, status, string(raw))
	})
}

func TestConfirmRefused(t *testing.T) {
	const domain = "a.example.com"
	tests := []struct {
		name    string
		publish func(f *fixture, o api.VerificationResponse)
		req     func(o api.VerificationResponse) api.ConfirmRequest
		method  string // of the order; default http
		status  int
		message string
	}{
		{
			name:    "file not published",
			status:  http.StatusBadRequest,
			message: "verification of a.example.com failed: fetching http://a.example.com/.well-known/acme-challenge/",
		},
		{
			name: "wrong content",
			publish: func(f *fixture, o api.VerificationResponse) {
				f.files.publish(domain, o.Verification.FilePath, o.Verification.Token)
			},
			status:  http.StatusBadRequest,
			message: "verification of a.example.com failed: http://a.example.com/.well-known/acme-challenge/",
		},
		{
			name: "published for another host",
			publish: func(f *fixture, o api.VerificationResponse) {
				f.files.publish("b.example.com", o.Verification.FilePath, o.Verification.Content)
			},
			status:  http.StatusBadRequest,
			message: "unexpected status 404",
		},
		{
			name:    "dns record missing",
			method:  api.MethodDNS,
			status:  http.StatusBadRequest,
			message: "verification of a.example.com failed: TXT record _acme-challenge.a.example.com: want ",
		},
		{
			name:   "dns record with another value",
			method: api.MethodDNS,
			publish: func(f *fixture, o api.VerificationResponse) {
				f.dns.AddTXT("_acme-challenge."+domain, o.Verification.Token)
			},
			status:  http.StatusBadRequest,
			message: `found "`,
		},
		{
			name:   "dns record at the domain itself",
			method: api.MethodDNS,
			publish: func(f *fixture, o api.VerificationResponse) {
				f.dns.AddTXT(domain, o.Verification.Content)
			},
			status:  http.StatusBadRequest,
			message: "found none",
		},
		{
			name: "method differs from the order",
			req: func(o api.VerificationResponse) api.ConfirmRequest {
				return api.ConfirmRequest{Token: tokenAlice, Domain: domain, OrderID: o.OrderID, Method: api.MethodDNS}
			},
			status:  http.StatusBadRequest,
			message: "invalid parameter method",
		},
		{
			name: "unknown order",
			req: func(o api.VerificationResponse) api.ConfirmRequest {
				return api.ConfirmRequest{Token: tokenAlice, Domain: domain, OrderID: 99}
			},
			status:  http.StatusBadRequest,
			message: "no pending order 99",
		},
		{
			name: "no pending order for the domain",
			req: func(api.VerificationResponse) api.ConfirmRequest {
				return api.ConfirmRequest{Token: tokenAlice, Domain: "b.example.com"}
			},
			status:  http.StatusBadRequest,
			message: "no pending order for b.example.com",
		},
		{
			name: "order of another domain",
			req: func(o api.VerificationResponse) api.ConfirmRequest {
				return api.ConfirmRequest{Token: tokenAlice, Domain: "b.example.com", OrderID: o.OrderID}
			},
			status:  http.StatusBadRequest,
			message: "invalid parameter domain: order 1 is for a.example.com",
		},
		{
			name: "another account's order",
			publish: func(f *fixture, o api.VerificationResponse) {
				f.files.publish(domain, o.Verification.FilePath, o.Verification.Content)
			},
			req: func(o api.VerificationResponse) api.ConfirmRequest {
				return api.ConfirmRequest{Token: tokenBob, Domain: domain, OrderID: o.OrderID}
			},
			status:  http.StatusForbidden,
			message: "order 1 does not belong to you",
		},
		{
			name: "another account's order, found by domain",
			req: func(api.VerificationResponse) api.ConfirmRequest {
				return api.ConfirmRequest{Token: tokenBob, Domain: domain}
			},
			status:  http.StatusBadRequest,
			message: "no pending order for a.example.com",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			method := tt.method
			if method == "" {
				method = api.MethodHTTP
			}
			o := f.order(tokenAlice, domain, method)
			if tt.publish != nil {
				tt.publish(f, o)
			}
			req := api.ConfirmRequest{Token: tokenAlice, Domain: domain}
			if tt.req != nil {
				req = tt.req(o)
			}
			var e api.ErrorResponse
			status, raw := f.do(http.MethodPut, "", req, &e)
			assert.Equal(t, tt.status, status, string(raw))
			assert.False(t, e.Status)
			assert.Contains(t, e.Message, tt.message)
			assert.Len(t, f.list(tokenAlice).PendingOrders, 1, "the order stays pending")
			for _, st := range f.srv.Stats() {
				assert.Zero(t, st.Confirmations)
			}
		})
	}
}

// confirmDNS confirms one dns order and returns the status and the error
// message (empty on success).
func (f *fixture) confirmDNS(o api.VerificationResponse) (int, string) {
	f.t.Helper()
	var e api.ErrorResponse
	status, _ := f.do(http.MethodPut, "", api.ConfirmRequest{Token: tokenAlice, Domain: o.Domain, OrderID: o.OrderID, Method: api.MethodDNS}, &e)
	return status, e.Message
}

func TestDNSVerification(t *testing.T) {
	f := newFixture(t)
	wild := f.order(tokenAlice, "*.example.com", api.MethodDNS)
	base := f.order(tokenAlice, "example.com", api.MethodDNS)
	assert.Equal(t, api.MethodDNS, wild.Verification.Method)
	assert.Empty(t, wild.Verification.FilePath)
	assert.NotEqual(t, wild.Verification.Content, base.Verification.Content)

	// Wrong value at the right name: the message names the record, the
	// expected value and what was found.
	f.dns.AddTXT("_acme-challenge.example.com", "stale")
	status, msg := f.confirmDNS(wild)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, `verification of *.example.com failed: TXT record _acme-challenge.example.com: want "`+
		wild.Verification.Content+`", found "stale" (asked `+f.dns.Addr+`)`, msg)
	assert.Len(t, f.list(tokenAlice).PendingOrders, 2)

	// Both values side by side at the one name serve both orders.
	f.dns.AddTXT("_acme-challenge.example.com", wild.Verification.Content, base.Verification.Content)
	for _, o := range []api.VerificationResponse{wild, base} {
		status, msg := f.confirmDNS(o)
		require.Equal(t, http.StatusOK, status, msg)
	}
	assert.Empty(t, f.list(tokenAlice).PendingOrders)
	assert.Contains(t, f.dns.Queries(), "TXT _acme-challenge.example.com.")

	var fin api.FinalizeResponse
	status, raw := f.do(http.MethodPost, "", api.FinalizeRequest{Token: tokenAlice, Action: api.ActionFinalize, Domains: []string{"*.example.com", "example.com"}}, &fin)
	require.Equal(t, http.StatusOK, status, string(raw))
	f.verifyChain(fin, []string{"*.example.com", "example.com"})
	assert.Equal(t, AccountStats{VerificationOrders: 2, Confirmations: 2, Finalizes: 1, Certificates: 1}, f.srv.Stats()["alice"])
}

func TestDNSVerificationWithoutServer(t *testing.T) {
	ca, err := authority.New()
	require.NoError(t, err)
	srv := New(Config{Accounts: map[string]string{tokenAlice: "alice"}, Authority: ca})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	f := &fixture{t: t, clock: &fakeClock{now: time.Now()}, ca: ca, srv: srv, url: ts.URL + "/api"}

	o := f.order(tokenAlice, "*.example.com", api.MethodDNS)
	status, msg := f.confirmDNS(o)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, msg, `verification of *.example.com failed: TXT record _acme-challenge.example.com (want "`+o.Verification.Content+`"): `)
	assert.Contains(t, msg, "no DNS server")
	assert.Len(t, f.list(tokenAlice).PendingOrders, 1)
}

func TestConfirmUnreachable(t *testing.T) {
	ca, err := authority.New()
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	srv := New(Config{Accounts: map[string]string{tokenAlice: "alice"}, Authority: ca, HTTP01Address: addr})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	post := func(method, body string) (int, string) {
		req, err := http.NewRequest(method, ts.URL+"/api", strings.NewReader(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	status, _ := post(http.MethodPost, `{"token":"alice-token","domain":"a.example.com","method":"http"}`)
	require.Equal(t, http.StatusOK, status)
	status, body := post(http.MethodPut, `{"token":"alice-token","domain":"a.example.com"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body, `"message":"verification of a.example.com failed: fetching http://a.example.com/`)
	assert.Contains(t, body, "connection refused")
}

func TestErrors(t *testing.T) {
	huge := `{"token":"alice-token","domain":"` + strings.Repeat("a", 1<<20) + `"}`
	tests := []struct {
		name    string
		method  string
		query   string
		body    string
		setup   func(f *fixture)
		status  int
		message string
	}{
		{name: "GET without token", method: http.MethodGet, status: 401, message: "missing token"},
		{name: "GET wrong token", method: http.MethodGet, query: "token=nope", status: 401, message: "invalid token"},
		{name: "POST without token", method: http.MethodPost, body: `{"domain":"a.example.com","method":"http"}`, status: 401, message: "missing token"},
		{name: "POST wrong token", method: http.MethodPost, body: `{"token":"nope","domain":"a.example.com","method":"http"}`, status: 401, message: "invalid token"},
		{name: "PUT wrong token", method: http.MethodPut, body: `{"token":"nope","domain":"a.example.com"}`, status: 401, message: "invalid token"},
		{name: "DELETE wrong token", method: http.MethodDelete, body: `{"token":"nope","type":"ssl","id":1}`, status: 401, message: "invalid token"},
		{name: "finalize wrong token", method: http.MethodPost, body: `{"token":"nope","action":"finalize","domains":["a.example.com"]}`, status: 401, message: "invalid token"},
		{name: "PATCH", method: http.MethodPatch, body: `{"token":"alice-token"}`, status: 405, message: "method PATCH not allowed"},
		{name: "HEAD-less OPTIONS", method: http.MethodOptions, status: 405, message: "method OPTIONS not allowed"},
		{name: "invalid JSON", method: http.MethodPost, body: `{"token":`, status: 400, message: "invalid JSON body"},
		{name: "wrong JSON type", method: http.MethodDelete, body: `{"token":"alice-token","type":"ssl","id":"1"}`, status: 400, message: "invalid JSON body"},
		{name: "body too large", method: http.MethodPost, body: huge, status: 400, message: "request body larger than"},
		{name: "POST missing domain", method: http.MethodPost, body: `{"token":"alice-token","method":"http"}`, status: 400, message: "missing parameter domain"},
		{name: "POST invalid domain", method: http.MethodPost, body: `{"token":"alice-token","domain":"a..com","method":"http"}`, status: 400, message: "invalid parameter domain"},
		{name: "POST IP address", method: http.MethodPost, body: `{"token":"alice-token","domain":"127.0.0.1","method":"http"}`, status: 400, message: "invalid parameter domain"},
		{name: "POST missing method", method: http.MethodPost, body: `{"token":"alice-token","domain":"a.example.com"}`, status: 400, message: "missing parameter method"},
		{name: "POST invalid method", method: http.MethodPost, body: `{"token":"alice-token","domain":"a.example.com","method":"email"}`, status: 400, message: "invalid parameter method"},
		{name: "POST wildcard over http", method: http.MethodPost, body: `{"token":"alice-token","domain":"*.example.com","method":"http"}`, status: 400, message: "invalid parameter method: wildcard"},
		{name: "POST invalid action", method: http.MethodPost, body: `{"token":"alice-token","action":"finalized","domains":["a.example.com"]}`, status: 400, message: "invalid parameter action"},
		{name: "PUT missing domain", method: http.MethodPut, body: `{"token":"alice-token"}`, status: 400, message: "missing parameter domain"},
		{name: "PUT invalid method", method: http.MethodPut, body: `{"token":"alice-token","domain":"a.example.com","method":"email"}`, status: 400, message: "invalid parameter method"},
		{name: "PUT negative order_id", method: http.MethodPut, body: `{"token":"alice-token","domain":"a.example.com","order_id":-1}`, status: 400, message: "invalid parameter order_id"},
		{name: "DELETE missing type", method: http.MethodDelete, body: `{"token":"alice-token","id":1}`, status: 400, message: "missing parameter type"},
		{name: "DELETE invalid type", method: http.MethodDelete, body: `{"token":"alice-token","type":"cert","id":1}`, status: 400, message: "invalid parameter type"},
		{name: "DELETE missing id", method: http.MethodDelete, body: `{"token":"alice-token","type":"ssl"}`, status: 400, message: "missing parameter id"},
		{name: "DELETE unknown certificate", method: http.MethodDelete, body: `{"token":"alice-token","type":"ssl","id":7}`, status: 400, message: "no certificate 7"},
		{name: "DELETE unknown order", method: http.MethodDelete, body: `{"token":"alice-token","type":"order","id":7}`, status: 400, message: "no pending order 7"},
		{
			name: "DELETE another account's order", method: http.MethodDelete, body: `{"token":"bob-token","type":"order","id":1}`,
			setup:  func(f *fixture) { f.order(tokenAlice, "a.example.com", api.MethodHTTP) },
			status: 403, message: "order 1 does not belong to you",
		},
		{
			name: "DELETE another account's certificate", method: http.MethodDelete, body: `{"token":"bob-token","type":"ssl","id":1}`,
			setup: func(f *fixture) {
				f.verify(tokenAlice, "a.example.com")
				status, raw := f.do(http.MethodPost, "", api.FinalizeRequest{Token: tokenAlice, Action: api.ActionFinalize, Domains: []string{"a.example.com"}}, nil)
				require.Equal(t, http.StatusOK, status, string(raw))
			},
			status: 403, message: "certificate 1 does not belong to you",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			u := f.url
			if tt.query != "" {
				u += "?" + tt.query
			}
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequest(tt.method, u, body)
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer func() { _ = resp.Body.Close() }()
			raw, err := io.ReadAll(resp.Body)
			require.NoError(t, err)

			assert.Equal(t, tt.status, resp.StatusCode, string(raw))
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			if tt.status == http.StatusMethodNotAllowed {
				assert.Equal(t, "GET, POST, PUT, DELETE", resp.Header.Get("Allow"))
			}
			var e map[string]any
			require.NoError(t, json.Unmarshal(raw, &e), string(raw))
			assert.Len(t, e, 2, string(raw))
			assert.Equal(t, false, e["status"])
			assert.Contains(t, e["message"], tt.message)
			assert.NotContains(t, string(raw), "alice-token")
		})
	}
}

func TestDelete(t *testing.T) {
	f := newFixture(t)
	f.verify(tokenAlice, "a.example.com")
	status, raw := f.do(http.MethodPost, "", api.FinalizeRequest{Token: tokenAlice, Action: api.ActionFinalize, Domains: []string{"a.example.com"}}, nil)
	require.Equal(t, http.StatusOK, status, string(raw))
	f.order(tokenAlice, "b.example.com", api.MethodHTTP) // order 2
	require.Equal(t, AccountStats{VerificationOrders: 2, Confirmations: 1, Finalizes: 1, Certificates: 1, PendingOrders: 1}, f.srv.Stats()["alice"])

	tests := []struct {
		req     api.DeleteRequest
		message string
	}{
		{req: api.DeleteRequest{Token: tokenAlice, Type: api.DeleteOrder, ID: 2}, message: "order 2 canceled"},
		{req: api.DeleteRequest{Token: tokenAlice, Type: api.DeleteSSL, ID: 1}, message: "certificate 1 deleted"},
	}
	for _, tt := range tests {
		var resp api.DeleteResponse
		status, raw := f.do(http.MethodDelete, "", tt.req, &resp)
		require.Equal(t, http.StatusOK, status, string(raw))
		assert.Equal(t, api.DeleteResponse{Status: true, Message: tt.message}, resp)
	}
	l := f.list(tokenAlice)
	assert.Empty(t, l.Certificates)
	assert.Empty(t, l.PendingOrders)
	// Deleting again: the record is gone.
	status, _ = f.do(http.MethodDelete, "", tests[0].req, nil)
	assert.Equal(t, http.StatusBadRequest, status)
	// Counters of past activity stay, current counts drop.
	assert.Equal(t, AccountStats{VerificationOrders: 2, Confirmations: 1, Finalizes: 1}, f.srv.Stats()["alice"])
}

func TestOrderIDsAreGlobalAndStatsPerAccount(t *testing.T) {
	f := newFixture(t)
	a1 := f.order(tokenAlice, "a.example.com", api.MethodHTTP)
	b := f.order(tokenBob, "b.example.com", api.MethodDNS)
	a2 := f.order(tokenAlice, "c.example.com", api.MethodHTTP)
	assert.Equal(t, []int64{1, 2, 3}, []int64{a1.OrderID, b.OrderID, a2.OrderID})

	// One thumbprint per account, one token per order.
	suffix := func(o api.VerificationResponse) string {
		return strings.TrimPrefix(o.Verification.Content, o.Verification.Token)
	}
	assert.Equal(t, suffix(a1), suffix(a2))
	assert.NotEqual(t, suffix(a1), suffix(b))
	assert.NotEqual(t, a1.Verification.Token, a2.Verification.Token)

	// DNS orders carry no file.
	assert.Equal(t, api.MethodDNS, b.Verification.Method)
	assert.Empty(t, b.Verification.FilePath)
	assert.Empty(t, b.Verification.URL)

	assert.Equal(t, map[string]AccountStats{
		"alice": {VerificationOrders: 2, PendingOrders: 2},
		"bob":   {VerificationOrders: 1, PendingOrders: 1},
	}, f.srv.Stats())
	stats, err := json.Marshal(f.srv.Stats()["alice"])
	require.NoError(t, err)
	assert.JSONEq(t, `{"verificationOrders":2,"confirmations":0,"finalizes":0,"certificates":0,"pendingOrders":2}`, string(stats))
}

func TestTokenSourcesAndMounts(t *testing.T) {
	ca, err := authority.New()
	require.NoError(t, err)
	srv := New(Config{Accounts: map[string]string{tokenAlice: "alice"}, Authority: ca})
	mux := http.NewServeMux()
	mux.Handle("/direct/api", srv)
	mux.Handle("/stripped/api", http.StripPrefix("/stripped/api", srv))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)

	tests := []struct {
		name   string
		path   string
		query  string
		header string
		status int
	}{
		{name: "direct, query token", path: "/direct/api", query: "?token=" + tokenAlice, status: 200},
		{name: "stripped, query token", path: "/stripped/api", query: "?token=" + tokenAlice, status: 200},
		{name: "bearer token", path: "/direct/api", header: "Bearer " + tokenAlice, status: 200},
		{name: "wrong bearer token", path: "/direct/api", header: "Bearer nope", status: 401},
		{name: "other path", path: "/direct/api/x", query: "?token=" + tokenAlice, status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, ts.URL+tt.path+tt.query, nil)
			require.NoError(t, err)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			raw, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode, string(raw))
			if tt.status == http.StatusOK {
				assert.JSONEq(t, `{"status":true,"certificates":[],"pending_orders":[]}`, string(raw))
			}
		})
	}

	// The handler itself refuses paths other than the API's.
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/other?token="+tokenAlice, nil))
	assert.Equal(t, http.StatusNotFound, rec.Code)
}
