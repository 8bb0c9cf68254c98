// Package sandboxtest holds the fakes the tests of the simulated resellers
// share: a settable clock, a web server that serves validation files per
// Host, a log buffer safe for concurrent writes, CSRs and chain checks.
package sandboxtest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
)

// Clock is a settable clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock set to now, truncated to the second.
func NewClock(now time.Time) *Clock { return &Clock{now: now.Truncate(time.Second)} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// FileServer serves validation files, each only for its own Host, and
// records what was asked for.
type FileServer struct {
	*httptest.Server
	mu        sync.Mutex
	files     map[string]string // host + path -> content
	requested []string          // host + path
}

// NewFileServer starts a FileServer, closed when the test ends. A file is
// served with blanks around its content, as web servers add newlines.
func NewFileServer(t testing.TB) *FileServer {
	fs := &FileServer{files: map[string]string{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		fs.mu.Lock()
		fs.requested = append(fs.requested, host+r.URL.Path)
		content, ok := fs.files[host+r.URL.Path]
		fs.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, "\n"+content+"\r\n")
	}))
	t.Cleanup(fs.Close)
	return fs
}

// Address is the host:port to configure as the HTTP01 address.
func (fs *FileServer) Address() string { return fs.Listener.Addr().String() }

// Publish serves content at path for host.
func (fs *FileServer) Publish(host, path, content string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.files[host+path] = content
}

// Requested returns host + path of every request so far.
func (fs *FileServer) Requested() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.requested...)
}

// LogBuffer collects log output; safe for concurrent writes.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// NewCSR returns a new P-256 key and a PEM CSR with common name cn and
// the DNS names sans.
func NewCSR(t testing.TB, cn string, sans ...string) (crypto.Signer, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	return key, CSRFor(t, key, cn, sans...)
}

// CSRFor returns a PEM CSR of key with common name cn and DNS names sans.
func CSRFor(t testing.TB, key crypto.Signer, cn string, sans ...string) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: cn}, DNSNames: sans,
	}, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

// ParseCerts returns every certificate of a PEM bundle.
func ParseCerts(t testing.TB, pemData []byte) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, pemData = pem.Decode(pemData)
		if block == nil {
			return out
		}
		require.Equal(t, "CERTIFICATE", block.Type)
		c, err := x509.ParseCertificate(block.Bytes)
		require.NoError(t, err)
		out = append(out, c)
	}
}

// ParseCert returns the one certificate of a PEM block.
func ParseCert(t testing.TB, s string) *x509.Certificate {
	t.Helper()
	certs := ParseCerts(t, []byte(s))
	require.Len(t, certs, 1, s)
	return certs[0]
}

// VerifyLeaf checks that leaf chains to ca's root at now for every name,
// that its names are exactly names and, with key set, that it carries
// key's public key.
func VerifyLeaf(t testing.TB, ca *authority.Authority, leaf *x509.Certificate, names []string, key crypto.Signer, now time.Time) {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(ca.Root())
	inters := x509.NewCertPool()
	inters.AddCert(ca.Intermediate())
	for _, n := range names {
		_, err := leaf.Verify(x509.VerifyOptions{
			Roots: roots, Intermediates: inters, DNSName: n, CurrentTime: now,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		})
		require.NoError(t, err, n)
	}
	assert.Equal(t, names, leaf.DNSNames)
	if key != nil {
		assert.True(t, key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(leaf.PublicKey), "leaf has the CSR's key")
	}
}
