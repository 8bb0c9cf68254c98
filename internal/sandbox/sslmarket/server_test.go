package sslmarket

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
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
	tokenAlice = "alice-token"
	tokenBob   = "bob-token"
	mountPath  = "/sslmarket/api"
	issueDelay = 10 * time.Minute
)

type fixture struct {
	t     *testing.T
	clock *sandboxtest.Clock
	ca    *authority.Authority
	files *sandboxtest.FileServer
	dns   *dnstest.Server
	srv   *Server
	url   string
	logs  *sandboxtest.LogBuffer
	alice *wireClient
	bob   *wireClient
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ca, err := authority.New()
	require.NoError(t, err)
	f := &fixture{
		t:     t,
		clock: sandboxtest.NewClock(time.Now()),
		ca:    ca,
		files: sandboxtest.NewFileServer(t),
		dns:   dnstest.NewServer(t),
		logs:  &sandboxtest.LogBuffer{},
	}
	f.srv = New(apienv.Config{
		Accounts:      map[string]string{tokenAlice: "alice", tokenBob: "bob"},
		Authority:     ca,
		HTTP01Address: f.files.Address(),
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
	f.alice = &wireClient{t: t, url: f.url, token: tokenAlice}
	f.bob = &wireClient{t: t, url: f.url, token: tokenBob}
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
func errorBody(t *testing.T, h http.Header, data []byte) errorResponse {
	t.Helper()
	assert.Equal(t, "application/json", h.Get("Content-Type"))
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m), string(data))
	assert.Len(t, m, 2, string(data))
	var e errorResponse
	require.NoError(t, json.Unmarshal(data, &e))
	assert.NotEmpty(t, e.Error)
	assert.NotEmpty(t, e.Description)
	return e
}

func testContacts() contacts {
	return contacts{
		people: people{
			OwnerName: "Example Ltd", OwnerStreet: "1 High Street", OwnerCity: "London", OwnerZip: "SW1A 1AA",
			OwnerCountry: "GB", OwnerTel: "+44.123456789",
			AuthTitle: "Mr", AuthFirstname: "John", AuthLastname: "Smith", AuthTel: "+44.123456789", AuthEmail: "john@example.com",
			TechTitle: "Ms", TechFirstname: "Jane", TechLastname: "Doe", TechEmail: "jane@example.com", TechTel: "+44.987654321",
		},
		InvoiceName: "Example Ltd", InvoiceStreet: "1 High Street", InvoiceCity: "London", InvoiceZip: "SW1A 1AA",
		InvoiceCountry: "GB", InvoiceEmail: "billing@example.com",
	}
}

func newCSR(t *testing.T, names ...string) (crypto.Signer, string) {
	t.Helper()
	return sandboxtest.NewCSR(t, names[0], names...)
}

func csrFor(t *testing.T, key crypto.Signer, names ...string) string {
	t.Helper()
	return sandboxtest.CSRFor(t, key, names[0], names...)
}

func (f *fixture) place(c *wireClient, product string, o orderRequest) int64 {
	f.t.Helper()
	resp, err := c.PlaceOrder(context.Background(), product, o)
	require.NoError(f.t, err)
	require.Positive(f.t, resp.OrderID)
	return resp.OrderID
}

func (f *fixture) poll(c *wireClient, id int64) *detailsResponse {
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

func (f *fixture) verify(leaf *x509.Certificate, names []string, key crypto.Signer) {
	f.t.Helper()
	sandboxtest.VerifyLeaf(f.t, f.ca, leaf, names, key, f.clock.Now())
	assert.Equal(f.t, names[0], leaf.Subject.CommonName)
}

// issued places a two-year FILE order for names and polls it to issuance.
func (f *fixture) issued(c *wireClient, names ...string) int64 {
	f.t.Helper()
	return f.issuedFor(c, 2, names...)
}

// issuedFor places a FILE order of years for names and polls it to
// issuance.
func (f *fixture) issuedFor(c *wireClient, years int, names ...string) int64 {
	f.t.Helper()
	_, csr := newCSR(f.t, names...)
	id := f.place(c, "rapidssl-rapidssl-dv", orderRequest{
		Domain: names[0], DNSNames: names[1:], Years: years, CSR: csr, DVAuthMethod: dvAuthFile, contacts: testContacts(),
	})
	content := f.poll(c, id).DVAuthContent
	for _, n := range names {
		f.files.Publish(n, dcvFilePath, content)
	}
	f.poll(c, id)
	f.clock.Advance(issueDelay)
	require.Equal(f.t, statePublished, f.poll(c, id).State)
	return id
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
		c := &wireClient{t: t, url: f.url, token: "nope"}
		_, err := c.Orders(context.Background())
		assert.True(t, statusOf(err) == 401, "%v", err)
		assert.NotContains(t, err.Error(), "nope")
		_, err = f.bob.Order(context.Background(), id)
		assert.True(t, statusOf(err) == 404, "%v", err)
		err = f.bob.Reissue(context.Background(), id, []byte(csrFor(t, mustKey(t), "a.example.com")))
		assert.True(t, statusOf(err) == 404, "%v", err)
	})
	assert.Equal(t, AccountStats{}, f.srv.Stats()["bob"])
}

func mustKey(t *testing.T) crypto.Signer {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	return k
}

func TestLenientInput(t *testing.T) {
	f := newFixture(t)
	_, csr := newCSR(t, "example.com")
	o := orderRequest{Domain: "Example.COM.", DNSNames: []string{"WWW.example.com."}, Years: 1, CSR: csr, DVAuthMethod: "file", contacts: testContacts()}
	status, _, data := f.raw(http.MethodPost, "/order/certificate/RapidSSL-RapidSSL-DV", tokenAlice, o)
	require.Equal(t, http.StatusCreated, status, string(data))
	var resp placeOrderResponse
	require.NoError(t, json.Unmarshal(data, &resp))
	d := f.poll(f.alice, resp.OrderID)
	assert.Equal(t, "example.com", d.Domain)
	assert.Equal(t, []string{"www.example.com"}, d.DNSNames)
	assert.Equal(t, dvAuthFile, d.DVAuthMethod)
	assert.Equal(t, "rapidssl-rapidssl-dv", d.ProductCode)
}
