//go:build e2e

package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/cyberssl"
)

// (a) A Certificate through a ResellerIssuer: Ready, chain to the sandbox
// root, the requested names, the Secret's own key, one finalize.
func TestSSLCICertificate(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	ns := "sslci-certificate"
	createNamespace(t, s, ns)
	createSecret(t, s, ns, "sslci-token", accounts["sslci-certificate"])
	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sslci"}, Spec: sslciSpec(s, "sslci-token")}
	require.NoError(t, s.Control.Client.Create(ctx, issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)

	names := []string{"shop.example.com", "www.shop.example.com"}
	cert := createCertificate(t, s, ns, "shop", cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: "sslci"}, names...)
	waitCertificateReady(t, s, cert)

	secret := waitSecret(t, s, ns, cert.Spec.SecretName)
	verifyChain(t, s, secret.Data[corev1.TLSCertKey], names, publicKeyOfSecret(t, secret))
	assert.Equal(t, 1, finalizes(t, s, "sslci-certificate"), "(d) exactly one finalize for one Certificate")

	metrics, err := s.Metrics(ctx)
	require.NoError(t, err)
	assert.Regexp(t, `reseller_issuer_reseller_requests_total\{operation="finalize",outcome="success",provider="sslci"\} [1-9]`, metrics, "reseller calls are counted")
}

// (b) A ResellerClusterIssuer and an annotated Ingress get their TLS Secret.
func TestSSLCIIngressClusterIssuer(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	createSecret(t, s, framework.ClusterResourceNamespace, "sslci-ingress-token", accounts["sslci-ingress"])
	issuer := &v1alpha1.ResellerClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: "sslci-ingress"}, Spec: sslciSpec(s, "sslci-ingress-token")}
	require.NoError(t, s.Control.Client.Create(ctx, issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)

	ns := "sslci-ingress"
	createNamespace(t, s, ns)
	pathType := networkingv1.PathTypePrefix
	ing := &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web", Annotations: map[string]string{
			"cert-manager.io/issuer":       "sslci-ingress",
			"cert-manager.io/issuer-kind":  "ResellerClusterIssuer",
			"cert-manager.io/issuer-group": "reseller-issuer.dev",
		}},
		Spec: networkingv1.IngressSpec{
			TLS: []networkingv1.IngressTLS{{Hosts: []string{"web.example.org"}, SecretName: "web-tls"}},
			Rules: []networkingv1.IngressRule{{Host: "web.example.org", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
				Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &pathType, Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: 80}}}}},
			}}}},
		},
	}
	require.NoError(t, s.Control.Client.Create(ctx, ing))

	secret := waitSecret(t, s, ns, "web-tls")
	verifyChain(t, s, secret.Data[corev1.TLSCertKey], []string{"web.example.org"}, publicKeyOfSecret(t, secret))
	assert.Equal(t, 1, finalizes(t, s, "sslci-ingress"))
}

// (c) A Kubernetes CertificateSigningRequest, once approved, gets its certificate.
func TestSSLCIKubernetesCSR(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	createSecret(t, s, framework.ClusterResourceNamespace, "sslci-csr-token", accounts["sslci-csr"])
	issuer := &v1alpha1.ResellerClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: "sslci-csr"}, Spec: sslciSpec(s, "sslci-csr-token")}
	require.NoError(t, s.Control.Client.Create(ctx, issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	names := []string{"api.example.net"}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: names[0]}, DNSNames: names}, key)
	require.NoError(t, err)
	csr := &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: "api-example-net"},
		Spec: certificatesv1.CertificateSigningRequestSpec{
			Request:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}),
			SignerName: v1alpha1.ClusterIssuerTypeIdentifier + "/sslci-csr",
			Usages:     []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageServerAuth},
		},
	}
	require.NoError(t, s.Control.Client.Create(ctx, csr))
	kube, err := kubernetes.NewForConfig(s.Control.Config)
	require.NoError(t, err)
	csr.Status.Conditions = append(csr.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
		Type: certificatesv1.CertificateApproved, Status: corev1.ConditionTrue, Reason: "E2E", Message: "approved by the e2e test",
	})
	_, err = kube.CertificatesV1().CertificateSigningRequests().UpdateApproval(ctx, csr.Name, csr, metav1.UpdateOptions{})
	require.NoError(t, err)

	require.Eventually(t, func() bool {
		return s.Control.Client.Get(ctx, client.ObjectKeyFromObject(csr), csr) == nil && len(csr.Status.Certificate) > 0
	}, issueTimeout, 500*time.Millisecond, "the CSR never got a certificate: %+v", csr.Status.Conditions)
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	verifyChain(t, s, csr.Status.Certificate, names, pub)
	assert.Equal(t, 1, finalizes(t, s, "sslci-csr"))
}

// (e) A wrong token leaves the Issuer not Ready with a clear reason, and a
// Certificate referencing it places no order.
func TestSSLCIWrongToken(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	ns := "sslci-wrong-token"
	createNamespace(t, s, ns)
	createSecret(t, s, ns, "sslci-token", wrongToken)
	before, err := s.SandboxStats(ctx)
	require.NoError(t, err)

	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sslci"}, Spec: sslciSpec(s, "sslci-token")}
	require.NoError(t, s.Control.Client.Create(ctx, issuer))
	cond := waitIssuerCondition(t, s, issuer, metav1.ConditionFalse)
	assert.Contains(t, cond.Message, "SSLCI refused the token")
	assert.Contains(t, cond.Message, "401")
	assert.NotContains(t, cond.Message, wrongToken, "the token never appears in a condition")

	cert := createCertificate(t, s, ns, "denied", cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: "sslci"}, "denied.example.com")
	time.Sleep(10 * time.Second)
	require.NoError(t, s.Control.Client.Get(ctx, client.ObjectKeyFromObject(cert), cert))
	for _, c := range cert.Status.Conditions {
		if c.Type == cmapi.CertificateConditionReady {
			assert.NotEqual(t, cmmeta.ConditionTrue, c.Status)
		}
	}
	after, err := s.SandboxStats(ctx)
	require.NoError(t, err)
	assert.Equal(t, withoutChecks(before), withoutChecks(after), "no order, verification or finalize was placed at the sandbox")
}

// withoutChecks leaves out what the periodic Issuer checks of other tests
// count (CyberSSL balance reads).
func withoutChecks(st sandbox.Stats) sandbox.Stats {
	out := st
	out.CyberSSL = map[string]cyberssl.AccountStats{}
	for name, a := range st.CyberSSL {
		a.BalanceReads = 0
		out.CyberSSL[name] = a
	}
	return out
}
