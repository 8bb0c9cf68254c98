package sslmarket

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
)

func TestTools(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := f.issued(f.alice, "t.example.com", "u.example.com")
	certPEM := must(f.alice.Download(ctx, id, formatPEMServer))
	leaf := sandboxtest.ParseCerts(t, certPEM)[0]

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:  pkix.Name{CommonName: "example.com", Organization: []string{"Example Ltd"}, Locality: []string{"London"}, Country: []string{"GB"}},
		DNSNames: []string{"example.com", "www.example.com"},
	}, rsaKey)
	require.NoError(t, err)
	dec, err := f.alice.DecodeCSR(ctx, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	require.NoError(t, err)
	assert.Equal(t, csrSubject{CN: "example.com", O: "Example Ltd", L: "London", C: "GB"}, dec.Subject)
	assert.Equal(t, "2048", dec.PKey.Length)
	assert.Equal(t, "RSA", dec.PKey.Algorithm)
	assert.Contains(t, dec.PKey.PKey, "BEGIN PUBLIC KEY")
	assert.Equal(t, []string{"example.com", "www.example.com"}, dec.SANs)

	cd, err := f.alice.DecodeCertificate(ctx, certPEM)
	require.NoError(t, err)
	assert.Equal(t, "t.example.com", cd.Owner.Domain)
	assert.Equal(t, "256", cd.Length)
	assert.Equal(t, 3, cd.Algorithm, "PHP's OPENSSL_KEYTYPE_EC")
	assert.Equal(t, []string{"t.example.com", "u.example.com"}, cd.SANs)
	assert.Equal(t, leaf.SerialNumber.String(), cd.SerialNumber)
	assert.Equal(t, strings.ToUpper(leaf.SerialNumber.Text(16)), cd.SerialNumberHex)
	assert.Equal(t, leaf.NotAfter.UTC().Format("2006-01-02 15:04:05"), cd.ValidTo)
	assert.Contains(t, cd.PKey.PKey, "BEGIN PUBLIC KEY")

	st, err := f.alice.CheckOCSP(ctx, certPEM)
	require.NoError(t, err)
	assert.Equal(t, ocspGood, st.Status)
	assert.Equal(t, f.clock.Now().UTC().Format("2006-01-02 15:04:05"), st.ThisUpdate)

	// A certificate of another CA.
	_, err = f.alice.CheckOCSP(ctx, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.ca.Root().Raw}))
	assert.True(t, statusOf(err) == 400, "%v", err)

	for _, path := range []string{"/tool/decoder/csr", "/tool/decoder/certificate", "/tool/ocsp"} {
		status, h, data := f.raw(http.MethodPost, path, tokenAlice, map[string]string{})
		assert.Equal(t, 400, status, path)
		assert.Equal(t, ErrTypeMissingParameter, errorBody(t, h, data).Error, path)
		status, h, data = f.raw(http.MethodPost, path, tokenAlice, map[string]string{"csr": "x", "certificate": "x"})
		assert.Equal(t, 400, status, path)
		assert.Equal(t, ErrTypeInvalidParameter, errorBody(t, h, data).Error, path)
	}

	err = f.alice.Revoke(ctx, id)
	assert.True(t, statusOf(err) == 400, "%v", err)
	assert.Equal(t, ErrTypeNotSupported, errType(err))
}
