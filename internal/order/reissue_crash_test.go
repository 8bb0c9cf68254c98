package order_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

// reissueAnswered: the reissue call returned; its outcome is being saved.
var reissueAnswered = func(st *ca.State) bool { return st.Reissue != nil && st.Reissue.Accepted && st.Intent == nil }

// A process killed after a reissue call went through and before its
// outcome was saved: the next worker adopts the reissue and delivers a
// certificate for the new key, with no second order and no second
// reissue. Found by make test-chaos: CyberSSL's reissue moves the order
// back to validation with fresh dv_options, which only the lost answer
// carried; the adopted reissue kept the names verified by the first
// certificate, published no challenge and waited for validation forever.
func TestReissueCrashAfterThePaidCall(t *testing.T) {
	for _, r := range resellers {
		if r.place == nil {
			continue // SSLCI sells no subscription to reissue
		}
		t.Run(r.provider, func(t *testing.T) {
			names := []string{"shop.example.com", "www.shop.example.com"}
			e := newEnv(t, r, rigConfig{}, names...)
			e.claim(t, "r1", 1)
			first, err := e.driveThroughCrashes(t, request(t, names...))
			require.NoError(t, err)
			leaf, err := ca.Leaf(first.ChainPEM)
			require.NoError(t, err)

			// The renewal: the ledger decided to reissue the order for a
			// new key (order.Decide), replacing a certificate that expires
			// an hour before the one the reseller will issue.
			o := e.read(t)
			st := order.StateOf(o)
			st.Reissue = &ca.Reissue{Replaces: leaf.NotAfter.Add(-time.Hour)}
			j := &order.Journal{Client: e.k8s, Reader: e.k8s, Order: o, Request: e.request.Name, RequestUID: e.request.UID, Now: e.clock.Now}
			require.NoError(t, j.Save(context.Background(), st))
			e.clock.Advance(time.Hour)

			e.before = once(reissueAnswered)
			renewal := request(t, names...)
			res, err := e.driveThroughCrashes(t, renewal)
			require.NoError(t, err)
			_, err = ca.VerifyChain(renewal, res.ChainPEM)
			require.NoError(t, err, "the reissued certificate is for the new key")
			assert.Equal(t, 1, r.paid(e.stats()), "one paid order")
			assert.Equal(t, 1, r.reissues(e.stats()), "one free reissue")
			assert.Equal(t, 1, e.notes.adopted, "the reissue was adopted")
		})
	}
}
