//go:build e2e

package e2e

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// badTimeout bounds how long a bad request may take to fail.
const badTimeout = 90 * time.Second

// badCSR describes a handcrafted CSR; key is a fresh P-256 key when nil.
type badCSR struct {
	cn     string
	dns    []string
	ips    []net.IP
	uris   []string
	emails []string
	key    crypto.Signer
}

// badCase is one CertificateRequest that must fail before anything is
// ordered, with fragments its Ready condition's message must hold.
type badCase struct {
	name     string
	csr      badCSR
	isCA     bool
	duration time.Duration // cert-manager's default when 0
	want     []string
}

// badCases are the requests a provider must refuse: the signer's own checks,
// then the provider's product limits. domain keeps the names apart.
func badCases(t *testing.T, provider, domain string) []badCase {
	t.Helper()
	a := "a." + domain
	long := nameOfLen(254, domain)
	require.Len(t, long, 254)
	cases := []badCase{
		{name: "ip-san", csr: badCSR{cn: a, dns: []string{a}, ips: []net.IP{net.ParseIP("192.0.2.7")}}, want: []string{"IP address SAN 192.0.2.7"}},
		{name: "uri-san", csr: badCSR{cn: a, dns: []string{a}, uris: []string{"spiffe://cluster.local/ns/x/sa/y"}}, want: []string{"URI SAN spiffe://cluster.local/ns/x/sa/y"}},
		{name: "email-san", csr: badCSR{cn: a, dns: []string{a}, emails: []string{"admin@" + domain}}, want: []string{"email SAN admin@" + domain}},
		{name: "rsa-1024", csr: badCSR{cn: a, dns: []string{a}, key: newKey(t, "rsa1024")}, want: []string{"RSA key of 1024 bits"}},
		{name: "ed25519", csr: badCSR{cn: a, dns: []string{a}, key: newKey(t, "ed25519")}, want: []string{"Ed25519 key"}},
		{name: "p-521", csr: badCSR{cn: a, dns: []string{a}, key: newKey(t, "p521")}, want: []string{"ECDSA key on curve P-521"}},
		{name: "no-names", csr: badCSR{}, want: []string{"no DNS name"}},
		{name: "name-254", csr: badCSR{dns: []string{long}}, want: []string{long, "254 characters"}},
		{name: "non-ascii", csr: badCSR{cn: "bücher." + domain, dns: []string{"xn--bcher-kva." + domain}}, want: []string{"bücher." + domain, "punycode"}},
		{name: "cn-not-a-san", csr: badCSR{cn: "other." + domain, dns: []string{a}}, want: []string{`common name "other.` + domain + `" is not among the DNS names`}},
		{name: "duplicate", csr: badCSR{dns: []string{a, "A." + domain}}, want: []string{`"A.` + domain + `" appears twice`}},
		{name: "is-ca", csr: badCSR{cn: a, dns: []string{a}}, isCA: true, want: []string{"isCA"}},
		{name: "duration-5y", csr: badCSR{cn: a, dns: []string{a}}, duration: 5 * 365 * 24 * time.Hour, want: []string{"duration 43800h0m0s", "cannot give"}},
		{name: "duration-1h", csr: badCSR{cn: a, dns: []string{a}}, duration: time.Hour, want: []string{"duration 1h0m0s", "cannot give"}},
		{name: "hostname-underscore", csr: badCSR{dns: []string{"bad_name." + domain}}, want: []string{"bad_name." + domain, "'_'"}},
		{name: "hostname-hyphen", csr: badCSR{dns: []string{"-a." + domain}}, want: []string{"-a." + domain, "'-'"}},
		{name: "hostname-inner-wildcard", csr: badCSR{dns: []string{"a.*." + domain}}, want: []string{"a.*." + domain, "'*'"}},
	}
	// 102 names: SSLmarket counts SANs beside the main name, and
	// rapidssl-rapidssl-dv allows 100 of them.
	many := make([]string, 102)
	for i := range many {
		many[i] = fmt.Sprintf("n%d.%s", i, domain)
	}
	wildcard := "*." + domain
	switch provider {
	case v1alpha1.ProviderSSLMarket: // rapidssl-rapidssl-dv: up to 100 SANs, no wildcard
		cases = append(cases,
			badCase{name: "wildcard", csr: badCSR{dns: []string{wildcard}}, want: []string{wildcard, "rapidssl-rapidssl-dv is not a wildcard product"}},
			badCase{name: "too-many-sans", csr: badCSR{dns: many}, want: []string{"rapidssl-rapidssl-dv allows 0 to 100", "the request has 101 (102 names)"}},
		)
	case v1alpha1.ProviderCyberSSL: // product 1: up to 100 names, no wildcard
		cases = append(cases,
			badCase{name: "wildcard", csr: badCSR{dns: []string{wildcard}}, want: []string{"CyberSSL product 1", "is not a wildcard product", wildcard}},
			badCase{name: "too-many-sans", csr: badCSR{dns: many}, want: []string{"CyberSSL product 1", "at most 100 names, the request has 102"}},
		)
	case v1alpha1.ProviderSSLCI: // method http cannot validate a wildcard
		cases = append(cases,
			badCase{name: "wildcard-http", csr: badCSR{dns: []string{wildcard}}, want: []string{wildcard, `needs "dns"`}},
			// SSLCI documents no name limit: the (free) verifications run and
			// the paid finalize is refused, once, without buying anything.
			badCase{name: "too-many-sans", csr: badCSR{dns: many}, want: []string{"SSLCI refused finalize"}},
		)
	}
	return cases
}

// nameOfLen returns a valid name of n characters: labels of up to 63 'l's,
// then domain.
func nameOfLen(n int, domain string) string {
	var b strings.Builder
	for rest := n - len(domain); rest > 0; {
		l := min(64, rest) // a label and its dot
		if rest-l == 1 {
			l-- // leave room for a label of one character
		}
		b.WriteString(strings.Repeat("l", l-1) + ".")
		rest -= l
	}
	return b.String() + domain
}

func newKey(t *testing.T, kind string) crypto.Signer {
	t.Helper()
	var key crypto.Signer
	var err error
	switch kind {
	case "rsa1024":
		key, err = rsa.GenerateKey(rand.Reader, 1024)
	case "ed25519":
		_, key, err = ed25519.GenerateKey(rand.Reader)
	case "p521":
		key, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	default:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	require.NoError(t, err)
	return key
}

func (c badCSR) pem(t *testing.T) []byte {
	t.Helper()
	key := c.key
	if key == nil {
		key = newKey(t, "p256")
	}
	tmpl := &x509.CertificateRequest{Subject: pkix.Name{CommonName: c.cn}, DNSNames: c.dns, IPAddresses: c.ips, EmailAddresses: c.emails}
	for _, u := range c.uris {
		parsed, err := url.Parse(u)
		require.NoError(t, err)
		tmpl.URIs = append(tmpl.URIs, parsed)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

// TestBadInput sends each provider CertificateRequests that must fail before
// anything is ordered: the message names the fault and the account spends
// nothing.
func TestBadInput(t *testing.T) {
	s := sharedStack(t)
	for _, provider := range []string{v1alpha1.ProviderSSLCI, v1alpha1.ProviderSSLMarket, v1alpha1.ProviderCyberSSL} {
		t.Run(provider, func(t *testing.T) {
			ctx := context.Background()
			account := "badinput-" + provider
			ns := account
			createNamespace(t, s, ns)
			createSecret(t, s, ns, "api", accounts[account])
			issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: provider}, Spec: specFor(s, provider, "api")}
			require.NoError(t, s.Control.Client.Create(ctx, issuer))
			waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
			ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: provider}

			// Create every request first, then wait: they fail concurrently.
			cases := badCases(t, provider, provider+".bad.example.com")
			reqs := make([]*cmapi.CertificateRequest, len(cases))
			for i, c := range cases {
				cr := &cmapi.CertificateRequest{
					ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: c.name},
					Spec: cmapi.CertificateRequestSpec{
						Request:   c.csr.pem(t),
						IssuerRef: ref,
						IsCA:      c.isCA,
						Usages:    []cmapi.KeyUsage{cmapi.UsageDigitalSignature, cmapi.UsageServerAuth},
					},
				}
				if c.duration != 0 {
					cr.Spec.Duration = &metav1.Duration{Duration: c.duration}
				}
				require.NoError(t, s.Control.Client.Create(ctx, cr), c.name)
				reqs[i] = cr
			}
			for i, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					msg := waitFailed(t, s, reqs[i])
					for _, frag := range c.want {
						assert.Contains(t, msg, frag)
					}
				})
			}
			assert.Zero(t, orders(t, s, provider, account), "a bad request must order nothing")
		})
	}
}

// waitFailed waits for Ready=False with reason Failed and returns the message.
func waitFailed(t *testing.T, s *framework.Stack, cr *cmapi.CertificateRequest) string {
	t.Helper()
	var msg string
	ok := assert.Eventually(t, func() bool {
		if err := s.Control.Client.Get(context.Background(), client.ObjectKeyFromObject(cr), cr); err != nil {
			return false
		}
		for _, c := range cr.Status.Conditions {
			if c.Type == cmapi.CertificateRequestConditionReady && c.Status == cmmeta.ConditionFalse && c.Reason == cmapi.CertificateRequestReasonFailed {
				msg = c.Message
				return true
			}
		}
		return false
	}, badTimeout, 250*time.Millisecond)
	if !ok {
		t.Fatalf("CertificateRequest %s/%s did not fail: conditions %+v", cr.Namespace, cr.Name, cr.Status.Conditions)
	}
	return msg
}
