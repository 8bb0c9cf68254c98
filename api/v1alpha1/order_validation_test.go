//go:build integration

package v1alpha1_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// A ResellerOrder records what was bought: its spec is accepted once and
// never changes; its state is one of the documented ones.
func TestResellerOrderValidation(t *testing.T) {
	ctx := context.Background()
	require.NoError(t, v1alpha1.AddToScheme(k8s.Scheme()))
	const ns = "default"
	o := &v1alpha1.ResellerOrder{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "shop-example-com-0123456789-1"},
		Spec: v1alpha1.OrderSpec{
			IssuerRef: v1alpha1.IssuerReference{Kind: "ResellerIssuer", Name: "sslmarket", SecretNamespace: ns},
			Provider:  "sslmarket", Product: "rapidssl-rapidssl-dv", Years: 2, DNSNames: []string{"shop.example.com"},
		},
	}
	require.NoError(t, k8s.Create(ctx, o))
	t.Cleanup(func() { _ = k8s.Delete(ctx, o) })

	changed := o.DeepCopy()
	changed.Spec.DNSNames = []string{"other.example.com"}
	err := k8s.Update(ctx, changed)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "what was bought stays bought")

	o.Status.State = "Bought"
	err = k8s.Status().Update(ctx, o)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "status.state")

	bad := &v1alpha1.ResellerOrder{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "nameless"}, Spec: o.Spec}
	bad.Spec.DNSNames = nil
	err = k8s.Create(ctx, bad, client.DryRunAll)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.dnsNames")
}
