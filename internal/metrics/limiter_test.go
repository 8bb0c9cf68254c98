package metrics

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLimiterWaitsByVerbAndResource(t *testing.T) {
	w, err := NewLimiterWaits(prometheus.NewRegistry())
	require.NoError(t, err)
	tmpl := func(path, query string) url.URL { return url.URL{Path: path, RawQuery: query} }
	w.Observe(context.Background(), "PATCH", tmpl("/apis/reseller-issuer.dev/v1alpha1/namespaces/{namespace}/resellerorders/{name}/status", ""), 2*time.Second)
	w.Observe(context.Background(), "PATCH", tmpl("/apis/reseller-issuer.dev/v1alpha1/namespaces/{namespace}/resellerorders/{name}/status", ""), time.Second)
	w.Observe(context.Background(), "GET", tmpl("/apis/cert-manager.io/v1/certificaterequests", "watch=true"), 0)

	tests := []struct {
		verb, resource string
		count          uint64
		seconds        float64
	}{
		{"patch", "resellerorders/status", 2, 3},
		{"watch", "certificaterequests", 1, 0},
		{"get", "resellerorders/status", 0, 0},
	}
	for _, tt := range tests {
		var m dto.Metric
		require.NoError(t, w.waits.WithLabelValues(tt.verb, tt.resource).(prometheus.Histogram).Write(&m))
		assert.Equal(t, tt.count, m.GetHistogram().GetSampleCount(), tt.verb+" "+tt.resource)
		assert.InDelta(t, tt.seconds, m.GetHistogram().GetSampleSum(), 1e-9, tt.verb+" "+tt.resource)
	}
}
