// Package metrics exports what the cluster holds for this issuer as
// Prometheus gauges, read from the manager's cache at each scrape: Issuer
// readiness and balances, the requests waiting and why, the open
// challenges. Only the leader exports them, so that a sum over replicas
// counts each thing once. It also counts every replica's requests to the
// Kubernetes API server by verb and resource, and their waits for the
// client-side limit (KubeAPI, LimiterWaits).
package metrics

import (
	"context"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// Namespace prefixes every metric of this issuer.
const Namespace = "reseller_issuer"

// Common labels naming an Issuer; issuer_namespace is "" for a
// ResellerClusterIssuer. They do not reuse "namespace", which Prometheus
// sets to the scraped pod's namespace.
var issuerLabels = []string{"issuer_kind", "issuer_namespace", "issuer"}

// scrapeTimeout bounds the cache reads of one scrape.
const scrapeTimeout = 10 * time.Second

// Cluster is a prometheus.Collector of the cluster state.
type Cluster struct {
	// Reader is the manager's cache.
	Reader client.Reader
	// Leader reports whether this replica leads; the others export nothing.
	Leader func() bool
	// Now is the clock.
	Now func() time.Time
	// Waits holds the reasons Sign recorded for waiting requests.
	Waits *Waits
}

var (
	issuerReady = prometheus.NewDesc(Namespace+"_issuer_ready",
		"1 when the Issuer's Ready condition is True, else 0.",
		append(issuerLabels, "provider"), nil)
	accountBalance = prometheus.NewDesc(Namespace+"_account_balance",
		"The reseller account balance at the Issuer's last check, for resellers that report one (cyberssl).",
		append(issuerLabels, "provider", "currency"), nil)
	accountMinBalance = prometheus.NewDesc(Namespace+"_account_min_balance",
		"spec.limits.minBalance of the Issuer, in the account's currency.",
		append(issuerLabels, "provider"), nil)
	maxNewOrdersPerDay = prometheus.NewDesc(Namespace+"_limit_max_new_orders_per_day",
		"spec.limits.maxNewOrdersPerDay of the Issuer (the spend guard).",
		append(issuerLabels, "provider"), nil)
	requestsWaiting = prometheus.NewDesc(Namespace+"_requests_waiting",
		"CertificateRequests and CertificateSigningRequests of these issuers that are neither issued nor failed, by what they wait for.",
		[]string{"reason"}, nil)
	oldestWaiting = prometheus.NewDesc(Namespace+"_requests_oldest_waiting_seconds",
		"Age of the oldest waiting request, by what it waits for.",
		[]string{"reason"}, nil)
	challengesOpen = prometheus.NewDesc(Namespace+"_challenges",
		"Open challenges by method (HTTP-01, DNS-01, Email) and state: the ResellerChallenges, and the built-in responder's on ResellerOrders.",
		[]string{"method", "state"}, nil)
)

// Describe implements prometheus.Collector.
func (c *Cluster) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{issuerReady, accountBalance, accountMinBalance, maxNewOrdersPerDay, requestsWaiting, oldestWaiting, challengesOpen} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Cluster) Collect(ch chan<- prometheus.Metric) {
	if c.Leader != nil && !c.Leader() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	issuers, err := c.issuers(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(issuerReady, err)
		return
	}
	collectIssuers(ch, issuers)
	var challenges v1alpha1.ResellerChallengeList
	if err := c.Reader.List(ctx, &challenges, client.UnsafeDisableDeepCopy); err != nil {
		ch <- prometheus.NewInvalidMetric(challengesOpen, err)
		return
	}
	var orders v1alpha1.ResellerOrderList
	if err := c.Reader.List(ctx, &orders, client.UnsafeDisableDeepCopy); err != nil {
		ch <- prometheus.NewInvalidMetric(challengesOpen, err)
		return
	}
	open := slices.Concat(challenges.Items, servedFromOrders(orders.Items, challenges.Items))
	collectChallenges(ch, open)
	if err := c.collectRequests(ctx, ch, issuers, open); err != nil {
		ch <- prometheus.NewInvalidMetric(requestsWaiting, err)
	}
}
