package sslci

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEndpoints(t *testing.T) {
	csr := testCSR(t, "a.com", "b.com", "c.com")
	csrJSON := fmt.Sprintf("%q", csr) // Go quoting of PEM is valid JSON

	tests := []struct {
		name      string
		fixture   string
		call      func(context.Context, *Client) (any, error)
		method    string
		query     url.Values // nil: no query expected
		body      string     // "": no body expected
		checkResp func(t *testing.T, got any)
	}{
		{
			name:    "list",
			fixture: "list.json",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.ListPage(ctx, 1) },
			method:  http.MethodGet,
			query:   url.Values{"token": {docToken}},
			checkResp: func(t *testing.T, got any) {
				want := &ListResponse{
					Status:        true,
					Certificates:  []Certificate{{CrtID: 1, Domains: "example.com", AddTime: 1715000000, EndTime: 1722776000}},
					PendingOrders: []PendingOrder{{OrderID: 5, Domains: "test.com", Status: "pending"}},
				}
				assert.Equal(t, want, got)
				lr := got.(*ListResponse)
				assert.Equal(t, []string{"example.com"}, lr.Certificates[0].DomainNames())
				assert.Equal(t, time.Date(2024, 8, 4, 12, 53, 20, 0, time.UTC), lr.Certificates[0].ExpiresAt())
				assert.Equal(t, time.Unix(1715000000, 0).UTC(), lr.Certificates[0].AddedAt())
			},
		},
		{
			name:    "request verification",
			fixture: "verification.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.RequestVerification(ctx, "example.com", MethodHTTP)
			},
			method: http.MethodPost,
			body:   `{"token":"YOUR_TOKEN","domain":"example.com","method":"http"}`,
			checkResp: func(t *testing.T, got any) {
				assert.Equal(t, &VerificationResponse{
					Status: true, Domain: "example.com", OrderID: 42,
					Verification: Verification{
						Method: "http", Token: "abc123...", Content: "abc123...thumbprint",
						FilePath: "/.well-known/acme-challenge/abc123...",
						URL:      "http://example.com/.well-known/acme-challenge/abc123...",
					},
				}, got)
			},
		},
		{
			name:    "request verification dns wildcard",
			fixture: "verification.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.RequestVerification(ctx, "*.example.com", MethodDNS)
			},
			method: http.MethodPost,
			body:   `{"token":"YOUR_TOKEN","domain":"*.example.com","method":"dns"}`,
		},
		{
			name:    "confirm verification as documented",
			fixture: "confirm.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ConfirmVerification(ctx, "example.com", 0, "")
			},
			method: http.MethodPut,
			body:   `{"token":"YOUR_TOKEN","domain":"example.com"}`,
			checkResp: func(t *testing.T, got any) {
				assert.Equal(t, &ConfirmResponse{Status: true, Domain: "example.com", OrderID: 42, Verified: true}, got)
			},
		},
		{
			name:    "confirm verification with order and method",
			fixture: "confirm.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ConfirmVerification(ctx, "example.com", 42, MethodDNS)
			},
			method: http.MethodPut,
			body:   `{"token":"YOUR_TOKEN","domain":"example.com","order_id":42,"method":"dns"}`,
		},
		{
			name:    "finalize as documented",
			fixture: "finalize.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Finalize(ctx, []string{"a.com", "b.com", "c.com"}, nil)
			},
			method: http.MethodPost,
			body:   `{"token":"YOUR_TOKEN","action":"finalize","domains":["a.com","b.com","c.com"]}`,
			checkResp: func(t *testing.T, got any) {
				want := &FinalizeResponse{
					Status: true,
					Key:    "-----BEGIN PRIVATE KEY-----\n...",
					CSR:    "-----BEGIN CERTIFICATE REQUEST-----\n...",
					CRT:    "-----BEGIN CERTIFICATE-----\n...",
					CA:     "-----BEGIN CERTIFICATE-----\n...",
				}
				want.Details.Subject.CN = "a.com"
				want.Details.ValidFrom = "2026-05-13 00:00:00"
				want.Details.ValidTo = "2026-08-11 00:00:00"
				want.Details.SAN = "DNS:a.com, DNS:b.com, DNS:c.com"
				assert.Equal(t, want, got)
			},
		},
		{
			name:    "finalize with csr",
			fixture: "finalize.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Finalize(ctx, []string{"a.com", "b.com", "c.com"}, csr)
			},
			method: http.MethodPost,
			body:   `{"token":"YOUR_TOKEN","action":"finalize","domains":["a.com","b.com","c.com"],"csr":` + csrJSON + `}`,
		},
		{
			name:    "delete ssl",
			fixture: "delete.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.Delete(ctx, DeleteSSL, 15)
			},
			method: http.MethodDelete,
			body:   `{"token":"YOUR_TOKEN","type":"ssl","id":15}`,
		},
		{
			name:    "delete order",
			fixture: "delete.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.Delete(ctx, DeleteOrder, 5)
			},
			method: http.MethodDelete,
			body:   `{"token":"YOUR_TOKEN","type":"order","id":5}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newAPIServer(t, reply(http.StatusOK, "application/json", fixture(t, tt.fixture)))
			got, err := tt.call(context.Background(), srv.client(t, docToken))
			require.NoError(t, err)

			reqs := srv.requests()
			require.Len(t, reqs, 1)
			r := reqs[0]
			assert.Equal(t, tt.method, r.Method)
			assert.Equal(t, "/api", r.Path)
			assert.Equal(t, "application/json", r.Header.Get("Accept"))
			assert.NotEmpty(t, r.Header.Get("User-Agent"))
			if tt.query == nil {
				assert.Empty(t, r.Query)
			} else {
				assert.Equal(t, tt.query, r.Query)
			}
			if tt.body == "" {
				assert.Empty(t, r.Body)
				assert.Empty(t, r.Header.Get("Content-Type"))
			} else {
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
				assert.JSONEq(t, tt.body, r.Body)
			}
			if tt.checkResp != nil {
				tt.checkResp(t, got)
			}
		})
	}
}

func TestDeleteAcceptsEmptyBody(t *testing.T) {
	srv := newAPIServer(t, reply(http.StatusNoContent, "", nil))
	require.NoError(t, srv.client(t, docToken).Delete(context.Background(), DeleteSSL, 1))
}
