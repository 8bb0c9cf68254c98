package sslci

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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
)

type fixture struct {
	t     *testing.T
	clock *sandboxtest.Clock
	ca    *authority.Authority
	files *sandboxtest.FileServer
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
		clock: sandboxtest.NewClock(time.Now()),
		ca:    ca,
		files: sandboxtest.NewFileServer(t),
		dns:   dnstest.NewServer(t),
	}
	f.srv = New(apienv.Config{
		Accounts:      map[string]string{tokenAlice: "alice", tokenBob: "bob"},
		Authority:     ca,
		HTTP01Address: f.files.Address(),
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

func (f *fixture) order(token, domain, method string) verificationResponse {
	f.t.Helper()
	var resp verificationResponse
	status, raw := f.do(http.MethodPost, "", verificationRequest{Token: token, Domain: domain, Method: method}, &resp)
	require.Equal(f.t, http.StatusOK, status, string(raw))
	return resp
}

// verify orders, publishes and confirms domain for token.
func (f *fixture) verify(token, domain string) {
	f.t.Helper()
	o := f.order(token, domain, methodHTTP)
	f.files.Publish(domain, o.Verification.FilePath, o.Verification.Content)
	var resp confirmResponse
	status, raw := f.do(http.MethodPut, "", confirmRequest{Token: token, Domain: domain, OrderID: o.OrderID}, &resp)
	require.Equal(f.t, http.StatusOK, status, string(raw))
}

func (f *fixture) list(token string) listResponse {
	f.t.Helper()
	var resp listResponse
	status, raw := f.do(http.MethodGet, "token="+token, nil, &resp)
	require.Equal(f.t, http.StatusOK, status, string(raw))
	return resp
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
			setup:  func(f *fixture) { f.order(tokenAlice, "a.example.com", methodHTTP) },
			status: 403, message: "order 1 does not belong to you",
		},
		{
			name: "DELETE another account's certificate", method: http.MethodDelete, body: `{"token":"bob-token","type":"ssl","id":1}`,
			setup: func(f *fixture) {
				f.verify(tokenAlice, "a.example.com")
				status, raw := f.do(http.MethodPost, "", finalizeRequest{Token: tokenAlice, Action: actionFinalize, Domains: []string{"a.example.com"}}, nil)
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

func TestTokenSourcesAndMounts(t *testing.T) {
	ca, err := authority.New()
	require.NoError(t, err)
	srv := New(apienv.Config{Accounts: map[string]string{tokenAlice: "alice"}, Authority: ca})
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
