package sslci

import (
	"context"
	"encoding/pem"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

func TestInvalidArguments(t *testing.T) {
	tests := []struct {
		name string
		call func(context.Context, *Client) error
		arg  string
	}{
		{"request: empty domain", func(ctx context.Context, c *Client) error {
			_, err := c.RequestVerification(ctx, "", MethodHTTP)
			return err
		}, "domain"},
		{"request: url as domain", func(ctx context.Context, c *Client) error {
			_, err := c.RequestVerification(ctx, "https://example.com/", MethodHTTP)
			return err
		}, "domain"},
		{"request: blank in domain", func(ctx context.Context, c *Client) error {
			_, err := c.RequestVerification(ctx, "exa mple.com", MethodHTTP)
			return err
		}, "domain"},
		{"request: empty label", func(ctx context.Context, c *Client) error {
			_, err := c.RequestVerification(ctx, "example..com", MethodHTTP)
			return err
		}, "domain"},
		{"request: bad wildcard", func(ctx context.Context, c *Client) error {
			_, err := c.RequestVerification(ctx, "a.*.example.com", MethodDNS)
			return err
		}, "domain"},
		{"request: empty method", func(ctx context.Context, c *Client) error {
			_, err := c.RequestVerification(ctx, "example.com", "")
			return err
		}, "method"},
		{"request: bad method", func(ctx context.Context, c *Client) error {
			_, err := c.RequestVerification(ctx, "example.com", "HTTP-01")
			return err
		}, "method"},
		{"request: wildcard over http", func(ctx context.Context, c *Client) error {
			_, err := c.RequestVerification(ctx, "*.example.com", MethodHTTP)
			return err
		}, "method"},
		{"confirm: empty domain", func(ctx context.Context, c *Client) error {
			_, err := c.ConfirmVerification(ctx, "", 0, "")
			return err
		}, "domain"},
		{"confirm: negative order", func(ctx context.Context, c *Client) error {
			_, err := c.ConfirmVerification(ctx, "example.com", -1, "")
			return err
		}, "orderID"},
		{"confirm: bad method", func(ctx context.Context, c *Client) error {
			_, err := c.ConfirmVerification(ctx, "example.com", 1, "tls")
			return err
		}, "method"},
		{"finalize: no domains", func(ctx context.Context, c *Client) error {
			_, err := c.Finalize(ctx, nil, nil)
			return err
		}, "domains"},
		{"finalize: empty domain", func(ctx context.Context, c *Client) error {
			_, err := c.Finalize(ctx, []string{"a.com", ""}, nil)
			return err
		}, "domains[1]"},
		{"finalize: duplicate domain", func(ctx context.Context, c *Client) error {
			_, err := c.Finalize(ctx, []string{"a.com", "A.com"}, nil)
			return err
		}, "domains[1]"},
		{"finalize: csr not PEM", func(ctx context.Context, c *Client) error {
			_, err := c.Finalize(ctx, []string{"a.com"}, []byte("not a csr"))
			return err
		}, "csrPEM"},
		{"finalize: csr wrong PEM type", func(ctx context.Context, c *Client) error {
			_, err := c.Finalize(ctx, []string{"a.com"}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}}))
			return err
		}, "csrPEM"},
		{"delete: bad type", func(ctx context.Context, c *Client) error {
			return c.Delete(ctx, "certificate", 1)
		}, "typ"},
		{"delete: zero id", func(ctx context.Context, c *Client) error {
			return c.Delete(ctx, DeleteSSL, 0)
		}, "id"},
	}
	srv := newAPIServer(t, reply(http.StatusOK, "application/json", []byte(`{"status":true}`)))
	c := srv.client(t, secretToken)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(context.Background(), c)
			var ia *InvalidArgumentError
			require.ErrorAs(t, err, &ia)
			assert.Equal(t, tt.arg, ia.Name)
			assert.Contains(t, err.Error(), tt.arg)
			assert.False(t, IsTemporary(err))
			assert.NotContains(t, err.Error(), secretToken)
		})
	}
	assert.Empty(t, srv.requests(), "invalid arguments must not reach the server")
}

func TestErrors(t *testing.T) {
	huge := []byte(`{"status":true,"certificates":[],"pad":"` + strings.Repeat("x", rest.MaxBodySize) + `"}`)
	tests := []struct {
		name        string
		status      int
		contentType string
		body        []byte
		wantCode    int // 0: not an APIError
		wantMsg     string
		wantIs      error
		wantText    string
		is          string // the one Is* predicate that must hold
		temporary   bool
	}{
		{"400", 400, "application/json", fixture(t, "error_400.json"), 400, "missing parameter: domain", nil,
			"sslci: 400 Bad Request: missing parameter: domain", "IsBadRequest", false},
		{"401", 401, "application/json", fixture(t, "error_401.json"), 401, "invalid token", nil,
			"sslci: 401 Unauthorized: invalid token", "IsUnauthorized", false},
		{"403", 403, "application/json", fixture(t, "error_403.json"), 403, "the record does not belong to you", nil,
			"sslci: 403 Forbidden: the record does not belong to you", "IsForbidden", false},
		{"405", 405, "application/json", fixture(t, "error_405.json"), 405, "unsupported HTTP method", nil,
			"sslci: 405 Method Not Allowed: unsupported HTTP method", "IsMethodNotAllowed", false},
		{"500", 500, "application/json", fixture(t, "error_500.json"), 500, "server error", nil,
			"sslci: 500 Internal Server Error: server error", "IsServerError", true},
		{"429 plain text", 429, "text/plain", []byte("slow down\n"), 429, "slow down", nil,
			"sslci: 429 Too Many Requests: slow down", "", true},
		{"502 html page", 502, "text/html", fixture(t, "error_502.html"), 502,
			"<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> <hr><center>nginx</center> </body> </html>",
			nil, "", "IsServerError", true},
		{"503 long html is cut at 200 bytes", 503, "text/html", []byte(strings.Repeat("a", 190) + "\x00\x1b\n" + strings.Repeat("b", 300)), 503,
			strings.Repeat("a", 190) + " bbbbbbb", nil, "", "IsServerError", true},
		{"json error without message", 400, "application/json", []byte(`{"error":"nope"}`), 400, `{"error":"nope"}`, nil, "", "IsBadRequest", false},
		{"oversized error body", 500, "text/html", []byte(strings.Repeat("e", 2*rest.MaxBodySize)), 500,
			strings.Repeat("e", 200) + " (response body larger than 1 MiB)", nil, "", "IsServerError", true},
		{"2xx with status false", 200, "application/json", fixture(t, "status_false_200.json"), 200, "domain not verified", nil,
			"sslci: 200 OK: domain not verified", "", false},
		{"2xx html proxy page", 200, "text/html", fixture(t, "error_502.html"), 0, "", rest.ErrMalformedResponse, "", "", true},
		{"2xx json without status", 200, "application/json", []byte(`{"certificates":[]}`), 0, "", rest.ErrMalformedResponse, "", "", true},
		{"2xx empty body", 200, "application/json", nil, 0, "", rest.ErrMalformedResponse, "", "", true},
		{"2xx oversized body", 200, "application/json", huge, 0, "", rest.ErrResponseTooLarge, "", "", false},
		{"3xx is not followed", 302, "", nil, 302, `<a href="/elsewhere?token=REDACTED">Found</a>.`, nil,
			`sslci: 302 Found: <a href="/elsewhere?token=REDACTED">Found</a>.`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := reply(tt.status, tt.contentType, tt.body)
			if tt.status == 302 {
				h = func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, "/elsewhere?token="+url.QueryEscape(r.URL.Query().Get("token")), http.StatusFound)
				}
			}
			srv := newAPIServer(t, h)
			_, err := srv.client(t, docToken).List(context.Background())
			require.Error(t, err)
			require.Len(t, srv.requests(), 1)

			var ae *APIError
			if tt.wantCode != 0 {
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.wantCode, ae.StatusCode)
				assert.Equal(t, tt.wantMsg, ae.Message)
			} else {
				assert.False(t, errors.As(err, &ae), "unexpected APIError %v", err)
			}
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
			if tt.wantText != "" {
				assert.Equal(t, tt.wantText, err.Error())
			}
			preds := map[string]func(error) bool{
				"IsBadRequest": IsBadRequest, "IsUnauthorized": IsUnauthorized, "IsForbidden": IsForbidden,
				"IsMethodNotAllowed": IsMethodNotAllowed, "IsServerError": IsServerError,
			}
			for name, p := range preds {
				assert.Equal(t, name == tt.is, p(err), name)
			}
			assert.Equal(t, tt.temporary, IsTemporary(err), "IsTemporary")
			assert.NotContains(t, err.Error(), docToken)
		})
	}
}

func TestFinalizeWithoutCRTIsMalformed(t *testing.T) {
	srv := newAPIServer(t, reply(200, "application/json", []byte(`{"status":true,"crt":""}`)))
	_, err := srv.client(t, docToken).Finalize(context.Background(), []string{"a.com"}, nil)
	assert.ErrorIs(t, err, rest.ErrMalformedResponse)
	assert.True(t, IsTemporary(err))
}
