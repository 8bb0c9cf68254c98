package sslci

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/catest"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// assertNoToken checks err and every error it wraps.
func assertNoToken(t *testing.T, err error, token string) {
	t.Helper()
	catest.AssertNotInErrors(t, err, catest.SecretForms(token)...)
}

func TestTokenNeverInErrors(t *testing.T) {
	ctx := context.Background()
	calls := map[string]func(*Client) error{
		"list": func(c *Client) error { _, err := c.ListPage(ctx, 1); return err },
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
		c := srv.client(t, secretToken, rest.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
		_, err := c.ListPage(ctx, 1)
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
