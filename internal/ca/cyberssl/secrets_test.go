package cyberssl

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/catest"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// assertNoSecret checks err and every error it wraps.
func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	catest.AssertNotInErrors(t, err, catest.SecretForms(secrets...)...)
}

func TestSecretsNeverInErrors(t *testing.T) {
	ctx := context.Background()
	csr := testCSR(t, "a.com")
	calls := map[string]func(*Client) error{
		"balance":  func(c *Client) error { _, err := c.Balance(ctx); return err },
		"status":   func(c *Client) error { _, err := c.OrderStatus(ctx, 1); return err },
		"products": func(c *Client) error { _, err := c.Certificates(ctx); return err },
		"order": func(c *Client) error {
			_, err := c.AddOrder(ctx, OrderRequest{ProductID: 1, OrderType: OrderTypeNew, Period: 1, DVMethod: DVMethodHTTP, Admin: docAdmin, CSR: csr})
			return err
		},
	}
	tokenAuth := func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, `{"success":true,"token":%q}`, secretToken)
	}

	t.Run("server echoes the secrets", func(t *testing.T) {
		echo := map[string]http.HandlerFunc{
			"json 401": func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"success":false,"error_code":%q,"error_message":"invalid token %s (%s), key %s"}`,
					secretToken, secretToken, url.QueryEscape(secretToken), secretKey)
			},
			"html 502": func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusBadGateway)
				fmt.Fprintf(w, "<p>%s %s %s</p>", r.URL.RawQuery, secretToken, secretKey)
			},
			"2xx success false": func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `{"success":false,"error_message":"token %s key %s"}`, secretToken, secretKey)
			},
			"2xx malformed": func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "<p>token=%s&apikey=%s</p>", url.QueryEscape(secretToken), url.QueryEscape(secretKey))
			},
		}
		for hname, h := range echo {
			srv := newAPIServer(t, h)
			srv.setAuth(tokenAuth)
			c := srv.client(t, secretKey)
			// The token must be one the client holds (ssl_certificates
			// opens no session of its own).
			require.NoError(t, c.Authenticate(ctx))
			for cname, call := range calls {
				t.Run(hname+"/"+cname, func(t *testing.T) {
					err := call(c)
					assertNoSecret(t, err, secretKey, secretToken)
					assert.Contains(t, err.Error(), "REDACTED")
				})
			}
		}
	})

	t.Run("auth refusal echoes the key", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", []byte(`{"success":true}`)))
		srv.setAuth(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"success":false,"error_code":1,"error_message":"bad apikey %s"}`, r.URL.Query().Get("apikey"))
		})
		err := srv.client(t, secretKey).Authenticate(ctx)
		assertNoSecret(t, err, secretKey)
		assert.True(t, IsAuth(err))
	})

	t.Run("unusable auth answer holding a token", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", []byte(`{"success":true}`)))
		srv.setAuth(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"token":%q}`, secretToken) // no "success"
		})
		err := srv.client(t, secretKey).Authenticate(ctx)
		assert.ErrorIs(t, err, rest.ErrMalformedResponse)
		assertNoSecret(t, err, secretKey, secretToken)
	})

	t.Run("stale token quoted after renewal", func(t *testing.T) {
		var n atomic.Int32
		srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"success":false,"error_code":401,"error_message":"tokens %s and tok-2 refused"}`, secretToken)
		})
		srv.setAuth(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				tokenAuth(w, r)
				return
			}
			_, _ = io.WriteString(w, `{"success":true,"token":"tok-2"}`)
		})
		c := srv.client(t, secretKey)
		require.NoError(t, c.Authenticate(ctx))
		_, err := c.Balance(ctx)
		assertNoSecret(t, err, secretKey, secretToken, "tok-2")
	})

	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())

		c, err := New("http://"+addr+"/v1/", secretKey)
		require.NoError(t, err)
		for cname, call := range calls {
			t.Run(cname, func(t *testing.T) {
				err := call(c)
				assertNoSecret(t, err, secretKey)
				assert.True(t, IsTemporary(err))
				assert.False(t, IsAuth(err))
				var ue *url.Error
				require.ErrorAs(t, err, &ue)
				if cname != "products" {
					assert.Contains(t, ue.URL, "apikey=REDACTED")
					assert.Contains(t, err.Error(), "apikey=REDACTED")
				}
			})
		}
	})

	t.Run("connection refused with a cached token", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", fixture(t, "get_balance.json")))
		srv.setAuth(tokenAuth)
		c := srv.client(t, secretKey)
		require.NoError(t, c.Authenticate(ctx))
		srv.Close()
		for cname, call := range calls {
			t.Run(cname, func(t *testing.T) {
				err := call(c)
				assertNoSecret(t, err, secretKey, secretToken)
				assert.True(t, IsTemporary(err))
				if cname == "balance" {
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
		srv.setAuth(tokenAuth)
		c := srv.client(t, secretKey, rest.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
		_, err := c.Balance(ctx)
		assertNoSecret(t, err, secretKey, secretToken)
		assert.True(t, IsTemporary(err))
	})

	t.Run("canceled context", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", fixture(t, "get_balance.json")))
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := srv.client(t, secretKey).Balance(cctx)
		assertNoSecret(t, err, secretKey)
		assert.ErrorIs(t, err, context.Canceled)
		assert.False(t, IsTemporary(err))
	})

	t.Run("client formatting", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", fixture(t, "get_balance.json")))
		srv.setAuth(tokenAuth)
		c := srv.client(t, secretKey)
		require.NoError(t, c.Authenticate(ctx))
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			s := fmt.Sprintf(f, c)
			assert.NotContains(t, s, secretKey, f)
			assert.NotContains(t, s, secretToken, f)
		}
	})
}
