package sslci

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
)

func TestConfirmRefused(t *testing.T) {
	const domain = "a.example.com"
	tests := []struct {
		name    string
		publish func(f *fixture, o verificationResponse)
		req     func(o verificationResponse) confirmRequest
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
			publish: func(f *fixture, o verificationResponse) {
				f.files.Publish(domain, o.Verification.FilePath, o.Verification.Token)
			},
			status:  http.StatusBadRequest,
			message: "verification of a.example.com failed: http://a.example.com/.well-known/acme-challenge/",
		},
		{
			name: "published for another host",
			publish: func(f *fixture, o verificationResponse) {
				f.files.Publish("b.example.com", o.Verification.FilePath, o.Verification.Content)
			},
			status:  http.StatusBadRequest,
			message: "unexpected status 404",
		},
		{
			name:    "dns record missing",
			method:  methodDNS,
			status:  http.StatusBadRequest,
			message: "verification of a.example.com failed: TXT record _acme-challenge.a.example.com: want ",
		},
		{
			name:   "dns record with another value",
			method: methodDNS,
			publish: func(f *fixture, o verificationResponse) {
				f.dns.AddTXT("_acme-challenge."+domain, o.Verification.Token)
			},
			status:  http.StatusBadRequest,
			message: `found "`,
		},
		{
			name:   "dns record at the domain itself",
			method: methodDNS,
			publish: func(f *fixture, o verificationResponse) {
				f.dns.AddTXT(domain, o.Verification.Content)
			},
			status:  http.StatusBadRequest,
			message: "found none",
		},
		{
			name: "method differs from the order",
			req: func(o verificationResponse) confirmRequest {
				return confirmRequest{Token: tokenAlice, Domain: domain, OrderID: o.OrderID, Method: methodDNS}
			},
			status:  http.StatusBadRequest,
			message: "invalid parameter method",
		},
		{
			name: "unknown order",
			req: func(o verificationResponse) confirmRequest {
				return confirmRequest{Token: tokenAlice, Domain: domain, OrderID: 99}
			},
			status:  http.StatusBadRequest,
			message: "no pending order 99",
		},
		{
			name: "no pending order for the domain",
			req: func(verificationResponse) confirmRequest {
				return confirmRequest{Token: tokenAlice, Domain: "b.example.com"}
			},
			status:  http.StatusBadRequest,
			message: "no pending order for b.example.com",
		},
		{
			name: "order of another domain",
			req: func(o verificationResponse) confirmRequest {
				return confirmRequest{Token: tokenAlice, Domain: "b.example.com", OrderID: o.OrderID}
			},
			status:  http.StatusBadRequest,
			message: "invalid parameter domain: order 1 is for a.example.com",
		},
		{
			name: "another account's order",
			publish: func(f *fixture, o verificationResponse) {
				f.files.Publish(domain, o.Verification.FilePath, o.Verification.Content)
			},
			req: func(o verificationResponse) confirmRequest {
				return confirmRequest{Token: tokenBob, Domain: domain, OrderID: o.OrderID}
			},
			status:  http.StatusForbidden,
			message: "order 1 does not belong to you",
		},
		{
			name: "another account's order, found by domain",
			req: func(verificationResponse) confirmRequest {
				return confirmRequest{Token: tokenBob, Domain: domain}
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
				method = methodHTTP
			}
			o := f.order(tokenAlice, domain, method)
			if tt.publish != nil {
				tt.publish(f, o)
			}
			req := confirmRequest{Token: tokenAlice, Domain: domain}
			if tt.req != nil {
				req = tt.req(o)
			}
			var e errorResponse
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
func (f *fixture) confirmDNS(o verificationResponse) (int, string) {
	f.t.Helper()
	var e errorResponse
	status, _ := f.do(http.MethodPut, "", confirmRequest{Token: tokenAlice, Domain: o.Domain, OrderID: o.OrderID, Method: methodDNS}, &e)
	return status, e.Message
}

func TestDNSVerification(t *testing.T) {
	f := newFixture(t)
	wild := f.order(tokenAlice, "*.example.com", methodDNS)
	base := f.order(tokenAlice, "example.com", methodDNS)
	assert.Equal(t, methodDNS, wild.Verification.Method)
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
	for _, o := range []verificationResponse{wild, base} {
		status, msg := f.confirmDNS(o)
		require.Equal(t, http.StatusOK, status, msg)
	}
	assert.Empty(t, f.list(tokenAlice).PendingOrders)
	assert.Contains(t, f.dns.Queries(), "TXT _acme-challenge.example.com.")

	var fin finalizeResponse
	status, raw := f.do(http.MethodPost, "", finalizeRequest{Token: tokenAlice, Action: actionFinalize, Domains: []string{"*.example.com", "example.com"}}, &fin)
	require.Equal(t, http.StatusOK, status, string(raw))
	f.verifyChain(fin, []string{"*.example.com", "example.com"})
	assert.Equal(t, AccountStats{VerificationOrders: 2, Confirmations: 2, Finalizes: 1, Certificates: 1}, f.srv.Stats()["alice"])
}

func TestDNSVerificationWithoutServer(t *testing.T) {
	ca, err := authority.New()
	require.NoError(t, err)
	srv := New(apienv.Config{Accounts: map[string]string{tokenAlice: "alice"}, Authority: ca})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	f := &fixture{t: t, clock: sandboxtest.NewClock(time.Now()), ca: ca, srv: srv, url: ts.URL + "/api"}

	o := f.order(tokenAlice, "*.example.com", methodDNS)
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
	srv := New(apienv.Config{Accounts: map[string]string{tokenAlice: "alice"}, Authority: ca, HTTP01Address: addr})
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
