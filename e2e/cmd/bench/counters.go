package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// Counter families the issuer exports, summed over the replicas.
const (
	kubeAPIRequests  = "reseller_issuer_kube_api_requests_total"
	resellerRequests = "reseller_issuer_reseller_requests_total"
)

// callCounter counts, from the replicas' metrics, the issuer's requests to
// the API server by verb and resource and its calls to the reseller by
// operation during the phase, per Certificate. A replica restarted during
// the phase would lose its counts: the bench does not restart any.
type callCounter struct {
	stack  *framework.Stack
	before map[string]float64
}

func (c *callCounter) start(ctx context.Context, _ *phaseRun) error {
	var err error
	c.before, err = c.scrape(ctx)
	return err
}

func (c *callCounter) stop(ctx context.Context, p *phaseRun, r *result) error {
	after, err := c.scrape(ctx)
	if err != nil {
		return err
	}
	diff := map[string]float64{}
	for k, v := range after {
		if d := v - c.before[k]; d > 0 {
			diff[k] = d
		}
	}
	api, apiTotal := breakdown(diff, kubeAPIRequests, p.n)
	calls, callTotal := breakdown(diff, resellerRequests+"|"+p.phase, p.n)
	r.set("API req/cert", fmt.Sprintf("%.2f", apiTotal))
	r.apiPerCert = apiTotal
	r.detail("API requests/cert: %s", api)
	if p.phase != phaseCA {
		r.resellerCalls = map[string]float64{}
		for k, v := range diff {
			if op, ok := strings.CutPrefix(k, resellerRequests+"|"+p.phase+"|"); ok {
				r.resellerCalls[op] = v
			}
		}
		r.set("reseller calls/cert", fmt.Sprintf("%.2f", callTotal))
		r.detail("reseller calls/cert: %s", calls)
	}
	return nil
}

// scrape sums every replica's counters of the two families, keyed
// "family|label|label" (verb|resource, provider|operation).
func (c *callCounter) scrape(ctx context.Context) (map[string]float64, error) {
	replicas, err := replicaMetrics(ctx, c.stack)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, fams := range replicas {
		for _, name := range []string{kubeAPIRequests, resellerRequests} {
			f, ok := fams[name]
			if !ok {
				continue
			}
			for _, m := range f.Metric {
				out[counterKey(name, m)] += m.GetCounter().GetValue()
			}
		}
	}
	return out, nil
}

// replicaMetrics reads and parses every replica's metrics.
func replicaMetrics(ctx context.Context, stack *framework.Stack) ([]map[string]*dto.MetricFamily, error) {
	var out []map[string]*dto.MetricFamily
	for _, u := range stack.MetricsURLs {
		text, err := framework.Fetch(ctx, u)
		if err != nil {
			return nil, err
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := parser.TextToMetricFamilies(strings.NewReader(string(text)))
		if err != nil {
			return nil, fmt.Errorf("metrics of %s: %w", u, err)
		}
		out = append(out, fams)
	}
	return out, nil
}

func counterKey(family string, m *dto.Metric) string {
	labels := map[string]string{}
	for _, l := range m.Label {
		labels[l.GetName()] = l.GetValue()
	}
	if family == resellerRequests {
		return family + "|" + labels["provider"] + "|" + labels["operation"]
	}
	return family + "|" + labels["verb"] + "|" + labels["resource"]
}

// breakdown lists the counters under prefix per Certificate, largest first,
// and their sum without the leader election's Lease requests.
func breakdown(diff map[string]float64, prefix string, n int) (string, float64) {
	type item struct {
		name string
		v    float64
	}
	var items []item
	total := 0.0
	for k, v := range diff {
		if rest, ok := strings.CutPrefix(k, prefix+"|"); ok {
			items = append(items, item{strings.ReplaceAll(rest, "|", " "), v / float64(n)})
			// Leader election renews its Lease by the second, whatever
			// is issued: listed, not counted per Certificate.
			if !strings.HasSuffix(rest, "|leases") {
				total += v / float64(n)
			}
		}
	}
	sort.Slice(items, func(i, j int) bool {
		return items[i].v > items[j].v || items[i].v == items[j].v && items[i].name < items[j].name
	})
	var parts []string
	for _, it := range items {
		parts = append(parts, fmt.Sprintf("%s %.2f", it.name, it.v))
	}
	if len(parts) == 0 {
		return "none", 0
	}
	return strings.Join(parts, ", "), total
}
