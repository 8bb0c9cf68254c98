//go:build e2e

package e2e

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// The controller's /metrics, scraped around real issuance: each paid call
// counted equals what the reseller charged, polls are counted, and no
// label carries a secret, a CSR or an unbounded value. Every family the
// issuer exposes is in the README's table.
func TestMetrics(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	before := scrape(t, s)
	stats0, err := s.SandboxStats(ctx)
	require.NoError(t, err)

	for _, provider := range []string{v1alpha1.ProviderSSLCI, v1alpha1.ProviderSSLMarket, v1alpha1.ProviderCyberSSL} {
		account := "metrics-" + provider
		ns := account
		createNamespace(t, s, ns)
		createSecret(t, s, ns, "api", accounts[account])
		issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: provider}, Spec: specFor(s, provider, "api")}
		require.NoError(t, s.Control.Client.Create(ctx, issuer))
		waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
		ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: v1alpha1.KindResellerIssuer, Name: provider}
		waitCertificateReady(t, s, createCertificate(t, s, ns, "shop", ref, "shop."+provider+".metrics.example.com"))
	}

	after := scrape(t, s)
	stats, err := s.SandboxStats(ctx)
	require.NoError(t, err)
	calls := func(m families, provider, op, outcome string) float64 {
		return m.sum("reseller_issuer_reseller_requests_total", map[string]string{"provider": provider, "operation": op, "outcome": outcome})
	}
	delta := func(provider, op, outcome string) int {
		return int(calls(after, provider, op, outcome) - calls(before, provider, op, outcome))
	}
	var sslmarketOrders, cybersslOrders, finalizes int
	for name, a := range stats.SSLmarket {
		sslmarketOrders += a.Orders - stats0.SSLmarket[name].Orders
	}
	for name, a := range stats.CyberSSL {
		cybersslOrders += a.Orders - stats0.CyberSSL[name].Orders
	}
	for name, a := range stats.SSLCI {
		finalizes += a.Finalizes - stats0.SSLCI[name].Finalizes
	}
	assert.Equal(t, sslmarketOrders, delta(v1alpha1.ProviderSSLMarket, "place_order", "success"), "SSLmarket orders counted = orders the reseller took")
	assert.Equal(t, cybersslOrders, delta(v1alpha1.ProviderCyberSSL, "place_order", "success"), "CyberSSL orders counted = orders the reseller took")
	assert.Equal(t, finalizes, delta(v1alpha1.ProviderSSLCI, "finalize", "success"), "SSLCI finalizes counted = certificates bought")
	assert.GreaterOrEqual(t, sslmarketOrders, 1)
	assert.GreaterOrEqual(t, cybersslOrders, 1)
	assert.GreaterOrEqual(t, finalizes, 1)
	for _, provider := range []string{v1alpha1.ProviderSSLCI, v1alpha1.ProviderSSLMarket, v1alpha1.ProviderCyberSSL} {
		bought := after.sum("reseller_issuer_orders_total", map[string]string{
			"issuer_kind": v1alpha1.KindResellerIssuer, "issuer_namespace": "metrics-" + provider, "issuer": provider, "provider": provider,
		})
		assert.InDelta(t, float64(orders(t, s, provider, "metrics-"+provider)), bought, 0, "%s: orders counted for the Issuer = certificates bought", provider)
		assert.InDelta(t, 1, bought, 0, "%s: one certificate, one order", provider)
	}
	assert.Positive(t, delta(v1alpha1.ProviderSSLMarket, "poll", "success"), "SSLmarket polls are counted")
	assert.Positive(t, delta(v1alpha1.ProviderCyberSSL, "poll", "success"), "CyberSSL polls are counted")
	assert.Positive(t, delta(v1alpha1.ProviderSSLCI, "verify", "success"), "SSLCI verifications are counted")

	t.Run("labels are bounded and carry no secret", func(t *testing.T) {
		secrets := append(canaries(), "BEGIN CERTIFICATE", "BEGIN CERTIFICATE REQUEST", "PRIVATE KEY")
		bounded := map[string]*regexp.Regexp{
			"provider":  regexp.MustCompile(`^(sslci|sslmarket|cyberssl)$`),
			"operation": regexp.MustCompile(`^(auth|balance|products|place_order|extra_domains|finalize|reissue|poll|verify|confirm|dcv|download|list|cancel|revoke|edit_order|tools|other)$`),
			"outcome":   regexp.MustCompile(`^(success|refused|server_error|throttled|network_error)$`),
			"reason":    regexp.MustCompile(`^(approval|issuer_not_ready|queued|limit_reached|insufficient_funds|retrying|person|validation|reseller)$`),
		}
		for name, f := range after {
			for _, m := range f.GetMetric() {
				for _, l := range m.GetLabel() {
					for _, secret := range secrets {
						assert.NotContains(t, l.GetValue(), secret, "%s{%s}", name, l.GetName())
					}
					assert.LessOrEqual(t, len(l.GetValue()), 253, "%s{%s}: an unbounded value", name, l.GetName())
					if re, ok := bounded[l.GetName()]; ok && strings.HasPrefix(name, "reseller_issuer_") {
						assert.Regexp(t, re, l.GetValue(), "%s{%s}", name, l.GetName())
					}
				}
			}
		}
	})

	t.Run("every family is in the README table", func(t *testing.T) {
		readme, err := os.ReadFile("../README.md")
		require.NoError(t, err)
		documented := map[string]bool{}
		for _, m := range regexp.MustCompile("(?m)^\\| `(reseller_issuer_[a-z_]+)` \\|").FindAllStringSubmatch(string(readme), -1) {
			documented[m[1]] = true
		}
		require.NotEmpty(t, documented)
		for name := range after {
			if strings.HasPrefix(name, "reseller_issuer_") {
				assert.True(t, documented[name], "%s is exposed but not in the README's metrics table", name)
			}
		}
	})
}

// families are the metric families of every replica, by name.
type families map[string]*dto.MetricFamily

// sum adds the samples of family name whose labels include want.
func (f families) sum(name string, want map[string]string) float64 {
	total := 0.0
	fam, ok := f[name]
	if !ok {
		return 0
	}
next:
	for _, m := range fam.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		total += m.GetCounter().GetValue() + m.GetGauge().GetValue()
	}
	return total
}

// scrape reads /metrics of every replica and merges the families.
func scrape(t *testing.T, s *framework.Stack) families {
	t.Helper()
	out := families{}
	for _, u := range s.MetricsURLs {
		text, err := framework.Fetch(context.Background(), u)
		require.NoError(t, err)
		parser := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := parser.TextToMetricFamilies(strings.NewReader(string(text)))
		require.NoError(t, err, u)
		for name, f := range fams {
			if have, ok := out[name]; ok {
				have.Metric = append(have.Metric, f.Metric...)
			} else {
				out[name] = f
			}
		}
	}
	return out
}
