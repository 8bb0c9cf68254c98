package signer

import (
	"context"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/catest"
)

// TestProbeStartsTheOrderCounters: an Issuer's health check creates its
// order counters at 0. A counter born at its first event (1) shows no
// increase(), so the alert on unknown outcomes and adoptions would miss
// the first one of each replica's life.
func TestProbeStartsTheOrderCounters(t *testing.T) {
	issuer := namespacedIssuer()
	e := newEnv(t, issuer, tokenSecret(testNS, map[string][]byte{secretKey: []byte(secretValue)}))
	m := catest.NewInstrumented(t)
	e.signer.Counters = m.Metrics

	_, err := e.signer.Probe(context.Background(), issuer)
	require.NoError(t, err)

	want := `
# HELP reseller_issuer_adoptions_total Orders the order protocol adopted, by Issuer: found at the reseller after a paid call whose answer was lost, or continued after the request that placed them was gone.
# TYPE reseller_issuer_adoptions_total counter
reseller_issuer_adoptions_total{issuer="reseller",issuer_kind="ResellerIssuer",issuer_namespace="team-a",provider="sslci"} 0
# HELP reseller_issuer_unknown_outcomes_total Paid calls (orders, SSLCI finalizes, reissues) that ended without a known outcome, by Issuer: the reseller may have charged; recovery searches its order list before paying again.
# TYPE reseller_issuer_unknown_outcomes_total counter
reseller_issuer_unknown_outcomes_total{issuer="reseller",issuer_kind="ResellerIssuer",issuer_namespace="team-a",provider="sslci"} 0
`
	require.NoError(t, testutil.GatherAndCompare(m.Registry, strings.NewReader(want), "reseller_issuer_adoptions_total", "reseller_issuer_unknown_outcomes_total"))
	n, err := testutil.GatherAndCount(m.Registry, "reseller_issuer_orders_total", "reseller_issuer_reissues_total")
	require.NoError(t, err)
	require.Equal(t, 2, n, "orders and reissues start at 0 too")
}
