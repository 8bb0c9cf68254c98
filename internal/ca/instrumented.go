package ca

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strconv"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics of the calls made to resellers.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics creates the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reseller_issuer_api_requests_total",
			Help: "Calls to reseller APIs by provider, HTTP method and response code (\"error\" when no response arrived).",
		}, []string{"provider", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "reseller_issuer_api_request_duration_seconds",
			Help:    "Latency of calls to reseller APIs by provider and HTTP method.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 10),
		}, []string{"provider", "method"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// HTTPClient returns the http.Client a reseller client should use: it
// records metrics and a debug log line per call (method and path only: query
// strings can carry credentials), does not follow redirects (see
// NoRedirectClient), and times out.
// roots, when not nil, replaces the system roots (a private CA bundle);
// certificates are always verified.
func (m *Metrics) HTTPClient(provider string, timeout time.Duration, log logr.Logger, roots *x509.CertPool) *http.Client {
	next := http.DefaultTransport
	if roots != nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
		next = t
	}
	hc := NoRedirectClient(timeout)
	hc.Transport = &instrumented{provider: provider, next: next, metrics: m, log: log}
	return hc
}

type instrumented struct {
	provider string
	next     http.RoundTripper
	metrics  *Metrics
	log      logr.Logger
}

func (t *instrumented) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	elapsed := time.Since(start)
	code := "error"
	if err == nil {
		code = strconv.Itoa(resp.StatusCode)
	}
	if t.metrics != nil {
		t.metrics.requests.WithLabelValues(t.provider, req.Method, code).Inc()
		t.metrics.duration.WithLabelValues(t.provider, req.Method).Observe(elapsed.Seconds())
	}
	t.log.V(1).Info("reseller call", "provider", t.provider, "method", req.Method, "path", req.URL.Path, "code", code, "duration", elapsed)
	return resp, err
}
