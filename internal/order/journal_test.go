package order

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// testChain is a self-signed certificate valid until notAfter, PEM.
func testChain(t *testing.T, notAfter time.Time) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "a.example.com"}, DNSNames: []string{"a.example.com"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

type ledgerEnv struct {
	client client.Client
	ledger *Ledger
	now    time.Time
}

func newLedgerEnv(t *testing.T) *ledgerEnv {
	t.Helper()
	scheme := runtime.NewScheme()
	require.NoError(t, v1alpha1.AddToScheme(scheme))
	c := fake.NewClientBuilder().WithScheme(scheme).WithStatusSubresource(&v1alpha1.ResellerOrder{}).Build()
	e := &ledgerEnv{client: c, now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	e.ledger = &Ledger{Client: c, Reader: c, Now: func() time.Time { return e.now }}
	return e
}

func (e *ledgerEnv) journal(o *v1alpha1.ResellerOrder, uid string) *Journal {
	return &Journal{Client: e.client, Reader: e.client, Order: o, Request: "r-" + uid, RequestUID: ref(uid).UID, Now: func() time.Time { return e.now }}
}

func TestClaimCollides(t *testing.T) {
	e := newLedgerEnv(t)
	ctx := context.Background()
	k := testKey()
	o, err := e.ledger.Claim(ctx, "ns", k, 1, v1alpha1.OrderClaim{Request: ref("one")}, "web", nil)
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.OrderClaimed, o.Status.State)
	assert.Equal(t, "web", o.Labels[v1alpha1.LabelCertificate])

	_, err = e.ledger.Claim(ctx, "ns", k, 1, v1alpha1.OrderClaim{Request: ref("two")}, "web", nil)
	var race *RaceError
	require.ErrorAs(t, err, &race, "a second claim of the same order collides")

	orders, err := e.ledger.Orders(ctx, "ns", k)
	require.NoError(t, err)
	require.Len(t, orders, 1)
	assert.Equal(t, ref("one").UID, ClaimOf(&orders[0]).Request.UID, "the first claim stands")
	assert.Empty(t, orders[0].Status.State, "the claim's status waits for the first progress")

	// The first write, whatever it holds, carries the claim into the status.
	j := e.journal(o, "one")
	j.Unwritten = true
	require.NoError(t, j.Flush(ctx))
	orders, err = e.ledger.Orders(ctx, "ns", k)
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.OrderClaimed, orders[0].Status.State)
	require.NotNil(t, orders[0].Status.Claim)
	assert.Equal(t, ref("one").UID, orders[0].Status.Claim.Request.UID)
}

func TestClaimOf(t *testing.T) {
	raw, err := claimAnnotation(v1alpha1.OrderClaim{Request: ref("one"), KeyFingerprint: "ab"})
	require.NoError(t, err)
	created := metav1.ObjectMeta{Annotations: map[string]string{v1alpha1.AnnotationClaim: raw}}
	tests := []struct {
		name string
		o    v1alpha1.ResellerOrder
		want types.UID
	}{
		{name: "status never written: the create's claim", o: v1alpha1.ResellerOrder{ObjectMeta: created}, want: ref("one").UID},
		{name: "status written: its claim", o: v1alpha1.ResellerOrder{ObjectMeta: created, Status: v1alpha1.OrderStatus{State: v1alpha1.OrderValidating, Claim: &v1alpha1.OrderClaim{Request: ref("two")}}}, want: ref("two").UID},
		{name: "released: nobody", o: v1alpha1.ResellerOrder{ObjectMeta: created, Status: v1alpha1.OrderStatus{State: v1alpha1.OrderAbandoned}}},
		{name: "unreadable annotation: nobody", o: v1alpha1.ResellerOrder{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{v1alpha1.AnnotationClaim: "{"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ClaimOf(&tc.o)
			if tc.want == "" {
				assert.Nil(t, c)
				return
			}
			require.NotNil(t, c)
			assert.Equal(t, tc.want, c.Request.UID)
		})
	}
}

func TestJournal(t *testing.T) {
	ctx := context.Background()
	claim := func(t *testing.T, e *ledgerEnv) (*v1alpha1.ResellerOrder, *Journal, *ca.State) {
		o, err := e.ledger.Claim(ctx, "ns", testKey(), 1, v1alpha1.OrderClaim{Request: ref("me")}, "", nil)
		require.NoError(t, err)
		j := e.journal(o, "me")
		st := StateOf(o)
		st.Intent = &ca.Intent{Step: StepOrder, At: e.now, Attempt: 1}
		require.NoError(t, j.Save(ctx, st))
		return o, j, st
	}
	touch := func(t *testing.T, e *ledgerEnv, mutate func(o *v1alpha1.ResellerOrder)) {
		o := &v1alpha1.ResellerOrder{}
		require.NoError(t, e.client.Get(ctx, client.ObjectKey{Namespace: "ns", Name: testKey().OrderName(1)}, o))
		mutate(o)
		require.NoError(t, e.client.Status().Update(ctx, o))
	}
	read := func(t *testing.T, e *ledgerEnv) *v1alpha1.ResellerOrder {
		o := &v1alpha1.ResellerOrder{}
		require.NoError(t, e.client.Get(ctx, client.ObjectKey{Namespace: "ns", Name: testKey().OrderName(1)}, o))
		return o
	}

	t.Run("a stale save conflicts", func(t *testing.T) {
		e := newLedgerEnv(t)
		_, j, st := claim(t, e)
		touch(t, e, func(o *v1alpha1.ResellerOrder) { o.Status.LastMessage = "another write" })
		st.OrderID = "7"
		err := j.Save(ctx, st)
		require.Error(t, err)
		assert.True(t, apierrors.IsConflict(err), "%v", err)
	})
	t.Run("an outcome survives another write while the claim is ours", func(t *testing.T) {
		e := newLedgerEnv(t)
		_, j, st := claim(t, e)
		touch(t, e, func(o *v1alpha1.ResellerOrder) { o.Status.LastMessage = "another write" })
		st.OrderID, st.Intent = "7", nil
		require.NoError(t, j.SaveOutcome(ctx, st))
		got := read(t, e)
		assert.Equal(t, "7", got.Status.OrderID, "the paid result is kept")
		assert.Equal(t, v1alpha1.OrderOrdered, got.Status.State)
		assert.Empty(t, got.Status.Claim.Step, "the paid call is over")
	})
	t.Run("an outcome is not forced over a claim taken over", func(t *testing.T) {
		e := newLedgerEnv(t)
		_, j, st := claim(t, e)
		touch(t, e, func(o *v1alpha1.ResellerOrder) { o.Status.Claim.Request = ref("thief") })
		st.OrderID, st.Intent = "7", nil
		require.Error(t, j.SaveOutcome(ctx, st))
		assert.Empty(t, read(t, e).Status.OrderID, "the new claimant's recovery finds the order instead")
	})
	t.Run("a chain is recorded among the certificates obtained", func(t *testing.T) {
		e := newLedgerEnv(t)
		_, j, st := claim(t, e)
		notAfter := e.now.Add(90 * 24 * time.Hour).Truncate(time.Second)
		st.OrderID, st.Intent, st.ChainPEM = "7", nil, string(testChain(t, notAfter))
		st.Name("a.example.com").Verified = true
		require.NoError(t, j.SaveOutcome(ctx, st))
		got := read(t, e)
		assert.Equal(t, v1alpha1.OrderIssued, got.Status.State)
		require.Len(t, got.Status.Certificates, 1)
		c := got.Status.Certificates[0]
		assert.Equal(t, "2a", c.Serial)
		assert.True(t, notAfter.Equal(c.NotAfter.Time))
		assert.Equal(t, "r-me", c.Request)
		assert.NotNil(t, got.Status.Names[0].VerifiedAt)
		back := StateOf(got)
		assert.Equal(t, st.ChainPEM, back.ChainPEM)
		assert.Nil(t, back.Intent)
		assert.True(t, back.Name("a.example.com").Verified)
	})
	t.Run("a failure frees the key", func(t *testing.T) {
		e := newLedgerEnv(t)
		_, j, _ := claim(t, e)
		require.NoError(t, j.Fail(ctx, "product refused"))
		got := read(t, e)
		assert.Equal(t, v1alpha1.OrderFailed, got.Status.State)
		d, err := Decide(Input{Orders: []v1alpha1.ResellerOrder{*got}, Request: ref("next")})
		require.NoError(t, err)
		assert.Equal(t, NewOrder, d.Action)
		assert.Equal(t, 2, d.Seq)
	})
}
