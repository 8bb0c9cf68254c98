//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"

	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// orderProviders are the resellers that sell through an order and a poll.
var orderProviders = []string{v1alpha1.ProviderSSLMarket, v1alpha1.ProviderCyberSSL}

func specFor(s *framework.Stack, provider, secret string) v1alpha1.IssuerSpec {
	return s.SandboxIssuerSpec(provider, secret)
}

// orders counts the paid orders an account placed with a provider.
func orders(t *testing.T, s *framework.Stack, provider, account string) int {
	t.Helper()
	stats, err := s.SandboxStats(context.Background())
	require.NoError(t, err)
	n, _ := framework.BillableOrders(stats, provider, account)
	return n
}

// (a) a Certificate through a ResellerIssuer and (c) a multi-name SAN
// certificate, for each order-and-poll provider.
func TestOrderProvidersCertificate(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	for _, provider := range orderProviders {
		t.Run(provider, func(t *testing.T) {
			account := provider + "-certificate"
			ns := account
			createNamespace(t, s, ns)
			createSecret(t, s, ns, "api", accounts[account])
			issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: provider}, Spec: specFor(s, provider, "api")}
			require.NoError(t, s.Control.Client.Create(ctx, issuer))
			waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
			ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: provider}

			single := []string{"shop." + provider + ".example.com"}
			san := []string{"a." + provider + ".example.com", "b." + provider + ".example.com", "c." + provider + ".example.com", "d." + provider + ".example.com", "e." + provider + ".example.com"}
			for i, names := range [][]string{single, san} {
				cert := createCertificate(t, s, ns, fmt.Sprintf("cert%d", i), ref, names...)
				waitCertificateReady(t, s, cert)
				secret := waitSecret(t, s, ns, cert.Spec.SecretName)
				verifyChain(t, s, secret.Data[corev1.TLSCertKey], names, publicKeyOfSecret(t, secret))
				assert.Equal(t, i+1, orders(t, s, provider, account), "exactly one order per Certificate")
			}
		})
	}
}

// (b) an annotated Ingress through a ResellerClusterIssuer.
func TestOrderProvidersIngress(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	for _, provider := range orderProviders {
		t.Run(provider, func(t *testing.T) {
			account := provider + "-ingress"
			name := provider + "-ingress"
			createSecret(t, s, framework.ClusterResourceNamespace, name, accounts[account])
			issuer := &v1alpha1.ResellerClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: specFor(s, provider, name)}
			require.NoError(t, s.Control.Client.Create(ctx, issuer))
			waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)

			ns := account
			createNamespace(t, s, ns)
			host := "portal." + provider + ".example.org"
			pathType := networkingv1.PathTypePrefix
			require.NoError(t, s.Control.Client.Create(ctx, &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "portal", Annotations: map[string]string{
					"cert-manager.io/issuer":       name,
					"cert-manager.io/issuer-kind":  "ResellerClusterIssuer",
					"cert-manager.io/issuer-group": v1alpha1.GroupVersion.Group,
				}},
				Spec: networkingv1.IngressSpec{
					TLS: []networkingv1.IngressTLS{{Hosts: []string{host}, SecretName: "portal-tls"}},
					Rules: []networkingv1.IngressRule{{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
						Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &pathType, Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "portal", Port: networkingv1.ServiceBackendPort{Number: 80}}}}},
					}}}},
				},
			}))
			secret := waitSecret(t, s, ns, "portal-tls")
			verifyChain(t, s, secret.Data[corev1.TLSCertKey], []string{host}, publicKeyOfSecret(t, secret))
			assert.Equal(t, 1, orders(t, s, provider, account))
		})
	}
}
