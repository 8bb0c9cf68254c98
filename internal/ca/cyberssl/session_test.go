package cyberssl

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

func TestSessionIsCached(t *testing.T) {
	srv := newAPIServer(t, reply(200, "application/json", fixture(t, "get_balance.json")))
	c := srv.client(t, docKey)
	for range 3 {
		_, err := c.Balance(context.Background())
		require.NoError(t, err)
	}
	assert.Len(t, srv.calls("auth"), 1)
	assert.Len(t, srv.calls("get_balance"), 3)
}

// rotatingServer issues tok-1, tok-2, ... and accepts only the newest token;
// expire() invalidates it. refusal is how a refused token is answered.
type rotatingServer struct {
	*apiServer
	mu      sync.Mutex
	issued  int
	current string
}

func newRotatingServer(t *testing.T, refusal http.HandlerFunc) *rotatingServer {
	rs := &rotatingServer{}
	rs.apiServer = newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		rs.mu.Lock()
		ok := r.Form.Get("token") != "" && r.Form.Get("token") == rs.current
		rs.mu.Unlock()
		if !ok {
			refusal(w, r)
			return
		}
		_, _ = io.WriteString(w, `{"success":true,"balance":"10.00","order_id":1,"dv_options":[]}`)
	})
	rs.setAuth(func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		rs.issued++
		rs.current = fmt.Sprintf("tok-%d", rs.issued)
		tok := rs.current
		rs.mu.Unlock()
		fmt.Fprintf(w, `{"success":true,"token":%q}`, tok)
	})
	return rs
}

func (rs *rotatingServer) expire() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.current = ""
}

func TestSessionRenewal(t *testing.T) {
	refusals := map[string]http.HandlerFunc{
		"401 with code":       reply(401, "application/json", fixture(t, "error_auth.json")),
		"200 with code 401":   reply(200, "application/json", []byte(`{"success":false,"error_code":"401","error_message":"nope"}`)),
		"200 message only":    reply(200, "application/json", []byte(`{"success":false,"error_code":17,"error_message":"Token expired"}`)),
		"403 session message": reply(403, "application/json", []byte(`{"success":false,"error_code":"E_SESSION","error_message":"Session not found"}`)),
	}
	for name, refusal := range refusals {
		t.Run(name, func(t *testing.T) {
			rs := newRotatingServer(t, refusal)
			c := rs.client(t, docKey)
			ctx := context.Background()
			_, err := c.Balance(ctx)
			require.NoError(t, err)

			rs.expire()
			b, err := c.Balance(ctx)
			require.NoError(t, err)
			assert.Equal(t, Amount("10.00"), b.Balance)
			calls := rs.calls("get_balance")
			require.Len(t, calls, 3)
			assert.Equal(t, "tok-1", calls[1].Query.Get("token"))
			assert.Equal(t, "tok-2", calls[2].Query.Get("token"))
			assert.Len(t, rs.calls("auth"), 2)

			// POST: the retried form carries the new token.
			rs.expire()
			_, err = c.AddOrder(ctx, OrderRequest{ProductID: 1, OrderType: OrderTypeNew, Period: 1, DVMethod: DVMethodHTTP,
				Admin: docAdmin, CSR: testCSR(t, "a.com")})
			require.NoError(t, err)
			orders := rs.calls("add_ssl_order")
			require.Len(t, orders, 2)
			assert.Equal(t, "tok-2", orders[0].Form.Get("token"))
			assert.Equal(t, "tok-3", orders[1].Form.Get("token"))
			assert.Equal(t, orders[0].Form.Get("csr"), orders[1].Form.Get("csr"))
		})
	}
}

func TestSessionRenewalLimits(t *testing.T) {
	ctx := context.Background()
	refuse := reply(200, "application/json", fixture(t, "error_auth.json"))

	t.Run("a fresh token that is refused is not renewed", func(t *testing.T) {
		srv := newAPIServer(t, refuse)
		_, err := srv.client(t, docKey).Balance(ctx)
		require.Error(t, err)
		assert.True(t, IsAuth(err))
		assert.Len(t, srv.calls("auth"), 1)
		assert.Len(t, srv.calls("get_balance"), 1)
	})

	t.Run("renewed once, retried once", func(t *testing.T) {
		rs := newRotatingServer(t, refuse)
		c := rs.client(t, docKey)
		require.NoError(t, c.Authenticate(ctx))
		rs.expire()
		rs.setAuth(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"success":true,"token":"never-accepted"}`)
		})
		_, err := c.Balance(ctx)
		require.Error(t, err)
		assert.True(t, IsAuth(err))
		assert.Len(t, rs.calls("auth"), 2)
		assert.Len(t, rs.calls("get_balance"), 2)
	})

	t.Run("api key refused on renewal", func(t *testing.T) {
		rs := newRotatingServer(t, refuse)
		c := rs.client(t, docKey)
		_, err := c.Balance(ctx)
		require.NoError(t, err)
		rs.expire()
		rs.setAuth(reply(200, "application/json", []byte(`{"success":false,"error_code":"2","error_message":"Invalid api key"}`)))
		_, err = c.Balance(ctx)
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "auth", ae.Endpoint)
		assert.Equal(t, "2", ae.Code)
		assert.True(t, IsAuth(err))
		assert.False(t, IsTemporary(err))
	})

	t.Run("other errors are not retried", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", fixture(t, "error_param.json")))
		c := srv.client(t, docKey)
		require.NoError(t, c.Authenticate(ctx))
		_, err := c.Balance(ctx)
		require.Error(t, err)
		assert.False(t, IsAuth(err))
		assert.Len(t, srv.calls("get_balance"), 1)
	})

	t.Run("auth answer without token", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", fixture(t, "get_balance.json")))
		srv.setAuth(reply(200, "application/json", []byte(`{"success":true}`)))
		_, err := srv.client(t, docKey).Balance(ctx)
		assert.ErrorIs(t, err, rest.ErrMalformedResponse)
		assert.True(t, IsTemporary(err))
		assert.Empty(t, srv.calls("get_balance"))
	})

	t.Run("concurrent callers renew once", func(t *testing.T) {
		rs := newRotatingServer(t, refuse)
		c := rs.client(t, docKey)
		require.NoError(t, c.Authenticate(ctx))
		rs.expire()
		var wg sync.WaitGroup
		var failures atomic.Int32
		for range 8 {
			wg.Go(func() {
				if _, err := c.Balance(ctx); err != nil {
					failures.Add(1)
				}
			})
		}
		wg.Wait()
		assert.Zero(t, failures.Load())
		assert.Len(t, rs.calls("auth"), 2)
	})

	t.Run("Authenticate replaces the token", func(t *testing.T) {
		rs := newRotatingServer(t, refuse)
		c := rs.client(t, docKey)
		require.NoError(t, c.Authenticate(ctx))
		require.NoError(t, c.Authenticate(ctx))
		_, err := c.Balance(ctx)
		require.NoError(t, err)
		calls := rs.calls("get_balance")
		require.Len(t, calls, 1)
		assert.Equal(t, "tok-2", calls[0].Query.Get("token"))
	})
}
