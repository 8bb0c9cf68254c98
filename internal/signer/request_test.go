package signer

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/cert-manager/issuer-lib/controllers/signer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// csrSpec describes a test CSR.
type csrSpec struct {
	cn     string
	dns    []string
	ips    []net.IP
	uris   []string
	emails []string
}

// makeCSR returns a PEM CSR signed by a fresh P-256 key.
func makeCSR(t *testing.T, s csrSpec) []byte {
	t.Helper()
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: makeCSRDER(t, s)})
}

func makeCSRDER(t *testing.T, s csrSpec) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.CertificateRequest{
		Subject:        pkix.Name{CommonName: s.cn},
		DNSNames:       s.dns,
		IPAddresses:    s.ips,
		EmailAddresses: s.emails,
	}
	for _, u := range s.uris {
		parsed, err := url.Parse(u)
		require.NoError(t, err)
		tmpl.URIs = append(tmpl.URIs, parsed)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	require.NoError(t, err)
	return der
}

// badSignatureCSR returns a CSR that parses but whose signature does not verify.
func badSignatureCSR(t *testing.T) []byte {
	t.Helper()
	der := makeCSRDER(t, csrSpec{cn: "a.example.com", dns: []string{"a.example.com"}})
	// The last byte belongs to the signature's S integer: the CSR still
	// parses, but the signature no longer matches.
	der[len(der)-1] ^= 0xff
	_, err := x509.ParseCertificateRequest(der)
	require.NoError(t, err, "the tampered CSR must still parse")
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

func TestBuildRequest(t *testing.T) {
	valid := makeCSR(t, csrSpec{cn: "WWW.Example.com", dns: []string{"Example.COM", "WWW.Example.com"}})
	tests := []struct {
		name      string
		csr       []byte
		isCA      bool
		wantNames []string
		wantErr   []string // every fragment must appear in the error
	}{
		{
			name:      "valid, names lowercased, CN among names",
			csr:       valid,
			wantNames: []string{"example.com", "www.example.com"},
		},
		{
			name:      "valid without CN",
			csr:       makeCSR(t, csrSpec{dns: []string{"a.example.com"}}),
			wantNames: []string{"a.example.com"},
		},
		{
			name:    "IP SAN",
			csr:     makeCSR(t, csrSpec{cn: "a.example.com", dns: []string{"a.example.com"}, ips: []net.IP{net.ParseIP("192.0.2.7")}}),
			wantErr: []string{"IP address SAN", "192.0.2.7"},
		},
		{
			name:    "URI SAN",
			csr:     makeCSR(t, csrSpec{cn: "a.example.com", dns: []string{"a.example.com"}, uris: []string{"spiffe://cluster.local/ns/x/sa/y"}}),
			wantErr: []string{"URI SAN", "spiffe://cluster.local/ns/x/sa/y"},
		},
		{
			name:    "email SAN",
			csr:     makeCSR(t, csrSpec{cn: "a.example.com", dns: []string{"a.example.com"}, emails: []string{"admin@example.com"}}),
			wantErr: []string{"email SAN", "admin@example.com"},
		},
		{
			name:    "duplicate names differing in case",
			csr:     makeCSR(t, csrSpec{dns: []string{"a.example.com", "A.Example.COM"}}),
			wantErr: []string{"appears twice", "A.Example.COM"},
		},
		{
			name:    "CN not among the names",
			csr:     makeCSR(t, csrSpec{cn: "Other.example.com", dns: []string{"a.example.com"}}),
			wantErr: []string{"common name", "Other.example.com"},
		},
		{
			name:    "no names",
			csr:     makeCSR(t, csrSpec{}),
			wantErr: []string{"no DNS name"},
		},
		{
			name:    "CN only, no DNS SAN",
			csr:     makeCSR(t, csrSpec{cn: "a.example.com"}),
			wantErr: []string{"common name", "a.example.com"},
		},
		{
			name:    "isCA",
			csr:     valid,
			isCA:    true,
			wantErr: []string{"isCA"},
		},
		{
			name:    "garbage",
			csr:     []byte("not a CSR at all"),
			wantErr: []string{"PEM CERTIFICATE REQUEST"},
		},
		{
			name:    "PEM of the wrong type",
			csr:     pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2, 3}}),
			wantErr: []string{"PEM CERTIFICATE REQUEST"},
		},
		{
			name:    "unparsable DER",
			csr:     pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte{1, 2, 3}}),
			wantErr: []string{"cannot be parsed"},
		},
		{
			name:    "bad signature",
			csr:     badSignatureCSR(t),
			wantErr: []string{"signature is invalid"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			details := signer.CertificateDetails{CSR: tt.csr, Duration: 90 * 24 * time.Hour, IsCA: tt.isCA}
			req, err := buildRequest(details)
			if len(tt.wantErr) > 0 {
				require.Error(t, err)
				for _, frag := range tt.wantErr {
					assert.ErrorContains(t, err, frag)
				}
				assert.Empty(t, req.DNSNames)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantNames, req.DNSNames)
			assert.Equal(t, tt.csr, req.CSR)
			assert.Equal(t, 90*24*time.Hour, req.Duration)
		})
	}
}
