//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"slices"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

const issueTimeout = 3 * time.Minute

func createNamespace(t *testing.T, s *framework.Stack, name string) {
	t.Helper()
	require.NoError(t, s.Control.Client.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}))
}

func createSecret(t *testing.T, s *framework.Stack, ns, name, token string) {
	t.Helper()
	require.NoError(t, s.Control.Client.Create(context.Background(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		StringData: map[string]string{"token": token},
	}))
}

func sslciSpec(s *framework.Stack, secret string) v1alpha1.IssuerSpec {
	return v1alpha1.IssuerSpec{SSLCI: &v1alpha1.SSLCI{
		URL:            v1alpha1.ResellerURL(s.SandboxURL + sandbox.SSLCIPath),
		TokenSecretRef: v1alpha1.SecretKeySelector{Name: secret, Key: "token"},
	}}
}

// waitIssuerReady waits for the Ready condition of a (Cluster)Issuer to have
// the given status and returns the condition.
func waitIssuerCondition(t *testing.T, s *framework.Stack, obj client.Object, status metav1.ConditionStatus) metav1.Condition {
	t.Helper()
	var cond metav1.Condition
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		require.NoError(c, s.Control.Client.Get(context.Background(), client.ObjectKeyFromObject(obj), obj))
		var conds []metav1.Condition
		switch i := obj.(type) {
		case *v1alpha1.ResellerIssuer:
			conds = i.Status.Conditions
		case *v1alpha1.ResellerClusterIssuer:
			conds = i.Status.Conditions
		}
		ready := apimeta.FindStatusCondition(conds, "Ready")
		require.NotNil(c, ready)
		require.Equal(c, status, ready.Status, "%s: %s", ready.Reason, ready.Message)
		cond = *ready
	}, time.Minute, 250*time.Millisecond)
	return cond
}

func createCertificate(t *testing.T, s *framework.Stack, ns, name string, ref cmmeta.IssuerReference, names ...string) *cmapi.Certificate {
	t.Helper()
	cert := &cmapi.Certificate{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: cmapi.CertificateSpec{
			SecretName: name + "-tls",
			DNSNames:   names,
			IssuerRef:  ref,
			PrivateKey: &cmapi.CertificatePrivateKey{Algorithm: cmapi.ECDSAKeyAlgorithm, Size: 256},
		},
	}
	require.NoError(t, s.Control.Client.Create(context.Background(), cert))
	return cert
}

// waitCertificateReady waits for Ready=True, reporting the request's state on
// failure. A request RBAC refuses to cert-manager or reseller-issuer ends the
// wait at once, naming the missing permission.
func waitCertificateReady(t *testing.T, s *framework.Stack, cert *cmapi.Certificate) {
	t.Helper()
	ctx := context.Background()
	err := framework.Eventually(ctx, issueTimeout, 500*time.Millisecond, func() (bool, error) {
		if err := deniedErr(s); err != nil {
			return false, err
		}
		if err := s.Control.Client.Get(ctx, client.ObjectKeyFromObject(cert), cert); err != nil {
			return false, nil //nolint:nilerr // polled again
		}
		for _, c := range cert.Status.Conditions {
			if c.Type == cmapi.CertificateConditionReady && c.Status == cmmeta.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	}, nil)
	if err != nil {
		var reqs cmapi.CertificateRequestList
		_ = s.Control.Client.List(ctx, &reqs, client.InNamespace(cert.Namespace))
		for _, r := range reqs.Items {
			t.Logf("CertificateRequest %s: conditions %+v annotations %v", r.Name, r.Status.Conditions, r.Annotations)
		}
		t.Fatalf("Certificate %s/%s not Ready: %v; conditions %+v", cert.Namespace, cert.Name, err, cert.Status.Conditions)
	}
}

// waitSecret waits for a TLS Secret to hold a certificate.
func waitSecret(t *testing.T, s *framework.Stack, ns, name string) *corev1.Secret {
	t.Helper()
	secret := &corev1.Secret{}
	require.Eventually(t, func() bool {
		err := s.Control.Client.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, secret)
		return err == nil && len(secret.Data[corev1.TLSCertKey]) > 0
	}, issueTimeout, 500*time.Millisecond, "Secret %s/%s never got a certificate", ns, name)
	return secret
}

// verifyChain checks a PEM chain against the sandbox root: it verifies, the
// leaf names are exactly names, and its public key is the one of keyPEM (or
// of the CSR when keyPEM is nil).
func verifyChain(t *testing.T, s *framework.Stack, chainPEM []byte, names []string, publicKeyDER []byte) {
	t.Helper()
	verifyChainAt(t, s, chainPEM, names, publicKeyDER, time.Time{})
}

// verifyChainAt is verifyChain at the moment at (zero: now).
func verifyChainAt(t *testing.T, s *framework.Stack, chainPEM []byte, names []string, publicKeyDER []byte, at time.Time) {
	t.Helper()
	var certs []*x509.Certificate
	rest := chainPEM
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		c, err := x509.ParseCertificate(block.Bytes)
		require.NoError(t, err)
		certs = append(certs, c)
	}
	require.NotEmpty(t, certs, "no certificate in the chain")
	roots, err := s.SandboxRoots(context.Background())
	require.NoError(t, err)
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err = certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: names[0], CurrentTime: at})
	require.NoError(t, err, "the chain must verify against the sandbox root")
	assert.Equal(t, slices.Sorted(slices.Values(names)), slices.Sorted(slices.Values(certs[0].DNSNames)))
	assert.True(t, bytes.Equal(publicKeyDER, certs[0].RawSubjectPublicKeyInfo), "the leaf must carry the requester's key")
}

// publicKeyOfSecret returns the SubjectPublicKeyInfo of the Secret's tls.key.
func publicKeyOfSecret(t *testing.T, secret *corev1.Secret) []byte {
	t.Helper()
	block, _ := pem.Decode(secret.Data[corev1.TLSPrivateKeyKey])
	require.NotNil(t, block, "tls.key holds no PEM")
	var key any
	var err error
	switch block.Type {
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	require.NoError(t, err)
	pub, err := x509.MarshalPKIXPublicKey(key.(crypto.Signer).Public())
	require.NoError(t, err)
	return pub
}

func finalizes(t *testing.T, s *framework.Stack, account string) int {
	t.Helper()
	stats, err := s.SandboxStats(context.Background())
	require.NoError(t, err)
	return stats.SSLCI[account].Finalizes
}
