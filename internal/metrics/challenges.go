package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

// challengeStates are reported even at zero, so an alert can tell "none"
// from "not scraped".
var challengeStates = []string{v1alpha1.ChallengePending, v1alpha1.ChallengePropagating, v1alpha1.ChallengePresented, v1alpha1.ChallengeWaitingForPerson, v1alpha1.ChallengeErrored}

var challengeMethods = []string{v1alpha1.MethodHTTP01, v1alpha1.MethodDNS01, v1alpha1.MethodEmail}

func collectChallenges(ch chan<- prometheus.Metric, items []v1alpha1.ResellerChallenge) {
	counts := map[[2]string]int{}
	for _, m := range challengeMethods {
		for _, s := range challengeStates {
			counts[[2]string{m, s}] = 0
		}
	}
	for i := range items {
		c := &items[i]
		if c.DeletionTimestamp != nil {
			continue
		}
		counts[[2]string{bounded(c.Spec.Method, challengeMethods), bounded(stateOf(c), challengeStates)}]++
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(challengesOpen, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
}

// stateOf is a challenge's state; a new one has none yet.
func stateOf(c *v1alpha1.ResellerChallenge) string {
	if c.Status.State == "" {
		return v1alpha1.ChallengePending
	}
	return c.Status.State
}

// bounded keeps a label value inside its known set: anything else (a value
// written by a newer or older version) is "other".
func bounded(v string, known []string) string {
	for _, k := range known {
		if v == k {
			return v
		}
	}
	return "other"
}

// servedFromOrders are the open HTTP-01 challenges the built-in responder
// serves straight from the ResellerOrders (no ResellerChallenge records
// them), as challenges of the request holding each order: Presented, as
// the responder serves them at once.
func servedFromOrders(orders []v1alpha1.ResellerOrder, recorded []v1alpha1.ResellerChallenge) []v1alpha1.ResellerChallenge {
	has := map[[2]string]bool{}
	for i := range recorded {
		has[[2]string{string(recorded[i].Spec.RequestRef.UID), recorded[i].Spec.DNSName}] = true
	}
	var out []v1alpha1.ResellerChallenge
	for i := range orders {
		o := &orders[i]
		claim := order.ClaimOf(o)
		if claim == nil {
			continue
		}
		for _, c := range order.StateOf(o).OpenChallenges() {
			if c.Type != ca.HTTP01 || has[[2]string{string(claim.Request.UID), c.Name}] {
				continue
			}
			out = append(out, v1alpha1.ResellerChallenge{
				Spec:   v1alpha1.ChallengeSpec{RequestRef: claim.Request, DNSName: c.Name, Method: v1alpha1.MethodHTTP01, Solver: v1alpha1.SolverHTTP01},
				Status: v1alpha1.ChallengeStatus{State: v1alpha1.ChallengePresented},
			})
		}
	}
	return out
}
