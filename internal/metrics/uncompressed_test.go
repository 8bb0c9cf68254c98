package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUncompressed(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "scrapes_total", Help: "h"})
	reg.MustRegister(c)
	c.Inc()
	handler := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	filter, err := Uncompressed(nil, nil)
	require.NoError(t, err)
	filtered, err := filter(logr.Discard(), handler)
	require.NoError(t, err)

	tests := []struct {
		name     string
		handler  http.Handler
		encoding string // the response's Content-Encoding
	}{
		{"promhttp alone gzips for a scraper that accepts it", handler, "gzip"},
		{"filtered", filtered, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			r.Header.Set("Accept-Encoding", "gzip")
			w := httptest.NewRecorder()
			tt.handler.ServeHTTP(w, r)
			assert.Equal(t, http.StatusOK, w.Code)
			assert.Equal(t, tt.encoding, w.Header().Get("Content-Encoding"))
			if tt.encoding == "" {
				assert.True(t, strings.Contains(w.Body.String(), "scrapes_total 1"), w.Body.String())
			}
		})
	}
}
