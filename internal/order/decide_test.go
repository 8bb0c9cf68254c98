package order

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

func testKey() Key {
	return NewKey(v1alpha1.IssuerReference{Kind: "ResellerIssuer", Name: "i", SecretNamespace: "ns"}, "sslmarket", "p", 1, []string{"b.example.com", "A.example.com"})
}

func ref(uid string) v1alpha1.RequestReference {
	return v1alpha1.RequestReference{Group: "cert-manager.io", Kind: "CertificateRequest", Namespace: "ns", Name: "r-" + uid, UID: types.UID(uid)}
}

func orderOf(seq int, claimant string, state v1alpha1.OrderState, chain string) v1alpha1.ResellerOrder {
	o := v1alpha1.ResellerOrder{ObjectMeta: metav1.ObjectMeta{Name: testKey().OrderName(seq)}}
	o.Status.State, o.Status.Chain = state, chain
	if claimant != "" {
		o.Status.Claim = &v1alpha1.OrderClaim{Request: ref(claimant)}
	}
	return o
}

// subscribed gives o a subscription running two more years.
func subscribed(o v1alpha1.ResellerOrder) v1alpha1.ResellerOrder {
	end := metav1.NewTime(time.Now().AddDate(2, 0, 0))
	o.Status.SubscriptionEnd = &end
	return o
}

func TestDecide(t *testing.T) {
	chain := string(testChain(t, time.Now().Add(90*24*time.Hour)))
	tests := []struct {
		name        string
		orders      []v1alpha1.ResellerOrder
		fingerprint string
		alive       map[string]bool
		aliveErr    error
		holder      *Holder
		want        Action
		wantOrder   string
		wantSeq     int
		wantErr     bool
	}{
		{name: "no order: buy the first", want: NewOrder, wantSeq: 1},
		{name: "the request's own order: continue", orders: []v1alpha1.ResellerOrder{orderOf(1, "me", v1alpha1.OrderValidating, "")}, want: Continue, wantOrder: testKey().OrderName(1)},
		{name: "an open order of a live request: wait", orders: []v1alpha1.ResellerOrder{orderOf(1, "other", v1alpha1.OrderOrdered, "")}, alive: map[string]bool{"other": true}, want: Wait, wantOrder: testKey().OrderName(1)},
		{name: "an open order of a gone request: adopt it", orders: []v1alpha1.ResellerOrder{orderOf(1, "other", v1alpha1.OrderOrdered, "")}, want: TakeOver, wantOrder: testKey().OrderName(1)},
		{name: "an open order nobody claims: adopt it", orders: []v1alpha1.ResellerOrder{orderOf(1, "", v1alpha1.OrderClaimed, "")}, want: TakeOver, wantOrder: testKey().OrderName(1)},
		{name: "the claimant cannot be read: no decision", orders: []v1alpha1.ResellerOrder{orderOf(1, "other", v1alpha1.OrderOrdered, "")}, aliveErr: errors.New("API down"), wantErr: true},
		{name: "an issued order for the same key: serve it", orders: []v1alpha1.ResellerOrder{orderOf(1, "other", v1alpha1.OrderIssued, chain)}, fingerprint: Fingerprint(chain), want: Serve, wantOrder: testKey().OrderName(1)},
		{name: "an issued order for another key: buy the next", orders: []v1alpha1.ResellerOrder{orderOf(1, "other", v1alpha1.OrderIssued, chain)}, fingerprint: "other-key", want: NewOrder, wantSeq: 2},
		{name: "cert-manager says the Secret is missing while it holds this order's fresh certificate: hold", orders: []v1alpha1.ResellerOrder{orderOf(1, "other", v1alpha1.OrderIssued, chain)}, fingerprint: "new-key",
			holder: &Holder{Secret: "ns/web-tls", Fingerprint: Fingerprint(chain), NotAfter: time.Now().Add(80 * 24 * time.Hour), Reason: "DoesNotExist"}, want: Hold, wantOrder: testKey().OrderName(1)},
		{name: "the same with a renewal time ahead: hold", orders: []v1alpha1.ResellerOrder{orderOf(1, "other", v1alpha1.OrderIssued, chain)}, fingerprint: "new-key",
			holder: &Holder{Fingerprint: Fingerprint(chain), NotAfter: time.Now().Add(80 * 24 * time.Hour), RenewalTime: time.Now().Add(50 * 24 * time.Hour), Reason: "MissingData"}, want: Hold, wantOrder: testKey().OrderName(1)},
		{name: "a renewal that is due is not held", orders: []v1alpha1.ResellerOrder{orderOf(1, "other", v1alpha1.OrderIssued, chain)}, fingerprint: "new-key",
			holder: &Holder{Fingerprint: Fingerprint(chain), NotAfter: time.Now().Add(20 * 24 * time.Hour), RenewalTime: time.Now().Add(-time.Hour), Reason: "DoesNotExist"}, want: NewOrder, wantSeq: 2},
		{name: "a renewal a person asked for is not held", orders: []v1alpha1.ResellerOrder{orderOf(1, "other", v1alpha1.OrderIssued, chain)}, fingerprint: "new-key",
			holder: &Holder{Fingerprint: Fingerprint(chain), NotAfter: time.Now().Add(80 * 24 * time.Hour), Reason: "ManuallyTriggered"}, want: NewOrder, wantSeq: 2},
		{name: "a Secret really missing is not held", orders: []v1alpha1.ResellerOrder{orderOf(1, "other", v1alpha1.OrderIssued, chain)}, fingerprint: "new-key",
			holder: &Holder{Reason: "DoesNotExist"}, want: NewOrder, wantSeq: 2},
		{name: "a Secret holding another certificate is not held", orders: []v1alpha1.ResellerOrder{orderOf(1, "other", v1alpha1.OrderIssued, chain)}, fingerprint: "new-key",
			holder: &Holder{Fingerprint: "someone-else", NotAfter: time.Now().Add(80 * 24 * time.Hour), Reason: "DoesNotExist"}, want: NewOrder, wantSeq: 2},
		// Issue 10 with a subscription: a reissue is free but changes the
		// Secret's certificate for nothing, and where the reseller keeps the
		// first expiry (SSLmarket) it ends in a second order.
		{name: "a subscription does not make a stale cache's request a reissue: hold", orders: []v1alpha1.ResellerOrder{subscribed(orderOf(1, "other", v1alpha1.OrderIssued, chain))}, fingerprint: "new-key",
			holder: &Holder{Secret: "ns/web-tls", Fingerprint: Fingerprint(chain), NotAfter: time.Now().Add(80 * 24 * time.Hour), Reason: "DoesNotExist"}, want: Hold, wantOrder: testKey().OrderName(1)},
		{name: "a renewal inside the subscription: reissue", orders: []v1alpha1.ResellerOrder{subscribed(orderOf(1, "other", v1alpha1.OrderIssued, chain))}, fingerprint: "new-key",
			holder: &Holder{Fingerprint: Fingerprint(chain), NotAfter: time.Now().Add(20 * 24 * time.Hour), RenewalTime: time.Now().Add(-time.Hour), Reason: "Renewing"}, want: Reissue, wantOrder: testKey().OrderName(1)},
		{name: "only final orders: buy the next", orders: []v1alpha1.ResellerOrder{orderOf(1, "other", v1alpha1.OrderFailed, ""), orderOf(2, "x", v1alpha1.OrderExpired, chain)}, want: NewOrder, wantSeq: 3},
		{name: "the newest live order counts", orders: []v1alpha1.ResellerOrder{orderOf(1, "other", v1alpha1.OrderIssued, chain), orderOf(2, "me", v1alpha1.OrderOrdered, "")}, want: Continue, wantOrder: testKey().OrderName(2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Decide(Input{
				Orders: tt.orders, Request: ref("me"), KeyFingerprint: tt.fingerprint, Now: time.Now(),
				Alive:  func(r v1alpha1.RequestReference) (bool, error) { return tt.alive[string(r.UID)], tt.aliveErr },
				Holder: func() (*Holder, error) { return tt.holder, nil },
			})
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, d.Action, d.Reason)
			if tt.wantOrder != "" {
				require.NotNil(t, d.Order)
				assert.Equal(t, tt.wantOrder, d.Order.Name)
			}
			if tt.want == NewOrder {
				assert.Equal(t, tt.wantSeq, d.Seq)
				assert.NotEmpty(t, d.Reason, "a new order says why")
			}
		})
	}
}

func TestKey(t *testing.T) {
	k := testKey()
	same := NewKey(k.Issuer, "sslmarket", "p", 1, []string{"a.example.com", "b.example.com"})
	assert.Equal(t, k.Hash(), same.Hash(), "the names' order and case do not matter")
	for _, other := range []Key{
		NewKey(v1alpha1.IssuerReference{Kind: "ResellerClusterIssuer", Name: "i", SecretNamespace: "ns"}, "sslmarket", "p", 1, k.Names),
		NewKey(k.Issuer, "cyberssl", "p", 1, k.Names),
		NewKey(k.Issuer, "sslmarket", "q", 1, k.Names),
		NewKey(k.Issuer, "sslmarket", "p", 2, k.Names),
		NewKey(k.Issuer, "sslmarket", "p", 1, []string{"a.example.com"}),
	} {
		assert.NotEqual(t, k.Hash(), other.Hash(), "%+v", other)
	}
	assert.Regexp(t, `^a-example-com-[0-9a-f]{10}-3$`, k.OrderName(3))
	assert.Equal(t, 3, seqOf(k.OrderName(3)))
	wild := NewKey(k.Issuer, "sslmarket", "p", 1, []string{"*.example.com"})
	assert.Regexp(t, `^wildcard-example-com-[0-9a-f]{10}-1$`, wild.OrderName(1))
}
