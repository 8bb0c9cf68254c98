//go:build e2e

package e2e

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// TestCertManagerHost checks that the cert-manager host issues a Certificate
// from a SelfSigned Issuer, and that ingress-shim turns an annotated Ingress
// into a Certificate.
func TestCertManagerHost(t *testing.T) {
	ctx := t.Context()
	logDir := logDir(t)

	cp, err := framework.StartControlPlane(ctx, logDir)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, cp.Stop()) })

	root, err := framework.RepoRoot()
	require.NoError(t, err)
	binDir := t.TempDir()
	start := time.Now()
	require.NoError(t, framework.BuildBinaries(root, binDir, "./e2e/cmd/cert-manager-host"))
	t.Logf("built cert-manager-host in %s", time.Since(start).Round(time.Second))

	// As cert-manager's controller runs in a cluster: its ServiceAccount with
	// the RBAC of cert-manager's chart.
	id, err := cp.InstallCertManagerIdentity(ctx, logDir)
	require.NoError(t, err)
	host, err := framework.StartProcess(ctx, "cert-manager-host", filepath.Join(logDir, "cert-manager-host.log"),
		filepath.Join(binDir, "cert-manager-host"), "--kubeconfig", id.Kubeconfig, "-v", "2")
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, host.Stop(), "cert-manager-host should exit cleanly on SIGTERM") })

	cl := cp.Client
	ns := "smoke"
	require.NoError(t, cl.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	require.NoError(t, cl.Create(ctx, &cmapi.Issuer{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "selfsigned"},
		Spec:       cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{SelfSigned: &cmapi.SelfSignedIssuer{}}},
	}))

	t.Run("Certificate", func(t *testing.T) {
		require.NoError(t, cl.Create(ctx, &cmapi.Certificate{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "smoke"},
			Spec: cmapi.CertificateSpec{
				DNSNames:   []string{"smoke.example.com"},
				SecretName: "smoke-tls",
				IssuerRef:  cmmeta.IssuerReference{Name: "selfsigned", Kind: "Issuer"},
			},
		}))
		waitForCertificate(t, ctx, cl, ns, "smoke", "smoke-tls", "smoke.example.com")
	})

	t.Run("IngressShim", func(t *testing.T) {
		pathType := networkingv1.PathTypePrefix
		require.NoError(t, cl.Create(ctx, &networkingv1.Ingress{
			ObjectMeta: metav1.ObjectMeta{
				Namespace:   ns,
				Name:        "web",
				Annotations: map[string]string{"cert-manager.io/issuer": "selfsigned"},
			},
			Spec: networkingv1.IngressSpec{
				TLS: []networkingv1.IngressTLS{{Hosts: []string{"web.example.com"}, SecretName: "web-tls"}},
				Rules: []networkingv1.IngressRule{{
					Host: "web.example.com",
					IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
						Paths: []networkingv1.HTTPIngressPath{{
							Path:     "/",
							PathType: &pathType,
							Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
								Name: "web", Port: networkingv1.ServiceBackendPort{Number: 80},
							}},
						}},
					}},
				}},
			},
		}))
		// ingress-shim names the Certificate after the TLS Secret.
		waitForCertificate(t, ctx, cl, ns, "web-tls", "web-tls", "web.example.com")
	})
}

// logDir returns a folder for the processes' logs; it is kept (and its path
// logged) when the test fails or E2E_KEEP_LOGS is set.
func logDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "e2e-"+t.Name()+"-")
	require.NoError(t, err)
	t.Logf("process logs: %s", dir)
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("E2E_KEEP_LOGS") != "" {
			t.Logf("process logs kept in %s", dir)
			return
		}
		_ = os.RemoveAll(dir)
	})
	return dir
}

// waitForCertificate waits until the Certificate is Ready and its Secret holds
// a key and a certificate for dnsName.
func waitForCertificate(t *testing.T, ctx context.Context, cl client.Client, ns, name, secretName, dnsName string) {
	t.Helper()
	var status string
	err := framework.Eventually(ctx, 2*time.Minute, time.Second, func() (bool, error) {
		var crt cmapi.Certificate
		if err := cl.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &crt); err != nil {
			status = err.Error()
			return false, nil //nolint:nilerr // a failed Get is polled again; status keeps its message for the failure report
		}
		for _, c := range crt.Status.Conditions {
			if c.Type == cmapi.CertificateConditionReady {
				status = string(c.Status) + ": " + c.Message
				return c.Status == cmmeta.ConditionTrue, nil
			}
		}
		status = "no Ready condition yet"
		return false, nil
	}, func(elapsed time.Duration) {
		if elapsed%(10*time.Second) == 0 {
			t.Logf("%s: waiting for Certificate %s/%s (%s)", elapsed, ns, name, status)
		}
	})
	require.NoError(t, err, "Certificate %s/%s: %s", ns, name, status)

	var secret corev1.Secret
	require.NoError(t, cl.Get(ctx, client.ObjectKey{Namespace: ns, Name: secretName}, &secret))
	require.NotEmpty(t, secret.Data[corev1.TLSPrivateKeyKey], "tls.key")
	block, _ := pem.Decode(secret.Data[corev1.TLSCertKey])
	require.NotNil(t, block, "tls.crt holds no PEM block")
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	require.Contains(t, cert.DNSNames, dnsName)
}
