//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// The spend guard: a request over a limit stays Pending with LimitReached
// and an Event, or fails before ordering, and the reseller sees no order.
func TestSpendGuard(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	provider, account := v1alpha1.ProviderSSLMarket, "limits-sslmarket"
	ns := account
	createNamespace(t, s, ns)
	createSecret(t, s, ns, "api", accounts[account])
	spec := specFor(s, provider, "api")
	spec.Limits = &v1alpha1.Limits{MaxNewOrdersPerDay: ptr.To[int32](2), MaxDNSNames: ptr.To[int32](3)}
	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "guarded"}, Spec: spec}
	require.NoError(t, s.Control.Client.Create(ctx, issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
	ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: "guarded"}

	for _, name := range []string{"one", "two"} {
		cert := createCertificate(t, s, ns, name, ref, name+".limits.example.com")
		waitCertificateReady(t, s, cert)
	}
	createCertificate(t, s, ns, "three", ref, "three.limits.example.com")
	msg := waitRequestMessage(t, s, ns, "three", "LimitReached")
	assert.Contains(t, msg, "maxNewOrdersPerDay is 2")
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var evs eventsv1.EventList
		require.NoError(c, s.Control.Client.List(ctx, &evs, client.InNamespace(ns)))
		found := false
		for _, e := range evs.Items {
			found = found || (e.Reason == "LimitReached" && strings.HasPrefix(e.Regarding.Name, "three"))
		}
		assert.True(c, found, "a LimitReached Event on the request")
	}, 30*time.Second, time.Second)

	createCertificate(t, s, ns, "wide", ref, "a.limits.example.com", "b.limits.example.com", "c.limits.example.com", "d.limits.example.com")
	msg = waitRequestMessage(t, s, ns, "wide", "maxDNSNames")
	assert.Contains(t, msg, "4 DNS names")

	assert.Equal(t, 2, orders(t, s, provider, account), "only the admitted requests ordered")
}

// waitRequestMessage waits for the CertificateRequest of a Certificate to
// carry fragment in its Ready condition message and returns the message.
func waitRequestMessage(t *testing.T, s *framework.Stack, ns, cert, fragment string) string {
	t.Helper()
	var msg string
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var reqs cmapi.CertificateRequestList
		require.NoError(c, s.Control.Client.List(context.Background(), &reqs, client.InNamespace(ns)))
		msg = ""
		for _, r := range reqs.Items {
			if !strings.HasPrefix(r.Name, cert+"-") {
				continue
			}
			for _, cond := range r.Status.Conditions {
				if cond.Type == cmapi.CertificateRequestConditionReady {
					msg = cond.Message
				}
			}
		}
		assert.Contains(c, msg, fragment)
	}, time.Minute, 500*time.Millisecond)
	return msg
}
