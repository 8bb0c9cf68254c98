package cyberssl

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
)

const day = 24 * time.Hour

// TestSubscription follows one order through its subscription: period
// years from add_ssl_order, each certificate at most 199 days and never
// past the subscription's end, reissues free and counted apart from paid
// orders, no reissue once the subscription is over.
func TestSubscription(t *testing.T) {
	// Reissued 30 days before each end: days 169 (to 365) for one year;
	// 169, 338, 507 and 676 (to 730) for two.
	for period, wantReissues := range map[int]int{1: 1, 2: 4} {
		t.Run(id(int64(period))+" years", func(t *testing.T) {
			f := newFixture(t, 0)
			f.srv.env.Validity = 400 * day // asks for more than any certificate may live
			c := f.client(keyAlice)
			names := []string{"sub.example.com"}
			csr := newCSR(t, names[0])
			p := orderParams(csr.pem)
			p.Set("period", id(int64(period)))
			ordered := f.clock.Now()
			subEnd := ordered.AddDate(0, 12*period, 0)
			o, err := c.AddOrder(p)
			require.NoError(t, err)
			paid, err := c.Balance()
			require.NoError(t, err)

			f.publish(o.DVOptions)
			st, err := c.OrderStatus(o.OrderID)
			require.NoError(t, err)
			leaf := f.verifyIssued(st, csr.key, names)
			assert.Equal(t, ordered.Add(apienv.MaxLifetime), leaf.NotAfter, "capped at 199 days")

			// Renewal by reissue, one certificate after the other, until
			// the subscription's end caps the last one.
			reissues := 0
			for leaf.NotAfter.Before(subEnd) {
				f.clock.Advance(leaf.NotAfter.Sub(f.clock.Now()) - 30*day)
				c = f.client(keyAlice) // sessions do not last that long
				csr = newCSR(t, names[0])
				re, err := c.Reissue(reissueParams(o.OrderID, dvHTTP, csr.pem))
				require.NoError(t, err)
				reissues++
				f.publish(re.DVOptions)
				st, err = c.OrderStatus(o.OrderID)
				require.NoError(t, err)
				leaf = f.verifyIssued(st, csr.key, names)
				assert.Equal(t, minTime(f.clock.Now().Add(apienv.MaxLifetime), subEnd), leaf.NotAfter)
			}
			assert.Equal(t, subEnd, leaf.NotAfter, "the last certificate ends with the subscription")
			assert.Equal(t, wantReissues, reissues)

			bal, err := c.Balance()
			require.NoError(t, err)
			assert.Equal(t, paid.Balance, bal.Balance, "reissues are free")
			st0 := f.srv.Stats()["alice"]
			assert.Equal(t, 1, st0.Orders, "one paid order")
			assert.Equal(t, reissues, st0.Reissues, "reissues counted apart")

			// An expired certificate inside the subscription can be
			// reissued; after its end nothing can.
			f.clock.Advance(subEnd.Sub(f.clock.Now()) + time.Second)
			c = f.client(keyAlice)
			st, err = c.OrderStatus(o.OrderID)
			require.NoError(t, err)
			assert.Equal(t, statusExpired, st.Status)
			_, err = c.Reissue(reissueParams(o.OrderID, dvHTTP, newCSR(t, names[0]).pem))
			assert.Equal(t, 409, statusOf(err), "%v", err)
			assert.Contains(t, messageOf(err), "a reissue needs a new order")
			assert.Equal(t, reissues, f.srv.Stats()["alice"].Reissues, "a refused reissue is not counted")
		})
	}
}

func TestReissueOfAnExpiredCertificate(t *testing.T) {
	f := newFixture(t, 0)
	c := f.client(keyAlice)
	names := []string{"late.example.com"}
	o, err := c.AddOrder(orderParams(newCSR(t, names[0]).pem))
	require.NoError(t, err)
	f.publish(o.DVOptions)
	_, err = c.OrderStatus(o.OrderID)
	require.NoError(t, err)

	f.clock.Advance(apienv.DefaultValidity + day) // the certificate expired; the year has not
	c = f.client(keyAlice)
	st, err := c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	require.Equal(t, statusExpired, st.Status)
	csr := newCSR(t, names[0])
	re, err := c.Reissue(reissueParams(o.OrderID, dvHTTP, csr.pem))
	require.NoError(t, err)
	f.publish(re.DVOptions)
	st, err = c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	leaf := f.verifyIssued(st, csr.key, names)
	assert.Equal(t, f.clock.Now().Add(apienv.DefaultValidity), leaf.NotAfter)
	assert.Equal(t, AccountStats{Orders: 1, Reissues: 1, Activated: 1}, f.srv.Stats()["alice"])
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
