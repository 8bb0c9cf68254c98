//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	whapi "github.com/cert-manager/cert-manager/pkg/acme/webhook/apis/acme/v1alpha1"
	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	webhookslv "github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/webhook"
	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// webhookGroup is the API group of the e2e webhook solver.
const webhookGroup = "acme.e2e.reseller-issuer.dev"

// issuerCallers is the identity reseller-issuer runs as in the stack (our
// chart's ServiceAccount), which a webhook solver's installation must allow
// to call it, as cert-manager's ServiceAccount is for ACME.
func issuerCallers(s *framework.Stack) []rbacv1.Subject {
	return []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: s.IssuerIdentity.ServiceAccount, Namespace: s.IssuerIdentity.Namespace}}
}

// webhookSolvers validates every name through the knot webhook solver, with
// cert-manager's dns01.webhook block.
func webhookSolvers(t *testing.T, s *framework.Stack) *v1alpha1.DomainValidation {
	t.Helper()
	cfg, err := json.Marshal(map[string]any{
		"nameserver": s.DNS.Addr(), "tsigKeyName": s.DNS.KeyName, "tsigAlgorithm": "HMACSHA256",
		"tsigSecretSecretRef": map[string]string{"name": "tsig", "key": "secret"},
	})
	require.NoError(t, err)
	return &v1alpha1.DomainValidation{Solvers: []v1alpha1.Solver{{DNS01: &v1alpha1.DNS01Solver{ACMEChallengeSolverDNS01: cmacme.ACMEChallengeSolverDNS01{
		Webhook: &cmacme.ACMEIssuerDNS01ProviderWebhook{GroupName: webhookGroup, SolverName: "knot", Config: &apiextensionsv1.JSON{Raw: cfg}},
	}}}}}
}

// TestDNS01WebhookSolver: a cert-manager DNS01 webhook solver, built with
// cert-manager's webhook library, runs as its own process under its own
// identity and is reached through the kube-apiserver's aggregation layer
// (an APIService behind an ExternalName Service naming localhost). It
// writes the records to Knot; wildcard certificates from SSLCI and SSLmarket
// are issued through it and the records are gone afterwards. A CyberSSL
// issuer with it fails before ordering: CyberSSL asks for a CNAME.
func TestDNS01WebhookSolver(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	solver, err := s.StartWebhookSolver(ctx, framework.WebhookSolverOptions{
		Package: "./e2e/cmd/knot-webhook", Group: webhookGroup, Name: "knot", Callers: issuerCallers(s),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = solver.Stop() })

	t.Run("callers need create on the solver", func(t *testing.T) {
		// cert-manager's webhook client as an identity without that RBAC:
		// the solver's delegated authorization refuses it.
		path := filepath.Join(s.Dir, "no-rights.kubeconfig")
		require.NoError(t, s.Control.UserKubeconfig(path, "no-rights"))
		cfg, err := clientcmd.BuildConfigFromFlags("", path)
		require.NoError(t, err)
		hook := &webhookslv.Webhook{}
		require.NoError(t, hook.Initialize(cfg, nil))
		raw, _ := json.Marshal(cmacme.ACMEIssuerDNS01ProviderWebhook{GroupName: webhookGroup, SolverName: "knot"})
		err = hook.Present(&whapi.ChallengeRequest{Type: "dns-01", DNSName: "x." + dnsZone, Key: "k", ResolvedFQDN: "_acme-challenge.x." + dnsZone + ".",
			ResolvedZone: dnsZone + ".", ResourceNamespace: "default", Config: &apiextensionsv1.JSON{Raw: raw}})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "forbidden")
	})

	cases := []struct {
		provider string
		names    []string
		record   string
		setup    func(*v1alpha1.IssuerSpec)
	}{
		{
			provider: v1alpha1.ProviderSSLCI, names: []string{"*.hook-sslci." + dnsZone, "hook-sslci." + dnsZone},
			record: "_acme-challenge.hook-sslci." + dnsZone,
			setup:  func(spec *v1alpha1.IssuerSpec) { spec.SSLCI.Method = "dns" },
		},
		{
			provider: v1alpha1.ProviderSSLMarket, names: []string{"*.hook-sslmarket." + dnsZone},
			record: "hook-sslmarket." + dnsZone,
			setup: func(spec *v1alpha1.IssuerSpec) {
				spec.SSLMarket.DVAuthMethod = "DNS"
				spec.SSLMarket.ProductCode = "rapidssl-rapidssl-wildcard-dv"
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.provider, func(t *testing.T) {
			account := "webhook-" + tc.provider
			ns := account
			createNamespace(t, s, ns)
			createSecret(t, s, ns, "api", accounts[account])
			createTSIGSecret(t, s, ns)
			require.NoError(t, solver.GrantSecrets(ctx, s.Control.Client, ns))
			spec := specFor(s, tc.provider, "api")
			tc.setup(&spec)
			spec.DomainValidation = webhookSolvers(t, s)
			issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: tc.provider}, Spec: spec}
			require.NoError(t, s.Control.Client.Create(ctx, issuer))
			waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)

			ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: tc.provider}
			cert := createCertificate(t, s, ns, "wildcard", ref, tc.names...)
			waitCertificateReady(t, s, cert)
			secret := waitSecret(t, s, ns, cert.Spec.SecretName)
			verifyChain(t, s, secret.Data[corev1.TLSCertKey], tc.names, publicKeyOfSecret(t, secret))
			assert.Equal(t, 1, orders(t, s, tc.provider, account))
			waitRecordGone(t, s, tc.record, dns.TypeTXT)

			// The records went through the solver, not around it.
			log, err := os.ReadFile(solver.Process.LogPath)
			require.NoError(t, err)
			for _, action := range []string{"Present", "CleanUp"} {
				assert.Contains(t, string(log), fmt.Sprintf("knot-webhook: %s TXT %s. in zone %s. for %s (namespace %s): ok", action, tc.record, dnsZone, tc.names[0][2:], ns))
			}
		})
	}

	t.Run(v1alpha1.ProviderCyberSSL, func(t *testing.T) {
		account := "webhook-cyberssl"
		ns := account
		createNamespace(t, s, ns)
		createSecret(t, s, ns, "api", accounts[account])
		spec := specFor(s, v1alpha1.ProviderCyberSSL, "api")
		spec.CyberSSL.DVMethod = "dns"
		spec.CyberSSL.ProductID = 2
		spec.DomainValidation = webhookSolvers(t, s)
		issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "cyberssl"}, Spec: spec}
		require.NoError(t, s.Control.Client.Create(ctx, issuer))
		waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
		ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: "cyberssl"}
		createCertificate(t, s, ns, "wildcard", ref, "*.hook-cyberssl."+dnsZone)
		msg := waitRequestMessage(t, s, ns, "wildcard", "writes TXT records only")
		assert.Contains(t, msg, "*.hook-cyberssl."+dnsZone+": the reseller validates it with a CNAME record, but spec.domainValidation.solvers[0] (dns01.webhook)")
		assert.Contains(t, msg, "an rfc2136 dns01 solver")
		assert.Equal(t, 0, orders(t, s, v1alpha1.ProviderCyberSSL, account), "nothing is ordered")
	})
}
