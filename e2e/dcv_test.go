//go:build e2e

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// dnsZone is served by the stack's Knot DNS.
const dnsZone = "dcv.test"

// dns01Solvers validates every name by RFC 2136 updates to the stack's Knot.
func dns01Solvers(s *framework.Stack) *v1alpha1.DomainValidation {
	return &v1alpha1.DomainValidation{Solvers: []v1alpha1.Solver{{
		DNS01: &v1alpha1.DNS01Solver{ACMEChallengeSolverDNS01: cmacme.ACMEChallengeSolverDNS01{RFC2136: &cmacme.ACMEIssuerDNS01ProviderRFC2136{
			Nameserver:    s.DNS.Addr(),
			TSIGKeyName:   s.DNS.KeyName,
			TSIGAlgorithm: "HMACSHA256",
			TSIGSecret:    cmmeta.SecretKeySelector{LocalObjectReference: cmmeta.LocalObjectReference{Name: "tsig"}, Key: "secret"},
		}}},
	}}}
}

// createTSIGSecret holds the stack's TSIG secret as dns01Solvers expects it.
func createTSIGSecret(t *testing.T, s *framework.Stack, ns string) {
	t.Helper()
	require.NoError(t, s.Control.Client.Create(context.Background(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "tsig"},
		StringData: map[string]string{"secret": s.DNS.Secret},
	}))
}

// TestDNS01 issues a wildcard certificate from each reseller through DNS
// validation: records published by TSIG-signed updates to a real
// authoritative server, checked there by the sandbox, removed afterwards.
func TestDNS01(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	cases := []struct {
		provider string
		names    []string
		// records that must be gone once the certificate is issued
		records []string
		qtype   uint16
		setup   func(*v1alpha1.IssuerSpec)
	}{
		{
			provider: v1alpha1.ProviderSSLCI, names: []string{"*.sslci." + dnsZone, "sslci." + dnsZone},
			records: []string{"_acme-challenge.sslci." + dnsZone}, qtype: dns.TypeTXT,
			setup: func(spec *v1alpha1.IssuerSpec) { spec.SSLCI.Method = "dns" },
		},
		{
			provider: v1alpha1.ProviderSSLMarket, names: []string{"*.sslmarket." + dnsZone},
			records: []string{"sslmarket." + dnsZone}, qtype: dns.TypeTXT,
			setup: func(spec *v1alpha1.IssuerSpec) {
				spec.SSLMarket.DVAuthMethod = "DNS"
				spec.SSLMarket.ProductCode = "rapidssl-rapidssl-wildcard-dv"
			},
		},
		{
			provider: v1alpha1.ProviderCyberSSL, names: []string{"*.cyberssl." + dnsZone},
			setup: func(spec *v1alpha1.IssuerSpec) {
				spec.CyberSSL.DVMethod = "dns"
				spec.CyberSSL.ProductID = 2
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.provider, func(t *testing.T) {
			account := "dns01-" + tc.provider
			ns := account
			createNamespace(t, s, ns)
			createSecret(t, s, ns, "api", accounts[account])
			createTSIGSecret(t, s, ns)
			spec := specFor(s, tc.provider, "api")
			tc.setup(&spec)
			spec.DomainValidation = dns01Solvers(s)
			issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: tc.provider}, Spec: spec}
			require.NoError(t, s.Control.Client.Create(ctx, issuer))
			waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)

			ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: tc.provider}
			cert := createCertificate(t, s, ns, "wildcard", ref, tc.names...)
			waitCertificateReady(t, s, cert)
			secret := waitSecret(t, s, ns, cert.Spec.SecretName)
			verifyChain(t, s, secret.Data[corev1.TLSCertKey], tc.names, publicKeyOfSecret(t, secret))
			assert.Equal(t, 1, orders(t, s, tc.provider, account))
			for _, rec := range tc.records {
				waitRecordGone(t, s, rec, tc.qtype)
			}
		})
	}
}

// Without a DNS solver, a DNS challenge is manual: the request waits and its
// condition says exactly what to publish. A wildcard matched by an http01
// solver fails before any order.
func TestManualAndWildcardRules(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	account := "manual-sslci"
	ns := account
	createNamespace(t, s, ns)
	createSecret(t, s, ns, "api", accounts[account])

	manual := specFor(s, v1alpha1.ProviderSSLCI, "api")
	manual.SSLCI.Method = "dns"
	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "manual"}, Spec: manual}
	require.NoError(t, s.Control.Client.Create(ctx, issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
	createCertificate(t, s, ns, "manual", cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: "manual"}, "manual."+dnsZone)
	msg := waitRequestMessage(t, s, ns, "manual", "publish TXT record _acme-challenge.manual."+dnsZone)
	assert.Contains(t, msg, "with value")

	http := specFor(s, v1alpha1.ProviderSSLCI, "api")
	http.DomainValidation = &v1alpha1.DomainValidation{Solvers: []v1alpha1.Solver{{HTTP01: &v1alpha1.HTTP01Solver{}}}}
	issuer = &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "http"}, Spec: http}
	require.NoError(t, s.Control.Client.Create(ctx, issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
	createCertificate(t, s, ns, "wild", cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: "http"}, "*.wild."+dnsZone)
	waitRequestMessage(t, s, ns, "wild", "can only be validated by dns01")

	assert.Equal(t, 0, orders(t, s, v1alpha1.ProviderSSLCI, account), "no finalize for either")
}

// One certificate, two solvers: an http01 name and a dns01 name, each
// verified the way its solver publishes it.
func TestMixedSolvers(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	account := "mixed-sslci"
	ns := account
	createNamespace(t, s, ns)
	createSecret(t, s, ns, "api", accounts[account])
	createTSIGSecret(t, s, ns)
	spec := specFor(s, v1alpha1.ProviderSSLCI, "api")
	dnsSolver := dns01Solvers(s).Solvers[0]
	dnsSolver.Selector = &v1alpha1.Selector{DNSZones: []string{"dns.mixed." + dnsZone}}
	spec.DomainValidation = &v1alpha1.DomainValidation{Solvers: []v1alpha1.Solver{
		dnsSolver,
		{Selector: &v1alpha1.Selector{DNSNames: []string{"www.mixed." + dnsZone}}, HTTP01: &v1alpha1.HTTP01Solver{}},
	}}
	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "mixed"}, Spec: spec}
	require.NoError(t, s.Control.Client.Create(ctx, issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)

	names := []string{"www.mixed." + dnsZone, "a.dns.mixed." + dnsZone}
	cert := createCertificate(t, s, ns, "mixed", cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: "mixed"}, names...)
	waitCertificateReady(t, s, cert)
	secret := waitSecret(t, s, ns, cert.Spec.SecretName)
	verifyChain(t, s, secret.Data[corev1.TLSCertKey], names, publicKeyOfSecret(t, secret))
	assert.Equal(t, 1, orders(t, s, v1alpha1.ProviderSSLCI, account))
	waitRecordGone(t, s, "_acme-challenge.a.dns.mixed."+dnsZone, dns.TypeTXT)

	// The sandbox logs the method each verification order was placed with.
	log, err := os.ReadFile(filepath.Join(s.Dir, "sandbox.log"))
	require.NoError(t, err)
	assert.Contains(t, string(log), "domain=www.mixed."+dnsZone+" method=http")
	assert.Contains(t, string(log), "domain=a.dns.mixed."+dnsZone+" method=dns")
}
