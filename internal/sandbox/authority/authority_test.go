package authority

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parseCertPEM(t *testing.T, b []byte) *x509.Certificate {
	t.Helper()
	block, rest := pem.Decode(b)
	require.NotNil(t, block)
	require.Equal(t, "CERTIFICATE", block.Type)
	require.Empty(t, rest)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return cert
}

func TestNewCA(t *testing.T) {
	a, err := New()
	require.NoError(t, err)

	root := parseCertPEM(t, a.RootPEM())
	inter := parseCertPEM(t, a.IntermediatePEM())
	assert.Equal(t, RootCommonName, root.Subject.CommonName)
	assert.Equal(t, IntermediateCommonName, inter.Subject.CommonName)
	assert.True(t, root.IsCA)
	assert.True(t, inter.IsCA)
	assert.Equal(t, x509.ECDSA, root.PublicKeyAlgorithm)
	assert.Equal(t, elliptic.P256(), root.PublicKey.(*ecdsa.PublicKey).Curve)
	assert.Equal(t, elliptic.P256(), inter.PublicKey.(*ecdsa.PublicKey).Curve)
	require.NoError(t, inter.CheckSignatureFrom(root))
}

func TestSign(t *testing.T) {
	a, err := New()
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(a.RootPEM())
	inters := x509.NewCertPool()
	inters.AppendCertsFromPEM(a.IntermediatePEM())

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	rsaCSR := csrPEM(t, rsaKey, "rsa.example.com")
	_, ecCSR, err := GenerateKeyAndCSR([]string{"ignored.example.com"})
	require.NoError(t, err)

	tests := []struct {
		name  string
		csr   []byte
		names []string
	}{
		{name: "ecdsa, several names", csr: ecCSR, names: []string{"a.example.com", "b.example.com", "*.c.example.com"}},
		{name: "rsa, one name", csr: rsaCSR, names: []string{"rsa.example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := time.Now()
			leafPEM, leaf, err := a.Sign(tt.csr, tt.names, 90*24*time.Hour)
			require.NoError(t, err)
			assert.Equal(t, leaf.Raw, parseCertPEM(t, leafPEM).Raw)

			_, err = leaf.Verify(x509.VerifyOptions{
				Roots:         roots,
				Intermediates: inters,
				DNSName:       tt.names[0],
				KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			})
			require.NoError(t, err)

			csr, err := ParseCSR(tt.csr)
			require.NoError(t, err)
			assert.True(t, csr.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(leaf.PublicKey))
			assert.Equal(t, tt.names, leaf.DNSNames)
			assert.Equal(t, tt.names[0], leaf.Subject.CommonName)
			assert.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, leaf.ExtKeyUsage)
			assert.False(t, leaf.IsCA)
			assert.WithinDuration(t, before.Add(-time.Minute), leaf.NotBefore, 5*time.Second)
			assert.WithinDuration(t, before.Add(90*24*time.Hour), leaf.NotAfter, 5*time.Second)
		})
	}
}

func TestSignAtUsesClock(t *testing.T) {
	a, err := New()
	require.NoError(t, err)
	_, csr, err := GenerateKeyAndCSR([]string{"a.example.com"})
	require.NoError(t, err)
	now := time.Now().Add(40 * 24 * time.Hour).Truncate(time.Second)
	_, leaf, err := a.SignAt(now, csr, []string{"a.example.com"}, 24*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, now.Add(-time.Minute).UTC(), leaf.NotBefore.UTC())
	assert.Equal(t, now.Add(24*time.Hour).UTC(), leaf.NotAfter.UTC())
}

func TestSignRejects(t *testing.T) {
	a, err := New()
	require.NoError(t, err)
	_, good, err := GenerateKeyAndCSR([]string{"a.example.com"})
	require.NoError(t, err)

	tampered := tamperCSR(t, good)
	smallRSA, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)

	tests := []struct {
		name  string
		csr   []byte
		names []string
	}{
		{name: "not PEM", csr: []byte("hello"), names: []string{"a.example.com"}},
		{name: "wrong PEM type", csr: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}}), names: []string{"a.example.com"}},
		{name: "garbage DER", csr: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte{1, 2, 3}}), names: []string{"a.example.com"}},
		{name: "bad signature", csr: tampered, names: []string{"a.example.com"}},
		{name: "small RSA key", csr: csrPEM(t, smallRSA, "a.example.com"), names: []string{"a.example.com"}},
		{name: "no names", csr: good, names: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := a.Sign(tt.csr, tt.names, time.Hour)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidCSR)
		})
	}
}

func TestGenerateKeyAndCSR(t *testing.T) {
	keyPEM, csrPEMBytes, err := GenerateKeyAndCSR([]string{"a.example.com", "b.example.com"})
	require.NoError(t, err)
	block, _ := pem.Decode(keyPEM)
	require.NotNil(t, block)
	assert.Equal(t, "PRIVATE KEY", block.Type)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	csr, err := ParseCSR(csrPEMBytes)
	require.NoError(t, err)
	assert.Equal(t, "a.example.com", csr.Subject.CommonName)
	assert.Equal(t, []string{"a.example.com", "b.example.com"}, csr.DNSNames)
	assert.True(t, key.(*ecdsa.PrivateKey).PublicKey.Equal(csr.PublicKey))
}

func csrPEM(t *testing.T, key any, cn string) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:  pkix.Name{CommonName: cn},
		DNSNames: []string{cn},
	}, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

// tamperCSR changes one byte of the subject of a valid CSR, which breaks
// its signature.
func tamperCSR(t *testing.T, in []byte) []byte {
	t.Helper()
	block, _ := pem.Decode(in)
	require.NotNil(t, block)
	der := append([]byte(nil), block.Bytes...)
	idx := bytes.Index(der, []byte("a.example.com"))
	require.GreaterOrEqual(t, idx, 0)
	der[idx] = 'z'
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}
