//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sslmarket"
)

// TestReinstallReusesSubscription: a Certificate deleted, with its Secret,
// and created again with the same names and issuer (a reinstall) is
// served by a free reissue of the 2-year order it bought before: the
// ledger is keyed by what was bought, not by the Certificate's UID. 1
// billable order + 1 reissue. For SSLmarket the reinstall happens inside
// the automatic reissue's window (its clock moved there, as in
// TestRenewalByReissue), where a reissue gives a later certificate.
func TestReinstallReusesSubscription(t *testing.T) {
	s := sharedStack(t)
	for _, provider := range orderProviders {
		t.Run(provider, func(t *testing.T) {
			ctx := context.Background()
			account := "reinstall-" + provider
			ns := account
			spec := specFor(s, provider, "api")
			if spec.SSLMarket != nil {
				spec.SSLMarket.Years = 2
			} else {
				spec.CyberSSL.Period = 2
			}
			ref := issuerFor(t, s, account, provider, spec)
			names := []string{"shop." + account + ".example.com"}
			cert := createCertificate(t, s, ns, "web", ref, names...)
			waitCertificateReady(t, s, cert)
			first := checkSecret(t, s, ns, cert.Spec.SecretName, names)

			if provider == v1alpha1.ProviderSSLMarket {
				t.Cleanup(func() { require.NoError(t, s.SetClockOffset(ctx, sandbox.ProviderSSLmarket, 0)) })
				inWindow := first.NotAfter.Add(-sslmarket.AutoReissueBefore + 24*time.Hour)
				require.NoError(t, s.SetClockOffset(ctx, sandbox.ProviderSSLmarket, time.Until(inWindow)))
			}
			// Uninstalled: the Certificate, its Secret, and its requests
			// (which a cluster's garbage collector deletes with their
			// Certificate; the e2e control plane runs none).
			require.NoError(t, s.Control.Client.Delete(ctx, cert))
			require.NoError(t, s.Control.Client.Delete(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: cert.Spec.SecretName}}))
			require.Eventually(t, func() bool {
				return s.Control.Client.Get(ctx, client.ObjectKeyFromObject(cert), &cmapi.Certificate{}) != nil
			}, time.Minute, 250*time.Millisecond, "the Certificate is gone")
			require.NoError(t, s.Control.Client.DeleteAllOf(ctx, &cmapi.CertificateRequest{}, client.InNamespace(ns)))
			require.Eventually(t, func() bool {
				var reqs cmapi.CertificateRequestList
				return s.Control.Client.List(ctx, &reqs, client.InNamespace(ns)) == nil && len(reqs.Items) == 0
			}, time.Minute, 250*time.Millisecond, "the requests are gone")

			again := createCertificate(t, s, ns, "web", ref, names...)
			waitCertificateReady(t, s, again)
			second := checkSecret(t, s, ns, again.Spec.SecretName, names)
			require.NotEqual(t, first.RawSubjectPublicKeyInfo, second.RawSubjectPublicKeyInfo, "a new key")

			stats, err := s.SandboxStats(ctx)
			require.NoError(t, err)
			bought, reissued := framework.BillableOrders(stats, provider, account)
			fmt.Fprintf(os.Stderr, "reinstall %s: certificates 2, billable orders %d, reissues %d\n", provider, bought, reissued)
			assert.Equal(t, 1, bought, "the reinstall bought nothing")
			assert.Equal(t, 1, reissued, "it reissued the order it had")
			ros := resellerOrders(t, s, ns)
			require.Len(t, ros, 1)
			assert.Equal(t, int32(1), ros[0].Status.Reissues)
		})
	}
}
