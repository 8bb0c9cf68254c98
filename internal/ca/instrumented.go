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
	orders   *prometheus.CounterVec
	reissues *prometheus.CounterVec
	adopted  *prometheus.CounterVec
	unknown  *prometheus.CounterVec
}

// NewMetrics creates the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reseller_issuer_reseller_requests_total",
			Help: "Calls to reseller APIs by provider, operation (place_order, poll, ...) and outcome (success, refused, server_error, throttled, network_error).",
		}, []string{"provider", "operation", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "reseller_issuer_reseller_request_duration_seconds",
			Help:    "Latency of calls to reseller APIs, answer read and decoded, by provider and operation.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 10),
		}, []string{"provider", "operation"}),
	}
	// byIssuer counts what the order protocol decides, by Issuer.
	byIssuer := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{"issuer_kind", "issuer_namespace", "issuer", "provider"})
	}
	m.orders = byIssuer("reseller_issuer_orders_total",
		"Billable orders the resellers accepted (SSLmarket and CyberSSL orders, SSLCI finalizes), by Issuer: an answer that confirmed the purchase.")
	m.reissues = byIssuer("reseller_issuer_reissues_total",
		"Reissues the resellers accepted on paid orders (free), by Issuer.")
	m.adopted = byIssuer("reseller_issuer_adoptions_total",
		"Orders the order protocol adopted, by Issuer: found at the reseller after a paid call whose answer was lost, or continued after the request that placed them was gone.")
	m.unknown = byIssuer("reseller_issuer_unknown_outcomes_total",
		"Paid calls (orders, SSLCI finalizes, reissues) that ended without a known outcome, by Issuer: the reseller may have charged; recovery searches its order list before paying again.")
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.orders, m.reissues, m.adopted, m.unknown} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Known starts the order counters of Issuer i at provider at 0, so that
// the series exist before their first event: an alert on increase() sees
// the first unknown outcome or adoption too (a series born at 1 shows no
// increase).
func (m *Metrics) Known(i IssuerLabels, provider string) {
	if m != nil {
		for _, c := range []*prometheus.CounterVec{m.orders, m.reissues, m.adopted, m.unknown} {
			c.WithLabelValues(i.Kind, i.Namespace, i.Name, provider)
		}
	}
}

// Adopted counts an order adopted for Issuer i at provider.
func (m *Metrics) Adopted(i IssuerLabels, provider string) {
	if m != nil {
		m.adopted.WithLabelValues(i.Kind, i.Namespace, i.Name, provider).Inc()
	}
}

// UnknownOutcome counts a paid call of Issuer i at provider whose outcome
// is unknown.
func (m *Metrics) UnknownOutcome(i IssuerLabels, provider string) {
	if m != nil {
		m.unknown.WithLabelValues(i.Kind, i.Namespace, i.Name, provider).Inc()
	}
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

// instrumented is the decorator at the CA boundary: the clients stay plain
// and only name the operation of each call (StartCall).
type instrumented struct {
	provider string
	next     http.RoundTripper
	metrics  *Metrics
	log      logr.Logger
}

func (t *instrumented) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	code := "error"
	if err == nil {
		code = strconv.Itoa(resp.StatusCode)
	}
	op := OpOther
	if c := callFrom(req.Context()); c != nil {
		op = c.op
		c.sink, c.answered = t, err == nil
		if err == nil {
			c.status = resp.StatusCode
		}
	} else {
		// A call nobody named: counted on its HTTP answer alone.
		c := &call{op: op, answered: err == nil}
		if err == nil {
			c.status = resp.StatusCode
		}
		t.observe(op, c.outcome(nil), time.Since(start))
	}
	t.log.V(1).Info("reseller call", "provider", t.provider, "operation", string(op), "method", req.Method, "path", req.URL.Path, "code", code, "duration", time.Since(start))
	return resp, err
}

// bought counts a paid order or a reissue the reseller confirmed.
func (t *instrumented) bought(op Operation, i IssuerLabels) {
	if t.metrics == nil {
		return
	}
	switch op {
	case OpPlaceOrder, OpFinalize:
		t.metrics.orders.WithLabelValues(i.Kind, i.Namespace, i.Name, t.provider).Inc()
	case OpReissue:
		t.metrics.reissues.WithLabelValues(i.Kind, i.Namespace, i.Name, t.provider).Inc()
	}
}

func (t *instrumented) observe(op Operation, outcome string, elapsed time.Duration) {
	if t.metrics == nil {
		return
	}
	t.metrics.requests.WithLabelValues(t.provider, string(op), outcome).Inc()
	t.metrics.duration.WithLabelValues(t.provider, string(op)).Observe(elapsed.Seconds())
}
