package metrics

import (
	"context"
	"strconv"

	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	"github.com/prometheus/client_golang/prometheus"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// issuer is what the gauges need of one Issuer of either kind.
type issuer struct {
	kind, namespace, name string
	spec                  *v1alpha1.IssuerSpec
	status                *v1alpha1.IssuerStatus
}

func (i issuer) labels(extra ...string) []string {
	return append([]string{i.kind, i.namespace, i.name}, extra...)
}

func (i issuer) ready() bool {
	return apimeta.IsStatusConditionTrue(i.status.Conditions, issuerapi.IssuerConditionTypeReady)
}

// issuerKey names an Issuer as a request's issuerRef does.
type issuerKey struct{ kind, namespace, name string }

func (c *Cluster) issuers(ctx context.Context) (map[issuerKey]issuer, error) {
	out := map[issuerKey]issuer{}
	var ns v1alpha1.ResellerIssuerList
	if err := c.Reader.List(ctx, &ns, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	for i := range ns.Items {
		it := &ns.Items[i]
		out[issuerKey{v1alpha1.KindResellerIssuer, it.Namespace, it.Name}] = issuer{v1alpha1.KindResellerIssuer, it.Namespace, it.Name, &it.Spec, &it.Status}
	}
	var cl v1alpha1.ResellerClusterIssuerList
	if err := c.Reader.List(ctx, &cl, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	for i := range cl.Items {
		it := &cl.Items[i]
		out[issuerKey{v1alpha1.KindResellerClusterIssuer, "", it.Name}] = issuer{v1alpha1.KindResellerClusterIssuer, "", it.Name, &it.Spec, &it.Status}
	}
	return out, nil
}

func collectIssuers(ch chan<- prometheus.Metric, issuers map[issuerKey]issuer) {
	for _, i := range issuers {
		provider := i.spec.Provider()
		ready := 0.0
		if i.ready() {
			ready = 1
		}
		ch <- prometheus.MustNewConstMetric(issuerReady, prometheus.GaugeValue, ready, i.labels(provider)...)
		if b := i.status.Balance; b != nil {
			if v, err := strconv.ParseFloat(b.Amount, 64); err == nil {
				ch <- prometheus.MustNewConstMetric(accountBalance, prometheus.GaugeValue, v, i.labels(provider, b.Currency)...)
			}
		}
		l := i.spec.Limits
		if l == nil {
			continue
		}
		if v, err := strconv.ParseFloat(l.MinBalance, 64); err == nil {
			ch <- prometheus.MustNewConstMetric(accountMinBalance, prometheus.GaugeValue, v, i.labels(provider)...)
		}
		if l.MaxNewOrdersPerDay != nil {
			ch <- prometheus.MustNewConstMetric(maxNewOrdersPerDay, prometheus.GaugeValue, float64(*l.MaxNewOrdersPerDay), i.labels(provider)...)
		}
	}
}
