package signer

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"net"
	"net/url"
	"strings"
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
	key    crypto.Signer // a fresh P-256 key when nil
}

// makeCSR returns a PEM CSR signed by s.key.
func makeCSR(t *testing.T, s csrSpec) []byte {
	t.Helper()
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: makeCSRDER(t, s)})
}

func makeCSRDER(t *testing.T, s csrSpec) []byte {
	t.Helper()
	key := s.key
	if key == nil {
		key = ecKey(t, elliptic.P256())
	}
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

func ecKey(t *testing.T, c elliptic.Curve) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	require.NoError(t, err)
	return k
}

func rsaKey(t *testing.T, bits int) crypto.Signer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	require.NoError(t, err)
	return k
}

func ed25519Key(t *testing.T) crypto.Signer {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return k
}

func durationOf(d time.Duration) *time.Duration { return &d }

// nameOf returns a valid DNS name of exactly n characters: labels of up to
// 63 'a's, then "example.com".
func nameOf(n int) string {
	var b strings.Builder
	for rest := n - len("example.com"); rest > 0; {
		l := min(64, rest) // a label and its dot
		if rest-l == 1 {
			l-- // leave room for a label of one character
		}
		b.WriteString(strings.Repeat("a", l-1) + ".")
		rest -= l
	}
	return b.String() + "example.com"
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
		duration  *time.Duration // 90 days when nil
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
			name:      "RSA 2048",
			csr:       makeCSR(t, csrSpec{dns: []string{"a.example.com"}, key: rsaKey(t, 2048)}),
			wantNames: []string{"a.example.com"},
		},
		{
			name:    "RSA 1024",
			csr:     makeCSR(t, csrSpec{dns: []string{"a.example.com"}, key: rsaKey(t, 1024)}),
			wantErr: []string{"RSA key of 1024 bits", "at least 2048"},
		},
		{
			name:      "ECDSA P-384",
			csr:       makeCSR(t, csrSpec{dns: []string{"a.example.com"}, key: ecKey(t, elliptic.P384())}),
			wantNames: []string{"a.example.com"},
		},
		{
			name:    "ECDSA P-521",
			csr:     makeCSR(t, csrSpec{dns: []string{"a.example.com"}, key: ecKey(t, elliptic.P521())}),
			wantErr: []string{"ECDSA key on curve P-521", "P-256 or P-384"},
		},
		{
			name:    "Ed25519",
			csr:     makeCSR(t, csrSpec{dns: []string{"a.example.com"}, key: ed25519Key(t)}),
			wantErr: []string{"Ed25519 key", "P-256 or P-384"},
		},
		{
			name:      "253 characters",
			csr:       makeCSR(t, csrSpec{dns: []string{nameOf(253)}}),
			wantNames: []string{nameOf(253)},
		},
		{
			name:    "254 characters",
			csr:     makeCSR(t, csrSpec{dns: []string{nameOf(254)}}),
			wantErr: []string{nameOf(254), "254 characters", "at most 253"},
		},
		{
			name:      "label of 63 characters",
			csr:       makeCSR(t, csrSpec{dns: []string{strings.Repeat("b", 63) + ".example.com"}}),
			wantNames: []string{strings.Repeat("b", 63) + ".example.com"},
		},
		{
			name:    "label of 64 characters",
			csr:     makeCSR(t, csrSpec{dns: []string{strings.Repeat("b", 64) + ".example.com"}}),
			wantErr: []string{strings.Repeat("b", 64), "64 characters", "at most 63"},
		},
		{
			name:      "punycode A-label",
			csr:       makeCSR(t, csrSpec{cn: "xn--bcher-kva.example.com", dns: []string{"xn--bcher-kva.example.com"}}),
			wantNames: []string{"xn--bcher-kva.example.com"},
		},
		{
			// Go (and cert-manager) cannot put a non-ASCII DNS SAN in a CSR:
			// such a name arrives only as the common name.
			name:    "non-ASCII common name",
			csr:     makeCSR(t, csrSpec{cn: "bücher.example.com", dns: []string{"xn--bcher-kva.example.com"}}),
			wantErr: []string{"common name", "bücher.example.com", "non-ASCII", "punycode"},
		},
		{
			name:      "wildcard",
			csr:       makeCSR(t, csrSpec{cn: "*.example.com", dns: []string{"*.example.com", "example.com"}}),
			wantNames: []string{"*.example.com", "example.com"},
		},
		{
			name:    "wildcard not first",
			csr:     makeCSR(t, csrSpec{dns: []string{"a.*.example.com"}}),
			wantErr: []string{"a.*.example.com", "'*' is allowed only as the whole first label"},
		},
		{
			name:    "double wildcard",
			csr:     makeCSR(t, csrSpec{dns: []string{"*.*.example.com"}}),
			wantErr: []string{"*.*.example.com", "'*' is allowed only"},
		},
		{
			name:    "partial wildcard label",
			csr:     makeCSR(t, csrSpec{dns: []string{"w*.example.com"}}),
			wantErr: []string{"w*.example.com", "'*' is allowed only"},
		},
		{
			name:    "bare wildcard",
			csr:     makeCSR(t, csrSpec{dns: []string{"*"}}),
			wantErr: []string{`"*"`, "'*' is allowed only"},
		},
		{
			name:    "empty label",
			csr:     makeCSR(t, csrSpec{dns: []string{"a..example.com"}}),
			wantErr: []string{"a..example.com", "empty label"},
		},
		{
			name:    "trailing dot",
			csr:     makeCSR(t, csrSpec{dns: []string{"a.example.com."}}),
			wantErr: []string{"a.example.com.", "empty label"},
		},
		{
			name:    "leading hyphen",
			csr:     makeCSR(t, csrSpec{dns: []string{"-a.example.com"}}),
			wantErr: []string{"-a.example.com", "starts or ends with '-'"},
		},
		{
			name:    "trailing hyphen",
			csr:     makeCSR(t, csrSpec{dns: []string{"a-.example.com"}}),
			wantErr: []string{"a-.example.com", "starts or ends with '-'"},
		},
		{
			name:    "underscore",
			csr:     makeCSR(t, csrSpec{dns: []string{"_acme.example.com"}}),
			wantErr: []string{"_acme.example.com", "'_'", "only a-z, 0-9 and '-'"},
		},
		{
			name:    "blank",
			csr:     makeCSR(t, csrSpec{dns: []string{"a b.example.com"}}),
			wantErr: []string{"a b.example.com", "' '"},
		},
		{
			name:      "duration 0 means the default",
			csr:       valid,
			duration:  durationOf(0),
			wantNames: []string{"example.com", "www.example.com"},
		},
		{
			name:      "duration 1 day",
			csr:       valid,
			duration:  durationOf(24 * time.Hour),
			wantNames: []string{"example.com", "www.example.com"},
		},
		{
			name:      "duration 398 days",
			csr:       valid,
			duration:  durationOf(398 * 24 * time.Hour),
			wantNames: []string{"example.com", "www.example.com"},
		},
		{
			name:     "duration 12 hours",
			csr:      valid,
			duration: durationOf(12 * time.Hour),
			wantErr:  []string{"duration 12h0m0s", "cannot give"},
		},
		{
			name:     "duration 399 days",
			csr:      valid,
			duration: durationOf(399 * 24 * time.Hour),
			wantErr:  []string{"duration 9576h0m0s (399 days)", "cannot give"},
		},
		{
			name:     "duration 5 years",
			csr:      valid,
			duration: durationOf(5 * 365 * 24 * time.Hour),
			wantErr:  []string{"duration 43800h0m0s (1825 days)", "cannot give"},
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
			duration := 90 * 24 * time.Hour
			if tt.duration != nil {
				duration = *tt.duration
			}
			details := signer.CertificateDetails{CSR: tt.csr, Duration: duration, IsCA: tt.isCA}
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
			assert.Equal(t, duration, req.Duration)
		})
	}
}
