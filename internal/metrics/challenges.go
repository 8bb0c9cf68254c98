package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
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
