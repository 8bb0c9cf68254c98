package metrics

import (
	"context"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// LimiterWaits observes how long the controller's requests to the API
// server waited for client-go's client-side rate limiter
// (--kube-api-qps/--kube-api-burst), by verb and resource: controller-runtime
// gives each resource its own limiter, so a busy one shows by name.
// controller-runtime leaves client-go's own limiter metric unregistered.
type LimiterWaits struct {
	waits *prometheus.HistogramVec
}

// NewLimiterWaits creates the histogram and registers it with reg. Hand the
// result to client-go as k8s.io/client-go/tools/metrics.RateLimiterLatency.
func NewLimiterWaits(reg prometheus.Registerer) (*LimiterWaits, error) {
	w := &LimiterWaits{waits: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace,
		Name:      "kube_api_limiter_wait_seconds",
		Help:      "Time requests to the Kubernetes API server waited for the client-side rate limit (--kube-api-qps, --kube-api-burst), by verb and resource.",
		Buckets:   []float64{0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
	}, []string{"verb", "resource"})}
	return w, reg.Register(w.waits)
}

// Observe is client-go's LatencyMetric: verb is the HTTP method, u the
// request's URL with its names replaced by placeholders.
func (w *LimiterWaits) Observe(_ context.Context, verb string, u url.URL, latency time.Duration) {
	v, resource := KubeAPIRequest(verb, u.Path, u.Query().Get("watch"))
	w.waits.WithLabelValues(v, resource).Observe(latency.Seconds())
}
