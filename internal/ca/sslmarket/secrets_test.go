package sslmarket

import (
	"context"
	"encoding/json"
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

// assertNoToken checks err and every error it wraps, the token also as a
// quoted string.
func assertNoToken(t *testing.T, err error, token string) {
	t.Helper()
	catest.AssertNotInErrors(t, err, append(catest.SecretForms(token), fmt.Sprintf("%q", token))...)
}

func TestTokenNeverInErrors(t *testing.T) {
	ctx := context.Background()
	csr := testCSR(t, "example.com")
	cert := testCert(t, "example.com")
	calls := map[string]func(*Client) error{
		"products": func(c *Client) error { _, err := c.Products(ctx); return err },
		"place": func(c *Client) error {
			_, err := c.PlaceOrder(ctx, "rapidssl-rapidssl-dv", Order{Domain: "example.com", Years: 1, Contacts: docContacts()})
			return err
		},
		"orders":   func(c *Client) error { _, err := c.OrdersPage(ctx, 1); return err },
		"order":    func(c *Client) error { _, err := c.Order(ctx, 1); return err },
		"edit":     func(c *Client) error { return c.EditOrder(ctx, 1, OrderEdit{CSR: string(csr)}) },
		"reissue":  func(c *Client) error { return c.Reissue(ctx, 1, csr) },
		"cancel":   func(c *Client) error { return c.CancelReissue(ctx, 1) },
		"resend":   func(c *Client) error { return c.ResendDCVEmail(ctx, 1) },
		"revoke":   func(c *Client) error { return c.Revoke(ctx, 1) },
		"download": func(c *Client) error { _, err := c.Download(ctx, 1, FormatPEMServer); return err },
		"csr":      func(c *Client) error { _, err := c.DecodeCSR(ctx, csr); return err },
		"cert":     func(c *Client) error { _, err := c.DecodeCertificate(ctx, cert); return err },
		"ocsp":     func(c *Client) error { _, err := c.CheckOCSP(ctx, cert); return err },
	}

	t.Run("server echoes the token", func(t *testing.T) {
		echo := map[string]http.HandlerFunc{
			"json 401": func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusUnauthorized)
				b, _ := json.Marshal(ErrorResponse{Error: "bad token " + r.Header.Get("X-Auth-Token"), Description: "invalid token " + r.Header.Get("X-Auth-Token")})
				_, _ = w.Write(b)
			},
			"html 502": func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusBadGateway)
				fmt.Fprintf(w, "<p>%s %s</p>", url.QueryEscape(secretToken), r.Header.Get("X-Auth-Token"))
			},
			"2xx malformed": func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "<p>token=%s</p>", r.Header.Get("X-Auth-Token"))
			},
		}
		for hname, h := range echo {
			srv := newAPIServer(t, h)
			c := srv.client(t, secretToken)
			for cname, call := range calls {
				t.Run(hname+"/"+cname, func(t *testing.T) {
					err := call(c)
					if hname == "2xx malformed" && (cname == "edit" || cname == "reissue" || cname == "cancel" || cname == "resend" || cname == "revoke") {
						assert.NoError(t, err, "bodies of these calls are ignored")
						return
					}
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
		_, err := c.Order(ctx, 1)
		assertNoToken(t, err, secretToken)
		assert.True(t, IsTemporary(err))
	})

	t.Run("canceled context", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", fixture(t, "orders.json")))
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := srv.client(t, secretToken).Orders(cctx)
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
