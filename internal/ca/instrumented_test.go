package ca

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInstrumentedClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		case "/ok":
			_, _ = io.WriteString(w, `{"success": false}`)
		case "/busy":
			w.WriteHeader(http.StatusTooManyRequests)
		case "/down":
			w.WriteHeader(http.StatusBadGateway)
		default:
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	require.NoError(t, err)
	var logs []string
	log := funcr.New(func(prefix, args string) { logs = append(logs, args) }, funcr.Options{Verbosity: 1})
	c := m.HTTPClient("sslci", time.Second, log, nil)

	send := func(op Operation, path string, bodyErr error) {
		ctx := context.Background()
		end := func(error) {}
		if op != "" {
			ctx, end = StartCall(ctx, op)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		resp, err := c.Do(req)
		if err != nil {
			end(err)
			return
		}
		require.NoError(t, resp.Body.Close())
		if path == "/moved" {
			assert.Equal(t, http.StatusFound, resp.StatusCode, "redirects are not followed")
		}
		end(bodyErr)
	}
	send(OpList, "/api?token=SECRET", errors.New("401"))
	send(OpPoll, "/ok", nil)
	send(OpPoll, "/ok", errors.New(`"success": false`))
	send(OpPlaceOrder, "/busy", errors.New("429"))
	send(OpPlaceOrder, "/down", errors.New("502"))
	send("", "/moved", nil)

	count := func(op Operation, outcome string) float64 {
		return testutil.ToFloat64(m.requests.WithLabelValues("sslci", string(op), outcome))
	}
	assert.InDelta(t, 1, count(OpList, OutcomeRefused), 0)
	assert.InDelta(t, 1, count(OpPoll, OutcomeSuccess), 0)
	assert.InDelta(t, 1, count(OpPoll, OutcomeRefused), 0, "a 2xx whose body is an error is refused, not a success")
	assert.InDelta(t, 1, count(OpPlaceOrder, OutcomeThrottled), 0)
	assert.InDelta(t, 1, count(OpPlaceOrder, OutcomeServerError), 0)
	assert.InDelta(t, 1, count(OpOther, OutcomeRefused), 0, "an unnamed call is counted on its HTTP answer")
	assert.Equal(t, 4, testutil.CollectAndCount(m.duration), "one latency series per provider and operation: list, poll, place_order, other")
	require.Len(t, logs, 6)
	for _, l := range logs {
		assert.NotContains(t, l, "SECRET", "query strings never reach the log")
	}
	assert.True(t, strings.Contains(logs[0], `"path"="/api"`), logs[0])
	assert.True(t, strings.Contains(logs[0], `"operation"="list"`), logs[0])
}

func TestInstrumentedClientNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	m, err := NewMetrics(prometheus.NewRegistry())
	require.NoError(t, err)
	c := m.HTTPClient("cyberssl", time.Second, funcr.New(func(string, string) {}, funcr.Options{}), nil)
	ctx, end := StartCall(context.Background(), OpPoll)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	require.NoError(t, err)
	resp, err := c.Do(req)
	if err == nil {
		_ = resp.Body.Close()
	}
	require.Error(t, err)
	end(err)
	assert.InDelta(t, 1, testutil.ToFloat64(m.requests.WithLabelValues("cyberssl", "poll", OutcomeNetwork)), 0)
}

// Paid calls a reseller confirmed are counted for the Issuer the context
// names; refused ones, free ones and calls for no Issuer are not.
func TestOrdersAreCountedByIssuer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/refused" {
			w.WriteHeader(http.StatusPaymentRequired)
		}
	}))
	defer srv.Close()
	m, err := NewMetrics(prometheus.NewRegistry())
	require.NoError(t, err)
	c := m.HTTPClient("cyberssl", time.Second, funcr.New(func(string, string) {}, funcr.Options{}), nil)
	shop := IssuerLabels{Kind: "ResellerIssuer", Namespace: "shop", Name: "web"}
	send := func(ctx context.Context, op Operation, path string) {
		ctx, end := StartCall(ctx, op)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+path, nil)
		require.NoError(t, err)
		resp, err := c.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		end(nil)
	}
	forShop := WithIssuer(context.Background(), shop)
	send(forShop, OpPlaceOrder, "/")
	send(forShop, OpPlaceOrder, "/")
	send(forShop, OpPlaceOrder, "/refused")
	send(forShop, OpPoll, "/")
	send(forShop, OpReissue, "/")
	send(context.Background(), OpPlaceOrder, "/")
	assert.InDelta(t, 2, testutil.ToFloat64(m.orders.WithLabelValues("ResellerIssuer", "shop", "web", "cyberssl")), 0)
	assert.InDelta(t, 1, testutil.ToFloat64(m.reissues.WithLabelValues("ResellerIssuer", "shop", "web", "cyberssl")), 0)
	assert.Equal(t, 1, testutil.CollectAndCount(m.orders), "no series for a call without an Issuer")
}
