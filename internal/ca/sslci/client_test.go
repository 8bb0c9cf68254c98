package sslci

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// docToken is the token of the document's examples.
const docToken = "YOUR_TOKEN"

// secretToken needs escaping in a query string and in JSON.
const secretToken = "s3cr3t+t/k=n&x<y>"

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// recorded is one request as the test server saw it.
type recorded struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   string
}

// apiServer mounts handler under /api (as https://www.sslci.com/api) and
// records every request; anything outside /api is a 404 the test sees.
type apiServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newAPIServer(t *testing.T, handler http.HandlerFunc) *apiServer {
	t.Helper()
	s := &apiServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("/api", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, recorded{
			Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
			Header: r.Header.Clone(), Body: string(body),
		})
		s.mu.Unlock()
		handler(w, r)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside /api: %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *apiServer) requests() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.reqs...)
}

func (s *apiServer) client(t *testing.T, token string, opts ...Option) *Client {
	t.Helper()
	c, err := New(s.URL+"/api", token, opts...)
	require.NoError(t, err)
	return c
}

func reply(status int, contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

func testCSR(t *testing.T, names ...string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
	}, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

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
			call:    func(ctx context.Context, c *Client) (any, error) { return c.List(ctx) },
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
		{"2xx html proxy page", 200, "text/html", fixture(t, "error_502.html"), 0, "", ErrMalformedResponse, "", "", true},
		{"2xx json without status", 200, "application/json", []byte(`{"certificates":[]}`), 0, "", ErrMalformedResponse, "", "", true},
		{"2xx empty body", 200, "application/json", nil, 0, "", ErrMalformedResponse, "", "", true},
		{"2xx oversized body", 200, "application/json", huge, 0, "", ErrResponseTooLarge, "", "", false},
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
	assert.ErrorIs(t, err, ErrMalformedResponse)
	assert.True(t, IsTemporary(err))
}

// assertNoToken checks err and every error it wraps.
func assertNoToken(t *testing.T, err error, token string) {
	t.Helper()
	require.Error(t, err)
	forms := []string{token, url.QueryEscape(token), url.PathEscape(token)}
	queue := []error{err}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		for _, f := range forms {
			assert.NotContains(t, e.Error(), f, "error %T leaks the token", e)
		}
		// e has at most one of the two Unwrap methods. When it wraps no single
		// error, errors.As has nothing to unwrap and can only match e itself.
		var multi interface{ Unwrap() []error }
		if w := errors.Unwrap(e); w != nil {
			queue = append(queue, w)
		} else if errors.As(e, &multi) {
			queue = append(queue, multi.Unwrap()...)
		}
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	ctx := context.Background()
	calls := map[string]func(*Client) error{
		"list": func(c *Client) error { _, err := c.List(ctx); return err },
		"request": func(c *Client) error {
			_, err := c.RequestVerification(ctx, "example.com", MethodHTTP)
			return err
		},
		"confirm": func(c *Client) error { _, err := c.ConfirmVerification(ctx, "example.com", 0, ""); return err },
		"finalize": func(c *Client) error {
			_, err := c.Finalize(ctx, []string{"a.com"}, nil)
			return err
		},
		"delete": func(c *Client) error { return c.Delete(ctx, DeleteOrder, 5) },
	}

	t.Run("server echoes the token", func(t *testing.T) {
		echo := map[string]http.HandlerFunc{
			"json 401": func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"status":false,"message":"invalid token %s (%s)"}`, secretToken, url.QueryEscape(secretToken))
			},
			"html 502": func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusBadGateway)
				fmt.Fprintf(w, "<p>%s %s</p>", r.URL.RawQuery, secretToken)
			},
			"2xx status false": func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `{"status":false,"message":"token %s"}`, secretToken)
			},
			"2xx malformed": func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "<p>token=%s</p>", url.QueryEscape(secretToken))
			},
		}
		for hname, h := range echo {
			srv := newAPIServer(t, h)
			c := srv.client(t, secretToken)
			for cname, call := range calls {
				t.Run(hname+"/"+cname, func(t *testing.T) {
					err := call(c)
					assertNoToken(t, err, secretToken)
					assert.Contains(t, err.Error(), "REDACTED")
				})
			}
		}
	})

	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())

		c, err := New("http://"+addr+"/api", secretToken)
		require.NoError(t, err)
		for cname, call := range calls {
			t.Run(cname, func(t *testing.T) {
				err := call(c)
				assertNoToken(t, err, secretToken)
				assert.True(t, IsTemporary(err))
				var ue *url.Error
				require.ErrorAs(t, err, &ue)
				assert.False(t, IsServerError(err))
				if cname == "list" {
					assert.Contains(t, ue.URL, "token=REDACTED")
					assert.Contains(t, err.Error(), "token=REDACTED")
				}
			})
		}
	})

	t.Run("timeout", func(t *testing.T) {
		release := make(chan struct{})
		srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		})
		defer close(release)
		c := srv.client(t, secretToken, WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
		_, err := c.List(ctx)
		assertNoToken(t, err, secretToken)
		assert.True(t, IsTemporary(err))
	})

	t.Run("canceled context", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", fixture(t, "list.json")))
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := srv.client(t, secretToken).List(cctx)
		assertNoToken(t, err, secretToken)
		assert.ErrorIs(t, err, context.Canceled)
		assert.False(t, IsTemporary(err))
	})

	t.Run("client formatting", func(t *testing.T) {
		c, err := New(DefaultBaseURL, secretToken)
		require.NoError(t, err)
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			assert.NotContains(t, fmt.Sprintf(f, c), secretToken, f)
		}
	})
}

func TestNew(t *testing.T) {
	const newTok = "tok-0123456789abcdef"
	tests := []struct {
		url     string
		token   string
		wantErr string
	}{
		{url: "https://www.sslci.com/api", token: newTok},
		{url: DefaultBaseURL, token: newTok},
		{url: "http://127.0.0.1:8080/api", token: newTok},
		{url: "http://localhost:8080/api", token: newTok},
		{url: "http://[::1]:8080/api", token: newTok},
		{url: "http://example.com", token: newTok, wantErr: "http is only allowed for loopback"},
		{url: "http://127.0.0.1.example.com/api", token: newTok, wantErr: "http is only allowed for loopback"},
		{url: "ftp://www.sslci.com/api", token: newTok, wantErr: "scheme must be https"},
		{url: "www.sslci.com/api", token: newTok, wantErr: "no host"},
		{url: "", token: newTok, wantErr: "must not be empty"},
		{url: "https://", token: newTok, wantErr: "no host"},
		{url: "https://www.sslci.com/api?token=" + secretToken, token: secretToken, wantErr: "must not contain a query"},
		{url: "https://user:" + newTok + "@www.sslci.com/api", token: newTok, wantErr: "user info"},
		{url: "https://www.sslci.com/%zz?token=" + secretToken, token: secretToken, wantErr: "invalid base URL"},
		{url: "https://www.sslci.com/api", token: "", wantErr: "token: must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := New(tt.url, tt.token)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.url, c.BaseURL.String())
				require.NotNil(t, c.HTTPClient)
				assert.Equal(t, 30*time.Second, c.HTTPClient.Timeout)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			if tt.token != "" {
				assertNoToken(t, err, tt.token)
			}
		})
	}

	t.Run("rejected URL is named in the error", func(t *testing.T) {
		_, err := New("http://example.com", newTok)
		assert.EqualError(t, err, `sslci: invalid base URL "http://example.com": http is only allowed for loopback hosts, use https`)
	})

	t.Run("WithHTTPClient", func(t *testing.T) {
		hc := &http.Client{Timeout: time.Second}
		c, err := New(DefaultBaseURL, newTok, WithHTTPClient(hc))
		require.NoError(t, err)
		assert.Same(t, hc, c.HTTPClient)
		c, err = New(DefaultBaseURL, newTok, WithHTTPClient(nil))
		require.NoError(t, err)
		assert.NotNil(t, c.HTTPClient)
	})
}

func TestAPIErrorString(t *testing.T) {
	assert.Equal(t, "sslci: 401 Unauthorized: invalid token", (&APIError{Provider: provider, StatusCode: 401, Message: "invalid token"}).Error())
	assert.Equal(t, "sslci: 500 Internal Server Error", (&APIError{Provider: provider, StatusCode: 500}).Error())
	assert.Equal(t, "sslci: 599: odd", (&APIError{Provider: provider, StatusCode: 599, Message: "odd"}).Error())
	wrapped := fmt.Errorf("issuing: %w", &APIError{Provider: provider, StatusCode: 403, Message: "x"})
	assert.True(t, IsForbidden(wrapped))
	assert.False(t, IsTemporary(wrapped))
	assert.False(t, IsTemporary(nil))
	assert.False(t, IsUnauthorized(errors.New("401")))
}

func TestSplitDomains(t *testing.T) {
	assert.Equal(t, []string{"a.com", "b.com", "c.com"}, SplitDomains("a.com, b.com,c.com"))
	assert.Equal(t, []string{"example.com"}, SplitDomains("example.com"))
	assert.Nil(t, SplitDomains(" , "))
	assert.Equal(t, []string{"test.com"}, PendingOrder{Domains: "test.com"}.DomainNames())
}
