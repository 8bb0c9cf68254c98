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
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// TestSecondRequestMomentsAfterIssuance is issue 10, made deterministic.
// When 200 Certificates are issued at once, cert-manager's trigger
// controller sometimes evaluates a Certificate just issued while its Secret
// cache does not hold the Secret the issuing controller wrote a moment
// before: it marks the Certificate Issuing again ("DoesNotExist"), and a
// second CertificateRequest, with a new key, arrives for the same names.
// This test writes that condition the way the trigger does and checks, for
// each reseller, that no second order is paid for: the request waits,
// saying why, with an Event, and the Secret keeps the first certificate.
func TestSecondRequestMomentsAfterIssuance(t *testing.T) {
	s := sharedStack(t)
	for _, provider := range framework.Providers {
		t.Run(provider, func(t *testing.T) {
			ctx := context.Background()
			account := "second-" + provider
			ns := account
			createNamespace(t, s, ns)
			createSecret(t, s, ns, "api", accounts[account])
			issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: provider}, Spec: specFor(s, provider, "api")}
			require.NoError(t, s.Control.Client.Create(ctx, issuer))
			waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
			ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: provider}

			cert := createCertificate(t, s, ns, "web", ref, "web.second."+provider+".example.com")
			waitCertificateReady(t, s, cert)
			first := waitSecret(t, s, ns, "web-tls").Data[corev1.TLSCertKey]
			require.Equal(t, 1, orders(t, s, provider, account))

			// What the trigger controller writes from a stale Secret cache.
			require.NoError(t, retry.RetryOnConflict(retry.DefaultRetry, func() error {
				if err := s.Control.Client.Get(ctx, client.ObjectKeyFromObject(cert), cert); err != nil {
					return err
				}
				cert.Status.Conditions = append(cert.Status.Conditions, cmapi.CertificateCondition{
					Type: cmapi.CertificateConditionIssuing, Status: cmmeta.ConditionTrue, Reason: "DoesNotExist",
					Message: "Issuing certificate as Secret does not exist", LastTransitionTime: &metav1.Time{Time: time.Now()},
				})
				return s.Control.Client.Status().Update(ctx, cert)
			}))

			// The second request ends one way or the other: issued (a
			// second order was paid for) or held, saying why.
			var second cmapi.CertificateRequest
			require.EventuallyWithT(t, func(c *assert.CollectT) {
				require.NoError(c, s.Control.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "web-2"}, &second))
				held, issued := false, false
				for _, cond := range second.Status.Conditions {
					if cond.Type == cmapi.CertificateRequestConditionReady {
						held = strings.Contains(cond.Message, "not ordering again")
						issued = cond.Status == cmmeta.ConditionTrue
					}
				}
				assert.True(c, held || issued, "web-2 is neither held nor issued yet")
			}, issueTimeout, time.Second)
			assert.Equal(t, 1, orders(t, s, provider, account), "orders == Certificates: no second paid order")
			for _, cond := range second.Status.Conditions {
				if cond.Type == cmapi.CertificateRequestConditionReady {
					assert.Contains(t, cond.Message, "DoesNotExist", "the request says why it waits")
				}
			}
			require.EventuallyWithT(t, func(c *assert.CollectT) {
				var evs eventsv1.EventList
				require.NoError(c, s.Control.Client.List(ctx, &evs, client.InNamespace(ns)))
				found := false
				for _, e := range evs.Items {
					found = found || (e.Reason == "OrderNotRepeated" && e.Type == corev1.EventTypeWarning && strings.HasPrefix(e.Regarding.Name, "web-"))
				}
				assert.True(c, found, "an OrderNotRepeated Event on the second request")
			}, 30*time.Second, time.Second)
			assert.Equal(t, first, waitSecret(t, s, ns, "web-tls").Data[corev1.TLSCertKey], "the Secret keeps the certificate just issued")
		})
	}
}
