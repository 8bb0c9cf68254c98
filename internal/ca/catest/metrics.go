package catest

import (
	"net/http"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Instrumented is an http.Client with the reseller-call metrics of the
// controller, on a registry of its own.
type Instrumented struct {
	Registry *prometheus.Registry
	Metrics  *ca.Metrics
}

// NewInstrumented creates the metrics on a fresh registry.
func NewInstrumented(t *testing.T) *Instrumented {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := ca.NewMetrics(reg)
	require.NoError(t, err)
	return &Instrumented{Registry: reg, Metrics: m}
}

// Calls gathers reseller_issuer_reseller_requests_total as
// "operation/outcome" -> count, for provider.
func (i *Instrumented) Calls(t *testing.T, provider string) map[string]int {
	t.Helper()
	families, err := i.Registry.Gather()
	require.NoError(t, err)
	out := map[string]int{}
	for _, f := range families {
		if f.GetName() != "reseller_issuer_reseller_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["provider"] == provider {
				out[labels["operation"]+"/"+labels["outcome"]] += int(m.GetCounter().GetValue())
			}
		}
	}
	return out
}

// Timeout is the timeout of the instrumented clients of tests.
const Timeout = 5 * time.Second

// HTTPClient is the instrumented client for provider.
func (i *Instrumented) HTTPClient(provider string) *http.Client {
	return i.Metrics.HTTPClient(provider, Timeout, logr.Discard(), nil)
}
