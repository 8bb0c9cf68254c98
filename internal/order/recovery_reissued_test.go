package order_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

// An SSLmarket renewal that orders anew (the reissue kept the expiry,
// ReissueNotLater) for the key the old order was just reissued with, killed
// after its claim and before the order was carried out: recovery must not
// adopt the old order, whose CSR now carries the claimed key, but order.
// Found by make test-chaos: two ResellerOrders held order 100001, and the
// renewal was handed the reissued certificate with the old expiry.
func TestRecoveryIgnoresTheOrderReissuedForTheKey(t *testing.T) {
	r := resellers[1]
	require.Equal(t, v1alpha1.ProviderSSLMarket, r.provider)
	names := []string{"shop.example.com", "www.shop.example.com"}
	e := newEnv(t, r, rigConfig{}, names...)
	e.claim(t, "r1", 1)
	first, err := e.driveThroughCrashes(t, request(t, names...))
	require.NoError(t, err)
	leaf, err := ca.Leaf(first.ChainPEM)
	require.NoError(t, err)
	old, err := strconv.ParseInt(e.read(t).Status.OrderID, 10, 64)
	require.NoError(t, err)

	renewal := request(t, names...)
	c, err := sslmarket.New(e.apiURL+sandbox.SSLmarketPath, token)
	require.NoError(t, err)
	require.NoError(t, c.Reissue(context.Background(), old, renewal.CSR))
	e.clock.Advance(time.Minute)

	e.claim(t, "r2", 2)
	e.after = once(claimed)
	renewal.Known = []time.Time{leaf.NotAfter}
	renewal.KnownOrders = []string{strconv.FormatInt(old, 10)}
	res, err := e.driveThroughCrashes(t, renewal)
	require.NoError(t, err)
	_, err = ca.VerifyChain(renewal, res.ChainPEM)
	require.NoError(t, err)
	assert.NotEqual(t, strconv.FormatInt(old, 10), e.read(t).Status.OrderID, "the old order is not adopted")
	assert.Equal(t, 2, r.paid(e.stats()), "the renewal's own order")
	assert.Zero(t, e.notes.adopted)
}
