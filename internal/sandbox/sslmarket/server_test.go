package sslmarket

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	api "github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnscheck/dnstest"
)

const (
	tokenAlice = "alice-token"
	tokenBob   = "bob-token"
	mountPath  = "/sslmarket/api"
	issueDelay = 10 * time.Minute
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
// records the hosts asked for.
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
		fs.hosts = append(fs.hosts, host+r.URL.Path)
		content, ok := fs.files[host+r.URL.Path]
		fs.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, "\n"+content+"\r\n")
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *fileServer) publish(host, content string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.files[host+api.DCVFilePath] = content
}

func (fs *fileServer) requested() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.hosts...)
}

type fixture struct {
	t     *testing.T
	clock *fakeClock
	ca    *authority.Authority
	files *fileServer
	dns   *dnstest.Server
	srv   *Server
	url   string
	logs  *syncBuffer
	alice *api.Client
	bob   *api.Client
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
		logs:  &syncBuffer{},
	}
	f.srv = New(Config{
		Accounts:      map[string]string{tokenAlice: "alice", tokenBob: "bob"},
		Authority:     ca,
		HTTP01Address: f.files.Listener.Addr().String(),
		DNSServer:     f.dns.Addr,
		IssueDelay:    issueDelay,
		Now:           f.clock.Now,
		Logger:        slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	mux := http.NewServeMux()
	mux.Handle(mountPath+"/", http.StripPrefix(mountPath, f.srv))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	f.url = ts.URL + mountPath
	f.alice, err = api.New(f.url, tokenAlice)
	require.NoError(t, err)
	f.bob, err = api.New(f.url, tokenBob)
	require.NoError(t, err)
	t.Cleanup(func() {
		for _, tok := range []string{tokenAlice, tokenBob} {
			assert.NotContains(t, f.logs.String(), tok, "the log must not contain tokens")
		}
	})
	return f
}

// raw sends a request with token (if non-empty) and body (if non-nil, as
// JSON) and returns the status, Content-Type and body.
func (f *fixture) raw(method, path, token string, body any) (int, http.Header, []byte) {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.([]byte)
		if !ok {
			var err error
			b, err = json.Marshal(body)
			require.NoError(f.t, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, f.url+path, rd)
	require.NoError(f.t, err)
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(f.t, err)
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return resp.StatusCode, resp.Header, data
}

// errorBody checks that data is the documented error shape and returns it.
func errorBody(t *testing.T, h http.Header, data []byte) api.ErrorResponse {
	t.Helper()
	assert.Equal(t, "application/json", h.Get("Content-Type"))
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m), string(data))
	assert.Len(t, m, 2, string(data))
	var e api.ErrorResponse
	require.NoError(t, json.Unmarshal(data, &e))
	assert.NotEmpty(t, e.Error)
	assert.NotEmpty(t, e.Description)
	return e
}

func contacts() api.Contacts {
	return api.Contacts{
		OwnerName: "Example Ltd", OwnerStreet: "1 High Street", OwnerCity: "London", OwnerZip: "SW1A 1AA",
		OwnerCountry: "GB", OwnerTel: "+44.123456789",
		AuthTitle: "Mr", AuthFirstname: "John", AuthLastname: "Smith", AuthTel: "+44.123456789", AuthEmail: "john@example.com",
		TechTitle: "Ms", TechFirstname: "Jane", TechLastname: "Doe", TechEmail: "jane@example.com", TechTel: "+44.987654321",
		InvoiceName: "Example Ltd", InvoiceStreet: "1 High Street", InvoiceCity: "London", InvoiceZip: "SW1A 1AA",
		InvoiceCountry: "GB", InvoiceEmail: "billing@example.com",
	}
}

func newCSR(t *testing.T, names ...string) (crypto.Signer, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	return key, csrFor(t, key, names...)
}

func csrFor(t *testing.T, key crypto.Signer, names ...string) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
	}, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func (f *fixture) place(c *api.Client, product string, o api.Order) int64 {
	f.t.Helper()
	resp, err := c.PlaceOrder(context.Background(), product, o)
	require.NoError(f.t, err)
	require.Positive(f.t, int64(resp.OrderID))
	return int64(resp.OrderID)
}

func (f *fixture) poll(c *api.Client, id int64) *api.OrderDetails {
	f.t.Helper()
	d, err := c.Order(context.Background(), id)
	require.NoError(f.t, err)
	return d
}

// note returns the sandbox_note of one of alice's orders.
func (f *fixture) note(id int64) string {
	f.t.Helper()
	status, _, data := f.raw(http.MethodGet, "/order/order_id/"+itoa(id), tokenAlice, nil)
	require.Equal(f.t, http.StatusOK, status, string(data))
	var d struct {
		Note string `json:"sandbox_note"`
	}
	require.NoError(f.t, json.Unmarshal(data, &d))
	return d.Note
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func parseCerts(t *testing.T, pemData []byte) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, pemData = pem.Decode(pemData)
		if block == nil {
			break
		}
		require.Equal(t, "CERTIFICATE", block.Type)
		c, err := x509.ParseCertificate(block.Bytes)
		require.NoError(t, err)
		out = append(out, c)
	}
	return out
}

func (f *fixture) verify(leaf *x509.Certificate, names []string, key crypto.Signer) {
	f.t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(f.ca.Root())
	inters := x509.NewCertPool()
	inters.AddCert(f.ca.Intermediate())
	for _, n := range names {
		_, err := leaf.Verify(x509.VerifyOptions{
			Roots: roots, Intermediates: inters, DNSName: n, CurrentTime: f.clock.Now(),
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		})
		require.NoError(f.t, err, n)
	}
	assert.Equal(f.t, names, leaf.DNSNames)
	assert.Equal(f.t, names[0], leaf.Subject.CommonName)
	assert.True(f.t, key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(leaf.PublicKey), "leaf has the CSR's key")
}

func TestHappyPath(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	names := []string{"example.com", "www.example.com", "shop.example.com"}

	products, err := f.alice.Products(ctx)
	require.NoError(t, err)
	for _, code := range []string{"rapidssl-rapidssl-dv", "rapidssl-wildcard-dv", "rapidssl-rapidssl-wildcard-dv", "digicert-standard-ssl"} {
		p, ok := api.FindProduct(products, code)
		require.True(t, ok, code)
		assert.True(t, p.IsSSL())
		assert.True(t, bool(p.CSRRequired))
	}
	p, _ := api.FindProduct(products, "rapidssl-rapidssl-dv")
	assert.Equal(t, api.ValidateDV, p.ValidateType)
	assert.True(t, p.AllowsSANs(99))
	p, _ = api.FindProduct(products, "digicert-standard-ssl")
	assert.Equal(t, api.ValidateOV, p.ValidateType)

	key, csr := newCSR(t, names...)
	id := f.place(f.alice, "rapidssl-rapidssl-dv", api.Order{
		Domain: "Example.com", DNSNames: []string{"www.example.com", "shop.example.com", "example.com", "WWW.example.com"},
		Years: 1, CSR: csr, DVAuthMethod: api.DVAuthFile, Contacts: contacts(),
	})
	states := []string{}

	// Listed at once, in the initial state, with its names.
	list, err := f.alice.Orders(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, api.OrderSummary{
		OrderID: api.Int(id), ProductType: api.ProductTypeSSL, ProductCode: "rapidssl-rapidssl-dv",
		Domain: "example.com", DNSNames: []string{"www.example.com", "shop.example.com"}, SANsOrderCount: 2, Years: 1,
		Inserted: f.clock.Now().UTC().Format("2006-01-02 15:04:05"), State: api.StateNew,
	}, list[0])
	assert.True(t, list[0].HasNames(names))
	states = append(states, list[0].State)
	assert.Equal(t, AccountStats{Orders: 1, Pending: 1}, f.srv.Stats()["alice"])
	assert.Empty(t, mustOrders(t, f.bob), "bob sees none of alice's orders")

	// First poll: processing, nothing published yet.
	d := f.poll(f.alice, id)
	states = append(states, d.State)
	assert.Equal(t, api.StateProcessing, d.State)
	assert.Equal(t, api.DVAuthFile, d.DVAuthMethod)
	content := d.DVAuthContent
	require.GreaterOrEqual(t, len(content), 20)
	assert.Empty(t, d.Published)
	assert.Nil(t, d.DaysRemaining)
	assert.Contains(t, f.note(id), "fetching http://example.com/.well-known/pki-validation/fileauth.txt: unexpected status 404")

	// Published for two names out of three, one of them with wrong content.
	f.files.publish("example.com", content)
	f.files.publish("www.example.com", "nope")
	d = f.poll(f.alice, id)
	states = append(states, d.State)
	assert.Equal(t, api.StateProcessing, d.State)
	note := f.note(id)
	assert.Contains(t, note, `http://www.example.com/.well-known/pki-validation/fileauth.txt serves "nope"`)
	assert.Contains(t, note, "shop.example.com")
	assert.NotContains(t, note, "http://example.com/")

	// All published: validated, issued IssueDelay later.
	f.files.publish("www.example.com", content)
	f.files.publish("shop.example.com", content)
	d = f.poll(f.alice, id)
	states = append(states, d.State)
	assert.Equal(t, api.StateProcessing, d.State)
	assert.Empty(t, f.note(id))
	_, err = f.alice.Download(ctx, id, api.FormatPEMServer)
	assert.True(t, api.IsConflict(err), "%v", err)

	f.clock.Advance(issueDelay - time.Second)
	assert.Equal(t, api.StateProcessing, f.poll(f.alice, id).State)
	f.clock.Advance(time.Second)
	d = f.poll(f.alice, id)
	states = append(states, d.State)
	assert.Equal(t, api.StatePublished, d.State)
	assert.Equal(t, api.ClassIssued, api.StateClass(d.State))
	assert.Equal(t, f.clock.Now().UTC().Format("2006-01-02 15:04:05"), d.Published)
	assert.Equal(t, f.clock.Now().Add(DefaultValidity).UTC().Format("2006-01-02"), d.Expired)
	require.NotNil(t, d.DaysRemaining)
	assert.Equal(t, api.Int(90), *d.DaysRemaining)
	assert.Nil(t, d.AutoReissue, "one-year order")
	assert.Equal(t, csr, d.CSR)
	assert.Equal(t, "John", d.AuthFirstname)

	// Hosts asked for: each name with its own Host header, never the IP.
	for _, n := range names {
		assert.Contains(t, f.files.requested(), n+api.DCVFilePath)
	}
	// Validated names are not fetched again.
	n := len(f.files.requested())
	f.poll(f.alice, id)
	assert.Len(t, f.files.requested(), n)

	// Downloads.
	server, err := f.alice.Download(ctx, id, api.FormatPEMServer)
	require.NoError(t, err)
	leafs := parseCerts(t, server)
	require.Len(t, leafs, 1)
	f.verify(leafs[0], names, key)
	assert.Equal(t, d.CertificateSerialNumber, strings.ToUpper(leafs[0].SerialNumber.Text(16)))

	chain, err := f.alice.Download(ctx, id, api.FormatPEMIntermediate)
	require.NoError(t, err)
	certs := parseCerts(t, chain)
	require.Len(t, certs, 2)
	assert.Equal(t, leafs[0].Raw, certs[0].Raw)
	assert.Equal(t, authority.IntermediateCommonName, certs[1].Subject.CommonName)

	p7b, err := f.alice.Download(ctx, id, api.FormatP7B)
	require.NoError(t, err)
	certs = parsePKCS7(t, p7b)
	require.Len(t, certs, 3)
	assert.Equal(t, leafs[0].Raw, certs[0].Raw)
	assert.Equal(t, f.ca.Intermediate().Raw, certs[1].Raw)
	assert.Equal(t, f.ca.Root().Raw, certs[2].Raw)

	list, err = f.alice.Orders(ctx)
	require.NoError(t, err)
	assert.Equal(t, api.StatePublished, list[0].State)
	assert.Equal(t, d.Published, list[0].Published)
	assert.Equal(t, d.Expired, list[0].Expired)

	// States were reached in the documented order.
	assert.Equal(t, []string{api.StateNew, api.StateProcessing, api.StateProcessing, api.StateProcessing, api.StatePublished}, states)
	assert.Equal(t, map[string]AccountStats{
		"alice": {Orders: 1, Downloads: 3, Issued: 1},
		"bob":   {},
	}, f.srv.Stats())
	statsJSON, err := json.Marshal(f.srv.Stats()["alice"])
	require.NoError(t, err)
	assert.JSONEq(t, `{"orders":1,"downloads":3,"reissues":0,"issued":1,"pending":0,"mailsSent":0}`, string(statsJSON))
}

func mustOrders(t *testing.T, c *api.Client) []api.OrderSummary {
	t.Helper()
	l, err := c.Orders(context.Background())
	require.NoError(t, err)
	return l
}

// parsePKCS7 extracts the certificates of a certs-only PKCS#7 SignedData.
func parsePKCS7(t *testing.T, der []byte) []*x509.Certificate {
	t.Helper()
	var ci struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue `asn1:"explicit,tag:0"`
	}
	rest, err := asn1.Unmarshal(der, &ci)
	require.NoError(t, err)
	require.Empty(t, rest)
	assert.Equal(t, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}, ci.ContentType)
	var sd struct {
		Version          int
		DigestAlgorithms asn1.RawValue
		ContentInfo      asn1.RawValue
		Certificates     asn1.RawValue `asn1:"optional,tag:0"`
		SignerInfos      asn1.RawValue
	}
	_, err = asn1.Unmarshal(ci.Content.Bytes, &sd)
	require.NoError(t, err)
	assert.Equal(t, 1, sd.Version)
	certs, err := x509.ParseCertificates(sd.Certificates.Bytes)
	require.NoError(t, err)
	return certs
}

// issued places a FILE order for names and polls it to issuance.
func (f *fixture) issued(c *api.Client, names ...string) int64 {
	f.t.Helper()
	_, csr := newCSR(f.t, names...)
	id := f.place(c, "rapidssl-rapidssl-dv", api.Order{
		Domain: names[0], DNSNames: names[1:], Years: 2, CSR: csr, DVAuthMethod: api.DVAuthFile, Contacts: contacts(),
	})
	content := f.poll(c, id).DVAuthContent
	for _, n := range names {
		f.files.publish(n, content)
	}
	f.poll(c, id)
	f.clock.Advance(issueDelay)
	require.Equal(f.t, api.StatePublished, f.poll(c, id).State)
	return id
}

func TestReissue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	names := []string{"app.example.com"}
	id := f.issued(f.alice, names...)
	d := f.poll(f.alice, id)
	require.NotNil(t, d.AutoReissue, "two-year order")
	first := parseCerts(t, must(f.alice.Download(ctx, id, api.FormatPEMServer)))[0]

	// Reissue with a new key: waiting, the old certificate stays available.
	f.clock.Advance(24 * time.Hour)
	key2, csr2 := newCSR(t, names...)
	require.NoError(t, f.alice.Reissue(ctx, id, []byte(csr2)))
	d = f.poll(f.alice, id)
	assert.Equal(t, api.StateReissue, d.State)
	assert.Equal(t, api.ClassWaiting, api.StateClass(d.State))
	assert.Equal(t, first.Raw, parseCerts(t, must(f.alice.Download(ctx, id, api.FormatPEMServer)))[0].Raw)
	assert.Equal(t, AccountStats{Orders: 1, Downloads: 2, Reissues: 1, Pending: 1}, f.srv.Stats()["alice"])

	// A second reissue while one runs is refused.
	err := f.alice.Reissue(ctx, id, []byte(csr2))
	assert.True(t, api.IsConflict(err), "%v", err)

	f.clock.Advance(issueDelay)
	d = f.poll(f.alice, id)
	assert.Equal(t, api.StatePublished, d.State)
	assert.Equal(t, csr2, d.CSR)
	second := parseCerts(t, must(f.alice.Download(ctx, id, api.FormatPEMServer)))[0]
	f.verify(second, names, key2)
	assert.NotEqual(t, first.SerialNumber, second.SerialNumber)
	assert.True(t, first.NotAfter.Equal(second.NotAfter), "a reissue keeps the expiry")

	// Cancel a reissue: back to published with the same certificate.
	_, csr3 := newCSR(t, names...)
	require.NoError(t, f.alice.Reissue(ctx, id, []byte(csr3)))
	require.NoError(t, f.alice.CancelReissue(ctx, id))
	f.clock.Advance(issueDelay)
	d = f.poll(f.alice, id)
	assert.Equal(t, api.StatePublished, d.State)
	assert.Equal(t, csr2, d.CSR)
	assert.Equal(t, second.Raw, parseCerts(t, must(f.alice.Download(ctx, id, api.FormatPEMServer)))[0].Raw)
	err = f.alice.CancelReissue(ctx, id)
	assert.True(t, api.IsConflict(err), "no reissue running: %v", err)

	// Reissue with a CSR for other names is refused.
	_, other := newCSR(t, "evil.example.net")
	err = f.alice.Reissue(ctx, id, []byte(other))
	assert.True(t, api.IsBadRequest(err), "%v", err)

	assert.Equal(t, AccountStats{Orders: 1, Downloads: 4, Reissues: 2, Issued: 1}, f.srv.Stats()["alice"])
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestPlaceOrderRefused(t *testing.T) {
	f := newFixture(t)
	_, csr := newCSR(t, "example.com")
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	weakCSR := csrFor(t, rsaKey, "example.com")
	valid := func() map[string]any {
		var m map[string]any
		require.NoError(t, json.Unmarshal(mustJSON(api.Order{Domain: "example.com", Years: 1, CSR: csr, DVAuthMethod: "FILE", Contacts: contacts()}), &m))
		return m
	}
	with := func(k string, v any) map[string]any {
		m := valid()
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		product string
		body    any
		status  int
		typ     string
		desc    string
	}{
		{"unknown product", "nope", valid(), 404, ErrTypeNotFound, "product nope not found"},
		{"client certificate product", "digicert-client-premium-class-1", valid(), 400, ErrTypeNotSupported, "not supported by the sandbox"},
		{"not JSON", "rapidssl-rapidssl-dv", []byte("domain=example.com"), 400, ErrTypeInvalidJSON, "invalid JSON body"},
		{"years as text", "rapidssl-rapidssl-dv", with("years", "one"), 400, ErrTypeInvalidJSON, "years"},
		{"empty body", "rapidssl-rapidssl-dv", []byte{}, 400, ErrTypeMissingParameter, "missing parameter domain"},
		{"no domain", "rapidssl-rapidssl-dv", with("domain", nil), 400, ErrTypeMissingParameter, "missing parameter domain"},
		{"no years", "rapidssl-rapidssl-dv", with("years", nil), 400, ErrTypeMissingParameter, "missing parameter years"},
		{"no csr", "rapidssl-rapidssl-dv", with("csr", nil), 400, ErrTypeMissingParameter, "missing parameter csr"},
		{"no owner_name", "rapidssl-rapidssl-dv", with("owner_name", nil), 400, ErrTypeMissingParameter, "missing parameter owner_name"},
		{"no auth_title", "rapidssl-rapidssl-dv", with("auth_title", nil), 400, ErrTypeMissingParameter, "missing parameter auth_title"},
		{"blank tech_email", "rapidssl-rapidssl-dv", with("tech_email", " "), 400, ErrTypeMissingParameter, "missing parameter tech_email"},
		{"no invoice_email", "rapidssl-rapidssl-dv", with("invoice_email", nil), 400, ErrTypeMissingParameter, "missing parameter invoice_email"},
		{"bad domain", "rapidssl-rapidssl-dv", with("domain", "exa mple.com"), 400, ErrTypeInvalidParameter, "invalid parameter domain"},
		{"ip as domain", "rapidssl-rapidssl-dv", with("domain", "192.168.1.1"), 400, ErrTypeInvalidParameter, "IP address"},
		{"bad san", "rapidssl-rapidssl-dv", with("dns_names", []string{"ok.example.com", "-bad.example.com"}), 400, ErrTypeInvalidParameter, "invalid parameter dns_names[1]"},
		{"too many sans", "rapidssl-rapidssl-dv", with("dns_names", manyNames(101)), 400, ErrTypeInvalidParameter, "allows 0 to 100 SANs, got 101"},
		{"wildcard on non-wildcard product", "rapidssl-rapidssl-dv", with("dns_names", []string{"*.example.com"}), 400, ErrTypeInvalidParameter, "needs a wildcard product"},
		{"wildcard over FILE", "rapidssl-wildcard-dv", with("domain", "*.example.com"), 400, ErrTypeInvalidParameter, "FILE cannot validate the wildcard name *.example.com"},
		{"years above max", "rapidssl-rapidssl-dv", with("years", 7), 400, ErrTypeInvalidParameter, "must be 1 to 6"},
		{"negative years", "rapidssl-rapidssl-dv", with("years", -1), 400, ErrTypeInvalidParameter, "invalid parameter years"},
		{"bad method", "rapidssl-rapidssl-dv", with("dv_auth_method", "HTTP"), 400, ErrTypeInvalidParameter, "invalid parameter dv_auth_method"},
		{"bad country", "rapidssl-rapidssl-dv", with("owner_country", "GBR"), 400, ErrTypeInvalidParameter, "invalid parameter owner_country"},
		{"bad email", "rapidssl-rapidssl-dv", with("auth_email", "john"), 400, ErrTypeInvalidParameter, "invalid parameter auth_email"},
		{"csr not PEM", "rapidssl-rapidssl-dv", with("csr", "hello"), 400, ErrTypeInvalidParameter, "invalid parameter csr"},
		{"csr for another name", "rapidssl-rapidssl-dv", with("domain", "other.example.com"), 400, ErrTypeInvalidParameter, `common name "example.com"`},
		{"weak RSA key", "rapidssl-rapidssl-dv", with("csr", weakCSR), 400, ErrTypeInvalidParameter, "RSA key of 1024 bits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, data := f.raw(http.MethodPost, "/order/certificate/"+tt.product, tokenAlice, tt.body)
			assert.Equal(t, tt.status, status, string(data))
			e := errorBody(t, h, data)
			assert.Equal(t, tt.typ, e.Error)
			assert.Contains(t, e.Description, tt.desc)
		})
	}
	assert.Equal(t, AccountStats{}, f.srv.Stats()["alice"], "no order was placed")
	assert.Empty(t, mustOrders(t, f.alice))

	t.Run("through the client", func(t *testing.T) {
		_, err := f.alice.PlaceOrder(context.Background(), "nope", api.Order{Domain: "example.com", Years: 1, CSR: csr, Contacts: contacts()})
		assert.True(t, api.IsNotFound(err))
		assert.Equal(t, ErrTypeNotFound, api.ErrorType(err))
	})
}

func manyNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "n" + itoa(int64(i)) + ".example.com"
	}
	return out
}

func TestAuthAndRouting(t *testing.T) {
	f := newFixture(t)
	id := f.issued(f.alice, "a.example.com")
	ids := itoa(id)

	tests := []struct {
		name, method, path, token string
		status                    int
		typ                       string
		allow                     string
	}{
		{"no token", http.MethodGet, "/order/list", "", 401, ErrTypeUnauthorized, ""},
		{"wrong token", http.MethodGet, "/order/list", "nope", 401, ErrTypeUnauthorized, ""},
		{"wrong token on an order", http.MethodGet, "/order/order_id/" + ids, "nope", 401, ErrTypeUnauthorized, ""},
		{"unknown route", http.MethodGet, "/order/everything", tokenAlice, 404, ErrTypeNotFound, ""},
		{"root", http.MethodGet, "/", tokenAlice, 404, ErrTypeNotFound, ""},
		{"too long", http.MethodGet, "/order/order_id/" + ids + "/x", tokenAlice, 404, ErrTypeNotFound, ""},
		{"wrong method", http.MethodDelete, "/order/order_id/" + ids, tokenAlice, 405, ErrTypeMethodNotAllowed, "GET, PUT"},
		{"wrong method on list", http.MethodPost, "/product/list", "", 405, ErrTypeMethodNotAllowed, "GET"},
		{"another account's order", http.MethodGet, "/order/order_id/" + ids, tokenBob, 404, ErrTypeNotFound, ""},
		{"another account's download", http.MethodGet, "/certificate/order_id/" + ids + "/format/pem_server", tokenBob, 404, ErrTypeNotFound, ""},
		{"another account's reissue", http.MethodPost, "/certificate/order_id/" + ids + "/reissue", tokenBob, 400, ErrTypeMissingParameter, ""},
		{"unknown order", http.MethodGet, "/order/order_id/999999", tokenAlice, 404, ErrTypeNotFound, ""},
		{"non-numeric id", http.MethodGet, "/order/order_id/abc", tokenAlice, 404, ErrTypeNotFound, ""},
		{"bad format", http.MethodGet, "/certificate/order_id/" + ids + "/format/der", tokenAlice, 400, ErrTypeInvalidParameter, ""},
		{"revoke", http.MethodPut, "/certificate/order_id/" + ids + "/revoke", tokenAlice, 400, ErrTypeNotSupported, ""},
		{"revoke another's", http.MethodPut, "/certificate/order_id/" + ids + "/revoke", tokenBob, 404, ErrTypeNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, data := f.raw(tt.method, tt.path, tt.token, nil)
			assert.Equal(t, tt.status, status, string(data))
			e := errorBody(t, h, data)
			assert.Equal(t, tt.typ, e.Error)
			assert.Equal(t, tt.allow, h.Get("Allow"))
			for _, tok := range []string{tokenAlice, tokenBob, "nope"} {
				assert.NotContains(t, string(data), tok)
			}
		})
	}

	t.Run("client errors", func(t *testing.T) {
		c, err := api.New(f.url, "nope")
		require.NoError(t, err)
		_, err = c.Orders(context.Background())
		assert.True(t, api.IsUnauthorized(err), "%v", err)
		assert.NotContains(t, err.Error(), "nope")
		_, err = f.bob.Order(context.Background(), id)
		assert.True(t, api.IsNotFound(err), "%v", err)
		err = f.bob.Reissue(context.Background(), id, []byte(csrFor(t, mustKey(t), "a.example.com")))
		assert.True(t, api.IsNotFound(err), "%v", err)
	})
	assert.Equal(t, AccountStats{}, f.srv.Stats()["bob"])
}

func mustKey(t *testing.T) crypto.Signer {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	return k
}

func TestOtherMethodsWait(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	// DNS, on a wildcard product with a wildcard name, no record published.
	_, csr := newCSR(t, "*.example.com", "example.com")
	dnsID := f.place(f.alice, "rapidssl-wildcard-dv", api.Order{
		Domain: "*.example.com", DNSNames: []string{"example.com"}, Years: 1, CSR: csr,
		DVAuthMethod: api.DVAuthDNS, Contacts: contacts(),
	})
	// Email is the default method.
	_, csr = newCSR(t, "mail.example.com")
	mailID := f.place(f.alice, "digicert-standard-ssl", api.Order{Domain: "mail.example.com", Years: 1, CSR: csr, Contacts: contacts()})

	var dnsContent string
	for range 3 {
		d := f.poll(f.alice, dnsID)
		dnsContent = d.DVAuthContent
		assert.Equal(t, api.StateProcessing, d.State)
		assert.Equal(t, api.DVAuthDNS, d.DVAuthMethod)
		assert.NotEmpty(t, d.DVAuthContent)
		d = f.poll(f.alice, mailID)
		assert.Equal(t, api.StateProcessing, d.State)
		assert.Equal(t, api.DVAuthEmail, d.DVAuthMethod)
		assert.Empty(t, d.DVAuthContent, "no content for Email")
		f.clock.Advance(24 * time.Hour)
	}
	// The wildcard and its base name share one record, told once.
	assert.Equal(t, `TXT record example.com: want "`+dnsContent+`", found none (asked `+f.dns.Addr+`)`, f.note(dnsID))
	assert.Contains(t, f.note(mailID), "waiting for the approval of the validation e-mail for mail.example.com")
	assert.Empty(t, f.files.requested(), "no file is fetched for DNS or Email")

	require.NoError(t, f.alice.ResendDCVEmail(ctx, mailID))
	err := f.alice.ResendDCVEmail(ctx, dnsID)
	assert.True(t, api.IsBadRequest(err), "%v", err)

	// Switching the Email order to FILE makes it issuable.
	require.NoError(t, f.alice.EditOrder(ctx, mailID, api.OrderEdit{DVAuthMethod: api.DVAuthFile, Contacts: api.Contacts{TechEmail: "ops@example.com"}}))
	d := f.poll(f.alice, mailID)
	assert.Equal(t, api.DVAuthFile, d.DVAuthMethod)
	assert.Equal(t, "ops@example.com", d.TechEmail)
	assert.Equal(t, "Jane", d.TechFirstname)
	f.files.publish("mail.example.com", d.DVAuthContent)
	f.poll(f.alice, mailID)
	f.clock.Advance(issueDelay)
	assert.Equal(t, api.StatePublished, f.poll(f.alice, mailID).State)

	// Published orders can be neither edited nor have e-mails resent.
	err = f.alice.EditOrder(ctx, mailID, api.OrderEdit{Contacts: api.Contacts{TechEmail: "x@example.com"}})
	assert.True(t, api.IsConflict(err), "%v", err)
	err = f.alice.ResendDCVEmail(ctx, mailID)
	assert.True(t, api.IsConflict(err), "%v", err)
	// FILE cannot be chosen for the wildcard order.
	err = f.alice.EditOrder(ctx, dnsID, api.OrderEdit{DVAuthMethod: api.DVAuthFile})
	assert.True(t, api.IsBadRequest(err), "%v", err)

	assert.Equal(t, AccountStats{Orders: 2, Issued: 1, Pending: 1, MailsSent: 2}, f.srv.Stats()["alice"])
}

func TestDNSValidation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	names := []string{"*.example.com", "example.com", "www.example.org"}
	key, csr := newCSR(t, names...)
	id := f.place(f.alice, "rapidssl-rapidssl-wildcard-dv", api.Order{
		Domain: names[0], DNSNames: names[1:], Years: 1, CSR: csr, DVAuthMethod: api.DVAuthDNS, Contacts: contacts(),
	})
	d := f.poll(f.alice, id)
	assert.Equal(t, api.StateProcessing, d.State)
	assert.Equal(t, api.DVAuthDNS, d.DVAuthMethod)
	content := d.DVAuthContent
	require.NotEmpty(t, content)

	// Wrong values: the note names each record, the expected and the found
	// values; nothing passes.
	f.dns.AddTXT("example.com", "stale", "v=spf1 -all")
	f.dns.AddTXT("_acme-challenge.www.example.org", content)
	f.poll(f.alice, id)
	note := f.note(id)
	assert.Contains(t, note, `TXT record example.com: want "`+content+`", found "stale", "v=spf1 -all"`)
	assert.Contains(t, note, `TXT record www.example.org: want "`+content+`", found none`)
	assert.Equal(t, 1, strings.Count(note, "TXT record example.com"), note)
	f.clock.Advance(issueDelay)
	assert.Equal(t, api.StateProcessing, f.poll(f.alice, id).State)

	// The base name's record validates the wildcard and the base name.
	f.dns.AddTXT("example.com", content)
	f.poll(f.alice, id)
	note = f.note(id)
	assert.NotContains(t, note, "example.com:")
	assert.Contains(t, note, "TXT record www.example.org")
	assert.Contains(t, f.logs.String(), "name=*.example.com")

	f.dns.AddTXT("www.example.org", content)
	f.poll(f.alice, id)
	assert.Empty(t, f.note(id))
	queries := f.dns.Queries()
	assert.Contains(t, queries, "TXT example.com.")
	assert.Contains(t, queries, "TXT www.example.org.")
	assert.NotContains(t, queries, "TXT *.example.com.")
	assert.Empty(t, f.files.requested(), "no file is fetched for DNS")

	f.clock.Advance(issueDelay)
	require.Equal(t, api.StatePublished, f.poll(f.alice, id).State)
	leaf := parseCerts(t, must(f.alice.Download(ctx, id, api.FormatPEMServer)))[0]
	f.verify(leaf, names, key)
}

func TestDNSValidationWithoutServer(t *testing.T) {
	f := newFixture(t)
	f.srv.dnsServer = ""
	_, csr := newCSR(t, "*.example.com")
	id := f.place(f.alice, "rapidssl-wildcard-dv", api.Order{
		Domain: "*.example.com", Years: 1, CSR: csr, DVAuthMethod: api.DVAuthDNS, Contacts: contacts(),
	})
	content := f.poll(f.alice, id).DVAuthContent
	f.dns.AddTXT("example.com", content)
	f.poll(f.alice, id)
	note := f.note(id)
	assert.Contains(t, note, `TXT record example.com (want "`+content+`"): `)
	assert.Contains(t, note, "no DNS server")
	assert.Empty(t, f.dns.Queries())
	f.clock.Advance(issueDelay)
	assert.Equal(t, api.StateProcessing, f.poll(f.alice, id).State)
}

func TestEditChangesContent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, csr := newCSR(t, "a.example.com")
	id := f.place(f.alice, "rapidssl-rapidssl-dv", api.Order{Domain: "a.example.com", Years: 1, CSR: csr, DVAuthMethod: api.DVAuthDNS, Contacts: contacts()})
	dnsContent := f.poll(f.alice, id).DVAuthContent
	require.NoError(t, f.alice.EditOrder(ctx, id, api.OrderEdit{DVAuthMethod: api.DVAuthFile}))
	d := f.poll(f.alice, id)
	assert.NotEqual(t, dnsContent, d.DVAuthContent)

	// The old content does not validate; a new CSR is used at issuance.
	f.files.publish("a.example.com", dnsContent)
	f.poll(f.alice, id)
	assert.Contains(t, f.note(id), "serves")
	key2, csr2 := newCSR(t, "a.example.com")
	require.NoError(t, f.alice.EditOrder(ctx, id, api.OrderEdit{CSR: csr2}))
	f.files.publish("a.example.com", d.DVAuthContent)
	f.poll(f.alice, id)
	f.clock.Advance(issueDelay)
	require.Equal(t, api.StatePublished, f.poll(f.alice, id).State)
	leaf := parseCerts(t, must(f.alice.Download(ctx, id, api.FormatPEMServer)))[0]
	f.verify(leaf, []string{"a.example.com"}, key2)

	// Invalid edits.
	status, h, data := f.raw(http.MethodPut, "/order/order_id/"+itoa(id), tokenAlice, map[string]string{"owner_country": "United Kingdom"})
	assert.Equal(t, 400, status)
	assert.Equal(t, ErrTypeInvalidParameter, errorBody(t, h, data).Error)
}

func TestDCVFailures(t *testing.T) {
	f := newFixture(t)
	_, csr := newCSR(t, "r.example.com")
	id := f.place(f.alice, "rapidssl-rapidssl-dv", api.Order{Domain: "r.example.com", Years: 1, CSR: csr, DVAuthMethod: api.DVAuthFile, Contacts: contacts()})
	content := f.poll(f.alice, id).DVAuthContent

	// Published for another host only.
	f.files.publish("other.example.com", content)
	f.poll(f.alice, id)
	assert.Contains(t, f.note(id), "unexpected status 404")

	// A redirect is not followed.
	redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, f.files.URL+r.URL.Path, http.StatusFound)
	}))
	defer redir.Close()
	f.srv.http01Address = redir.Listener.Addr().String()
	f.files.publish("r.example.com", content)
	f.poll(f.alice, id)
	assert.Contains(t, f.note(id), "unexpected status 302")

	// Nothing listening.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f.srv.http01Address = ln.Addr().String()
	require.NoError(t, ln.Close())
	f.poll(f.alice, id)
	assert.Contains(t, f.note(id), "fetching http://r.example.com/.well-known/pki-validation/fileauth.txt")

	f.clock.Advance(24 * time.Hour)
	assert.Equal(t, api.StateProcessing, f.poll(f.alice, id).State)
	assert.Equal(t, AccountStats{Orders: 1, Pending: 1}, f.srv.Stats()["alice"])
}

func TestConcurrentPollsIssueOnce(t *testing.T) {
	f := newFixture(t)
	f.srv.issueDelay = 0
	names := []string{"c.example.com", "d.example.com"}
	_, csr := newCSR(t, names...)
	id := f.place(f.alice, "rapidssl-rapidssl-dv", api.Order{Domain: names[0], DNSNames: names[1:], Years: 1, CSR: csr, DVAuthMethod: api.DVAuthFile, Contacts: contacts()})
	content := f.poll(f.alice, id).DVAuthContent
	for _, n := range names {
		f.files.publish(n, content)
	}
	var wg sync.WaitGroup
	serials := make([]string, 8)
	for i := range serials {
		wg.Go(func() {
			d, err := f.alice.Order(context.Background(), id)
			if assert.NoError(t, err) {
				serials[i] = d.CertificateSerialNumber
			}
		})
	}
	wg.Wait()
	d := f.poll(f.alice, id)
	require.Equal(t, api.StatePublished, d.State)
	for _, s := range serials {
		assert.Equal(t, d.CertificateSerialNumber, s, "one certificate only")
	}
	assert.Equal(t, 1, strings.Count(f.logs.String(), "sslmarket certificate issued"))
}

func TestTools(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := f.issued(f.alice, "t.example.com", "u.example.com")
	certPEM := must(f.alice.Download(ctx, id, api.FormatPEMServer))
	leaf := parseCerts(t, certPEM)[0]

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:  pkix.Name{CommonName: "example.com", Organization: []string{"Example Ltd"}, Locality: []string{"London"}, Country: []string{"GB"}},
		DNSNames: []string{"example.com", "www.example.com"},
	}, rsaKey)
	require.NoError(t, err)
	dec, err := f.alice.DecodeCSR(ctx, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	require.NoError(t, err)
	assert.Equal(t, api.CSRSubject{CN: "example.com", O: "Example Ltd", L: "London", C: "GB"}, dec.Subject)
	assert.Equal(t, api.Text("2048"), dec.PKey.Length)
	assert.Equal(t, api.Text("RSA"), dec.PKey.Algorithm)
	assert.Contains(t, dec.PKey.PKey, "BEGIN PUBLIC KEY")
	assert.Equal(t, []string{"example.com", "www.example.com"}, dec.SANs)

	cd, err := f.alice.DecodeCertificate(ctx, certPEM)
	require.NoError(t, err)
	assert.Equal(t, "t.example.com", cd.Owner.Domain)
	assert.Equal(t, api.Text("256"), cd.Length)
	assert.Equal(t, api.Text("3"), cd.Algorithm, "PHP's OPENSSL_KEYTYPE_EC")
	assert.Equal(t, []string{"t.example.com", "u.example.com"}, cd.SANs)
	assert.Equal(t, api.Text(leaf.SerialNumber.String()), cd.SerialNumber)
	assert.Equal(t, strings.ToUpper(leaf.SerialNumber.Text(16)), cd.SerialNumberHex)
	assert.Equal(t, leaf.NotAfter.UTC().Format("2006-01-02 15:04:05"), cd.ValidTo)
	assert.Contains(t, string(cd.PKey), "BEGIN PUBLIC KEY")

	st, err := f.alice.CheckOCSP(ctx, certPEM)
	require.NoError(t, err)
	assert.Equal(t, api.OCSPGood, st.Status)
	assert.Equal(t, f.clock.Now().UTC().Format("2006-01-02 15:04:05"), st.ThisUpdate)

	// A certificate of another CA.
	_, err = f.alice.CheckOCSP(ctx, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.ca.Root().Raw}))
	assert.True(t, api.IsBadRequest(err), "%v", err)

	for _, path := range []string{"/tool/decoder/csr", "/tool/decoder/certificate", "/tool/ocsp"} {
		status, h, data := f.raw(http.MethodPost, path, tokenAlice, map[string]string{})
		assert.Equal(t, 400, status, path)
		assert.Equal(t, ErrTypeMissingParameter, errorBody(t, h, data).Error, path)
		status, h, data = f.raw(http.MethodPost, path, tokenAlice, map[string]string{"csr": "x", "certificate": "x"})
		assert.Equal(t, 400, status, path)
		assert.Equal(t, ErrTypeInvalidParameter, errorBody(t, h, data).Error, path)
	}

	err = f.alice.Revoke(ctx, id)
	assert.True(t, api.IsBadRequest(err), "%v", err)
	assert.Equal(t, ErrTypeNotSupported, api.ErrorType(err))
}

func TestResponsesAsDocumented(t *testing.T) {
	f := newFixture(t)
	id := f.issued(f.alice, "z.example.com")
	ids := itoa(id)

	status, h, data := f.raw(http.MethodGet, "/certificate/order_id/"+ids+"/format/pem_intermediate", tokenAlice, nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "text/plain", h.Get("Content-Type"))
	assert.Equal(t, 2, bytes.Count(data, []byte("BEGIN CERTIFICATE")))

	_, csr := newCSR(t, "z.example.com")
	status, _, data = f.raw(http.MethodPost, "/certificate/order_id/"+ids+"/reissue", tokenAlice, api.ReissueRequest{CSR: csr})
	assert.Equal(t, http.StatusAccepted, status, string(data))
	assert.Empty(t, data)
	status, _, data = f.raw(http.MethodPut, "/certificate/order_id/"+ids+"/cancel-reissue", tokenAlice, nil)
	assert.Equal(t, http.StatusAccepted, status, string(data))
	assert.Empty(t, data)

	status, h, data = f.raw(http.MethodPost, "/order/certificate/rapidssl-rapidssl-dv", tokenAlice,
		api.Order{Domain: "y.example.com", Years: 1, CSR: csrFor(t, mustKey(t), "y.example.com"), Contacts: contacts()})
	assert.Equal(t, http.StatusCreated, status, string(data))
	assert.Equal(t, "application/json", h.Get("Content-Type"))
	assert.JSONEq(t, `{"order_id":`+itoa(id+1)+`}`, string(data))

	// Details carry the documented names only (plus sandbox_note when set).
	status, _, data = f.raw(http.MethodGet, "/order/order_id/"+ids, tokenAlice, nil)
	require.Equal(t, http.StatusOK, status)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	for _, k := range []string{"product_type", "product_code", "domain", "dns_names", "sans_order_count", "years", "csr",
		"certificate_serial_number", "owner_name", "auth_email", "tech_tel", "inserted", "published", "expired",
		"dv_auth_method", "dv_auth_content", "state", "days_remaining", "auto_reissue"} {
		assert.Contains(t, m, k)
	}
	assert.NotContains(t, m, "invoice_name", "invoice fields are not in the documented details")
	assert.NotContains(t, m, "sandbox_note")
}

func TestLenientInput(t *testing.T) {
	f := newFixture(t)
	_, csr := newCSR(t, "example.com")
	o := api.Order{Domain: "Example.COM.", DNSNames: []string{"WWW.example.com."}, Years: 1, CSR: csr, DVAuthMethod: "file", Contacts: contacts()}
	status, _, data := f.raw(http.MethodPost, "/order/certificate/RapidSSL-RapidSSL-DV", tokenAlice, o)
	require.Equal(t, http.StatusCreated, status, string(data))
	var resp api.PlaceOrderResponse
	require.NoError(t, json.Unmarshal(data, &resp))
	d := f.poll(f.alice, int64(resp.OrderID))
	assert.Equal(t, "example.com", d.Domain)
	assert.Equal(t, []string{"www.example.com"}, d.DNSNames)
	assert.Equal(t, api.DVAuthFile, d.DVAuthMethod)
	assert.Equal(t, "rapidssl-rapidssl-dv", d.ProductCode)
}
