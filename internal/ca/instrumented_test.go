package ca

import (
	"context"
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
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	require.NoError(t, err)
	var logs []string
	log := funcr.New(func(prefix, args string) { logs = append(logs, args) }, funcr.Options{Verbosity: 1})
	c := m.HTTPClient("sslci", time.Second, log, nil)

	for _, path := range []string{"/api?token=SECRET", "/moved"} {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		resp, err := c.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		if path == "/moved" {
			assert.Equal(t, http.StatusFound, resp.StatusCode, "redirects are not followed")
		}
	}
	assert.InDelta(t, 1, testutil.ToFloat64(m.requests.WithLabelValues("sslci", "GET", "401")), 0)
	assert.InDelta(t, 1, testutil.ToFloat64(m.requests.WithLabelValues("sslci", "GET", "302")), 0)
	require.Len(t, logs, 2)
	for _, l := range logs {
		assert.NotContains(t, l, "SECRET", "query strings never reach the log")
	}
	assert.True(t, strings.Contains(logs[0], `"path"="/api"`), logs[0])
}
