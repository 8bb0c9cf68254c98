package ca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCSRPublicKey(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{DNSNames: []string{"a.example"}}, key)
	require.NoError(t, err)
	csrPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	spki, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	tampered := append([]byte(nil), der...)
	tampered[len(tampered)-1] ^= 1

	tests := []struct {
		name string
		pem  string
		want []byte
	}{
		{name: "a CSR", pem: csrPEM, want: spki},
		{name: "with blanks and text around it", pem: "\n  csr:\n" + csrPEM + "\n\n", want: spki},
		{name: "empty", pem: ""},
		{name: "not PEM", pem: "MIIB..."},
		{name: "a certificate block", pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))},
		{name: "a bad signature", pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: tampered}))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, CSRPublicKey(tt.pem))
		})
	}
}
