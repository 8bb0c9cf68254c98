package order

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// TestJournalWritesPerChange counts the status writes of a validation and
// a paid call: free progress waits for the next write (or Flush), a save
// that changes nothing is not written, and a paid call's intent and
// outcome are written at once.
func TestJournalWritesPerChange(t *testing.T) {
	scheme := runtime.NewScheme()
	require.NoError(t, v1alpha1.AddToScheme(scheme))
	writes := 0
	c := fake.NewClientBuilder().WithScheme(scheme).WithStatusSubresource(&v1alpha1.ResellerOrder{}).
		WithInterceptorFuncs(interceptor.Funcs{SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
			writes++
			return c.SubResource(sub).Update(ctx, obj, opts...)
		}}).Build()
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ctx := context.Background()
	o, err := (&Ledger{Client: c, Reader: c, Now: clock}).Claim(ctx, "ns", testKey(), 1, v1alpha1.OrderClaim{Request: ref("one")}, "web", nil)
	require.NoError(t, err)
	writes = 0 // the claim's own write
	j := &Journal{Client: c, Reader: c, Order: o, Request: "r-one", RequestUID: ref("one").UID, Now: clock}
	stored := func() *v1alpha1.ResellerOrder {
		got := &v1alpha1.ResellerOrder{}
		require.NoError(t, c.Get(ctx, client.ObjectKeyFromObject(o), got))
		return got
	}

	st := StateOf(o)
	st.Names = []ca.NameState{{Name: "a.example.com", OrderID: "7", Challenge: &ca.Challenge{Name: "a.example.com", Type: ca.HTTP01, Path: "/p", Content: "c"}}}
	st.Progress = now
	require.NoError(t, j.Save(ctx, st), "a challenge requested")
	require.NoError(t, j.Save(ctx, st), "the same again")
	assert.Equal(t, 1, writes, "a challenge is written at once (the responders serve it from the order), once")
	require.Len(t, stored().Status.Names, 1)

	now = now.Add(time.Second)
	st.Names[0].LastError, st.Progress = "not yet", now
	require.NoError(t, j.Save(ctx, st), "a confirmation refused")
	st.Names[0].Verified, st.Names[0].Challenge, st.Names[0].LastError = true, nil, ""
	require.NoError(t, j.Save(ctx, st), "the name verified")
	assert.Equal(t, 1, writes, "free progress waits")
	assert.False(t, stored().Status.Names[0].Verified)
	st.Intent = &ca.Intent{Step: "finalize", At: now, Attempt: 1, Key: "k"}
	require.NoError(t, j.Save(ctx, st), "the paid call claimed")
	assert.Equal(t, 2, writes, "the intent is written at once, with the progress that waited")
	got := stored()
	require.Len(t, got.Status.Names, 1)
	assert.True(t, got.Status.Names[0].Verified)
	assert.Equal(t, "finalize", got.Status.Claim.Step)

	st.Intent, st.OrderID = nil, "42"
	require.NoError(t, j.SaveOutcome(ctx, st))
	require.NoError(t, j.SaveOutcome(ctx, st), "an outcome saved already")
	assert.Equal(t, 3, writes, "the outcome is written once")
	assert.Equal(t, "42", stored().Status.OrderID)

	now = now.Add(time.Second)
	st.Progress = now
	require.NoError(t, j.Save(ctx, st))
	assert.Equal(t, 3, writes)
	require.NoError(t, j.Flush(ctx))
	require.NoError(t, j.Flush(ctx), "nothing waits any more")
	assert.Equal(t, 4, writes, "Flush writes what waited, once")
	assert.True(t, now.Equal(stored().Status.Progress.Time))
}
