//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

// transientFaults are injected, one each, into a provider's calls while
// Certificates are issued. Every Certificate must end Ready with exactly one
// order: no fault may fail a request or buy twice.
func transientFaults(provider string) []sandbox.Fault {
	// The reseller client times out after 5 s in the e2e stack.
	slow := sandbox.Duration(7 * time.Second)
	switch provider {
	case v1alpha1.ProviderSSLMarket:
		order, poll := "POST /order/certificate", "GET /order/order_id"
		return []sandbox.Fault{
			{Match: order, Kind: sandbox.Fault500}, {Match: order, Kind: sandbox.Fault503},
			{Match: order, Kind: sandbox.Fault429, RetryAfter: 2}, {Match: order, Kind: sandbox.FaultHTML},
			{Match: order, Kind: sandbox.FaultDropAfterCommit}, {Match: order, Kind: sandbox.FaultMalformed},
			{Match: order, Kind: sandbox.FaultTimeout, Delay: slow},
			{Match: poll, Kind: sandbox.Fault502}, {Match: poll, Kind: sandbox.FaultMalformed},
			{Match: "GET /certificate", Kind: sandbox.Fault503},
		}
	case v1alpha1.ProviderCyberSSL:
		order, poll := "POST /add_ssl_order", "GET /order_status"
		return []sandbox.Fault{
			{Match: order, Kind: sandbox.Fault500}, {Match: order, Kind: sandbox.Fault503},
			{Match: order, Kind: sandbox.Fault429, RetryAfter: 2}, {Match: order, Kind: sandbox.FaultHTML},
			{Match: order, Kind: sandbox.FaultDropAfterCommit}, {Match: order, Kind: sandbox.FaultMalformed},
			{Match: order, Kind: sandbox.FaultTimeout, Delay: slow},
			{Match: poll, Kind: sandbox.Fault502}, {Match: poll, Kind: sandbox.FaultMalformed},
			{Match: "GET /auth", Kind: sandbox.Fault503},
		}
	}
	// SSLCI: finalize is paid and has no download, so a fault that commits
	// it and loses the answer cannot be recovered (README); those kinds hit
	// the free verification calls instead.
	finalize := "POST /sslci/api finalize"
	return []sandbox.Fault{
		{Match: finalize, Kind: sandbox.Fault500}, {Match: finalize, Kind: sandbox.Fault503},
		{Match: finalize, Kind: sandbox.Fault429, RetryAfter: 2}, {Match: finalize, Kind: sandbox.FaultHTML},
		{Match: finalize, Kind: sandbox.FaultTimeout, Delay: slow},
		{Match: "PUT /sslci/api", Kind: sandbox.FaultDropAfterCommit}, {Match: "PUT /sslci/api", Kind: sandbox.FaultMalformed},
		{Match: "GET /sslci/api", Kind: sandbox.Fault502},
	}
}

func TestTransientFaults(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	for _, provider := range []string{v1alpha1.ProviderSSLCI, v1alpha1.ProviderSSLMarket, v1alpha1.ProviderCyberSSL} {
		t.Run(provider, func(t *testing.T) {
			account := "faults-" + provider
			ns := account
			createNamespace(t, s, ns)
			createSecret(t, s, ns, "api", accounts[account])
			issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: provider}, Spec: specFor(s, provider, "api")}
			require.NoError(t, s.Control.Client.Create(ctx, issuer))
			waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)

			faults := transientFaults(provider)
			for i := range faults {
				faults[i].Provider = provider
			}
			require.NoError(t, s.AddFaults(ctx, faults...))
			ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: provider}
			const certs = 3
			for i := range certs {
				host := fmt.Sprintf("f%d.faults.%s.example.com", i, provider)
				cert := createCertificate(t, s, ns, fmt.Sprintf("f%d", i), ref, host)
				defer func() {
					waitCertificateReady(t, s, cert)
					secret := waitSecret(t, s, ns, cert.Spec.SecretName)
					verifyChain(t, s, secret.Data[corev1.TLSCertKey], []string{host}, publicKeyOfSecret(t, secret))
				}()
			}
			t.Cleanup(func() {
				status, err := s.Faults(ctx)
				require.NoError(t, err)
				fmt.Fprintf(os.Stderr, "faults %s: injected %d, fired %v, left %d; orders %d for %d certificates\n",
					provider, len(faults), status.Fired, len(status.Pending), orders(t, s, provider, account), certs)
				assert.Equal(t, certs, orders(t, s, provider, account), "exactly one paid order per Certificate despite the faults")
			})
		})
	}
}
