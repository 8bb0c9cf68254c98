package sslci

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
)

func (f *fixture) verifyChain(resp finalizeResponse, names []string) *x509.Certificate {
	f.t.Helper()
	leaf := sandboxtest.ParseCert(f.t, resp.CRT)
	inter := sandboxtest.ParseCert(f.t, resp.CA)
	assert.Equal(f.t, authority.IntermediateCommonName, inter.Subject.CommonName)
	roots := x509.NewCertPool()
	require.True(f.t, roots.AppendCertsFromPEM(f.ca.RootPEM()))
	inters := x509.NewCertPool()
	inters.AddCert(inter)
	for _, n := range names {
		_, err := leaf.Verify(x509.VerifyOptions{
			Roots: roots, Intermediates: inters, DNSName: n, CurrentTime: f.clock.Now(),
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		})
		require.NoError(f.t, err, n)
	}
	assert.Equal(f.t, names, leaf.DNSNames)
	assert.Equal(f.t, names[0], leaf.Subject.CommonName)
	return leaf
}

func TestHappyPath(t *testing.T) {
	f := newFixture(t)
	const domain = "app.example.com"

	// Verification order.
	o := f.order(tokenAlice, domain, methodHTTP)
	assert.True(t, o.Status)
	assert.Equal(t, domain, o.Domain)
	assert.Equal(t, int64(1), o.OrderID)
	v := o.Verification
	assert.Equal(t, methodHTTP, v.Method)
	require.NotEmpty(t, v.Token)
	assert.True(t, strings.HasPrefix(v.Content, v.Token+"."), v.Content)
	assert.Greater(t, len(v.Content), len(v.Token)+1)
	assert.Equal(t, "/.well-known/acme-challenge/"+v.Token, v.FilePath)
	assert.Equal(t, "http://"+domain+v.FilePath, v.URL)

	l := f.list(tokenAlice)
	assert.True(t, l.Status)
	assert.Empty(t, l.Certificates)
	assert.Equal(t, []pendingOrder{{OrderID: 1, Domains: domain, Status: "pending"}}, l.PendingOrders)

	// Confirmation without order_id: the pending order is found.
	f.files.Publish(domain, v.FilePath, v.Content)
	var conf confirmResponse
	status, raw := f.do(http.MethodPut, "", confirmRequest{Token: tokenAlice, Domain: domain}, &conf)
	require.Equal(t, http.StatusOK, status, string(raw))
	assert.JSONEq(t, `{"status":true,"domain":"app.example.com","order_id":1,"verified":true}`, string(raw))
	assert.Empty(t, f.list(tokenAlice).PendingOrders)

	// Finalize with our own CSR.
	keyPEM, csrPEM, err := authority.GenerateKeyAndCSR([]string{domain})
	require.NoError(t, err)
	var fin finalizeResponse
	status, raw = f.do(http.MethodPost, "", finalizeRequest{Token: tokenAlice, Action: actionFinalize, Domains: []string{domain}, CSR: string(csrPEM)}, &fin)
	require.Equal(t, http.StatusOK, status, string(raw))
	assert.True(t, fin.Status)
	assert.Empty(t, fin.Key, "no key when a CSR is sent")
	assert.NotContains(t, string(raw), `"key"`)
	assert.Equal(t, string(csrPEM), fin.CSR)
	leaf := f.verifyChain(fin, []string{domain})
	assertKeyMatches(t, keyPEM, leaf)
	assert.Equal(t, domain, fin.Details.Subject.CN)
	assert.Equal(t, "DNS:"+domain, fin.Details.SAN)
	assert.Equal(t, f.clock.Now().Add(-time.Minute).UTC().Format("2006-01-02 15:04:05"), fin.Details.ValidFrom)
	assert.Equal(t, f.clock.Now().Add(apienv.DefaultValidity).UTC().Format("2006-01-02 15:04:05"), fin.Details.ValidTo)

	l = f.list(tokenAlice)
	assert.Equal(t, []listedCert{{
		CrtID:   1,
		Domains: domain,
		AddTime: f.clock.Now().Unix(),
		EndTime: f.clock.Now().Add(apienv.DefaultValidity).Unix(),
	}}, l.Certificates)
	assert.Empty(t, l.PendingOrders)
	assert.Empty(t, f.list(tokenBob).Certificates, "bob sees none of alice's certificates")

	assert.Equal(t, map[string]AccountStats{
		"alice": {VerificationOrders: 1, Confirmations: 1, Finalizes: 1, Certificates: 1},
		"bob":   {},
	}, f.srv.Stats())
}

func assertKeyMatches(t *testing.T, keyPEM []byte, leaf *x509.Certificate) {
	t.Helper()
	block, _ := pem.Decode(keyPEM)
	require.NotNil(t, block)
	assert.Equal(t, "PRIVATE KEY", block.Type)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	assert.True(t, key.(crypto.Signer).Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(leaf.PublicKey))
}

func TestMultiDomainFinalizeGeneratesKey(t *testing.T) {
	f := newFixture(t)
	names := []string{"a.example.com", "b.example.com", "c.example.org"}
	for _, n := range names {
		f.verify(tokenAlice, n)
	}
	var fin finalizeResponse
	// Duplicates and case are normalised.
	status, raw := f.do(http.MethodPost, "", finalizeRequest{
		Token: tokenAlice, Action: actionFinalize,
		Domains: []string{"a.example.com", "B.example.com", "c.example.org", "a.example.com"},
	}, &fin)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.NotEmpty(t, fin.Key, "a key is generated without a CSR")
	leaf := f.verifyChain(fin, names)
	assertKeyMatches(t, []byte(fin.Key), leaf)
	_, err := authority.ParseCSR([]byte(fin.CSR))
	require.NoError(t, err)
	assert.Equal(t, "a.example.com", fin.Details.Subject.CN)
	assert.Equal(t, "DNS:a.example.com, DNS:b.example.com, DNS:c.example.org", fin.Details.SAN)

	// The verification stays valid: a second certificate needs no new order.
	status, raw = f.do(http.MethodPost, "", finalizeRequest{Token: tokenAlice, Action: actionFinalize, Domains: names[:1]}, &fin)
	require.Equal(t, http.StatusOK, status, string(raw))

	l := f.list(tokenAlice)
	require.Len(t, l.Certificates, 2)
	assert.Equal(t, int64(1), l.Certificates[0].CrtID)
	assert.Equal(t, "a.example.com,b.example.com,c.example.org", l.Certificates[0].Domains)
	assert.Equal(t, int64(2), l.Certificates[1].CrtID)
	assert.Equal(t, "a.example.com", l.Certificates[1].Domains)
	assert.Equal(t, AccountStats{VerificationOrders: 3, Confirmations: 3, Finalizes: 2, Certificates: 2}, f.srv.Stats()["alice"])
}

func TestFinalizeRefused(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(f *fixture)
		domains []string
		csr     string
		message string
	}{
		{
			name:    "domain never verified",
			setup:   func(f *fixture) { f.verify(tokenAlice, "a.example.com") },
			domains: []string{"a.example.com", "b.example.com"},
			message: "domain b.example.com is not verified",
		},
		{
			name: "order created but not confirmed",
			setup: func(f *fixture) {
				f.order(tokenAlice, "a.example.com", methodHTTP)
			},
			domains: []string{"a.example.com"},
			message: "domain a.example.com is not verified",
		},
		{
			name:    "verified by another account",
			setup:   func(f *fixture) { f.verify(tokenBob, "a.example.com") },
			domains: []string{"a.example.com"},
			message: "domain a.example.com is not verified",
		},
		{
			name: "verification older than 29 days",
			setup: func(f *fixture) {
				f.verify(tokenAlice, "a.example.com")
				f.clock.Advance(29*24*time.Hour + time.Second)
			},
			domains: []string{"a.example.com"},
			message: "verification of domain a.example.com expired",
		},
		{
			name:    "bad csr",
			setup:   func(f *fixture) { f.verify(tokenAlice, "a.example.com") },
			domains: []string{"a.example.com"},
			csr:     "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
			message: "invalid parameter csr",
		},
		{
			name:    "csr not PEM",
			domains: []string{"a.example.com"},
			csr:     "hello",
			message: "invalid parameter csr",
		},
		{
			name:    "no domains",
			message: "missing parameter domains",
		},
		{
			name:    "invalid domain",
			domains: []string{"a.example.com", "not a domain"},
			message: "invalid parameter domains",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			var e errorResponse
			status, raw := f.do(http.MethodPost, "", finalizeRequest{Token: tokenAlice, Action: actionFinalize, Domains: tt.domains, CSR: tt.csr}, &e)
			assert.Equal(t, http.StatusBadRequest, status, string(raw))
			assert.False(t, e.Status)
			assert.Contains(t, e.Message, tt.message)
			assert.Zero(t, f.srv.Stats()["alice"].Finalizes)
			assert.Empty(t, f.list(tokenAlice).Certificates)
		})
	}

	t.Run("verification within 29 days", func(t *testing.T) {
		f := newFixture(t)
		f.verify(tokenAlice, "a.example.com")
		f.clock.Advance(29 * 24 * time.Hour)
		status, raw := f.do(http.MethodPost, "", finalizeRequest{Token: tokenAlice, Action: actionFinalize, Domains: []string{"a.example.com"}}, nil)
		assert.Equal(t, http.StatusOK, status, string(raw))
	})
}
