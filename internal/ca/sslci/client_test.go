package sslci

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// docToken is the token of the document's examples.
const docToken = "YOUR_TOKEN"

// secretToken needs escaping in a query string and in JSON.
const secretToken = "s3cr3t+t/k=n&x<y>"

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// recorded is one request as the test server saw it.
type recorded struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   string
}

// apiServer mounts handler under /api (as https://www.sslci.com/api) and
// records every request; anything outside /api is a 404 the test sees.
type apiServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newAPIServer(t *testing.T, handler http.HandlerFunc) *apiServer {
	t.Helper()
	s := &apiServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("/api", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, recorded{
			Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
			Header: r.Header.Clone(), Body: string(body),
		})
		s.mu.Unlock()
		handler(w, r)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside /api: %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *apiServer) requests() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.reqs...)
}

func (s *apiServer) client(t *testing.T, token string, opts ...rest.Option) *Client {
	t.Helper()
	c, err := New(s.URL+"/api", token, opts...)
	require.NoError(t, err)
	return c
}

func reply(status int, contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

func testCSR(t *testing.T, names ...string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
	}, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

func TestNew(t *testing.T) {
	const newTok = "tok-0123456789abcdef"
	tests := []struct {
		url     string
		token   string
		wantErr string
	}{
		{url: "https://www.sslci.com/api", token: newTok},
		{url: DefaultBaseURL, token: newTok},
		{url: "http://127.0.0.1:8080/api", token: newTok},
		{url: "http://localhost:8080/api", token: newTok},
		{url: "http://[::1]:8080/api", token: newTok},
		{url: "http://example.com", token: newTok, wantErr: "http is only allowed for loopback"},
		{url: "http://127.0.0.1.example.com/api", token: newTok, wantErr: "http is only allowed for loopback"},
		{url: "ftp://www.sslci.com/api", token: newTok, wantErr: "scheme must be https"},
		{url: "www.sslci.com/api", token: newTok, wantErr: "no host"},
		{url: "", token: newTok, wantErr: "must not be empty"},
		{url: "https://", token: newTok, wantErr: "no host"},
		{url: "https://www.sslci.com/api?token=" + secretToken, token: secretToken, wantErr: "must not contain a query"},
		{url: "https://user:" + newTok + "@www.sslci.com/api", token: newTok, wantErr: "user info"},
		{url: "https://www.sslci.com/%zz?token=" + secretToken, token: secretToken, wantErr: "invalid base URL"},
		{url: "https://www.sslci.com/api", token: "", wantErr: "token: must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := New(tt.url, tt.token)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.url, c.BaseURL.String())
				require.NotNil(t, c.HTTPClient)
				assert.Equal(t, 30*time.Second, c.HTTPClient.Timeout)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			if tt.token != "" {
				assertNoToken(t, err, tt.token)
			}
		})
	}

	t.Run("rejected URL is named in the error", func(t *testing.T) {
		_, err := New("http://example.com", newTok)
		assert.EqualError(t, err, `sslci: invalid base URL "http://example.com": http is only allowed for loopback hosts, use https`)
	})

	t.Run("WithHTTPClient", func(t *testing.T) {
		hc := &http.Client{Timeout: time.Second}
		c, err := New(DefaultBaseURL, newTok, rest.WithHTTPClient(hc))
		require.NoError(t, err)
		assert.Same(t, hc, c.HTTPClient)
		c, err = New(DefaultBaseURL, newTok, rest.WithHTTPClient(nil))
		require.NoError(t, err)
		assert.NotNil(t, c.HTTPClient)
	})
}

func TestAPIErrorString(t *testing.T) {
	assert.Equal(t, "sslci: 401 Unauthorized: invalid token", (&APIError{Provider: provider, StatusCode: 401, Message: "invalid token"}).Error())
	assert.Equal(t, "sslci: 500 Internal Server Error", (&APIError{Provider: provider, StatusCode: 500}).Error())
	assert.Equal(t, "sslci: 599: odd", (&APIError{Provider: provider, StatusCode: 599, Message: "odd"}).Error())
	wrapped := fmt.Errorf("issuing: %w", &APIError{Provider: provider, StatusCode: 403, Message: "x"})
	assert.True(t, IsForbidden(wrapped))
	assert.False(t, IsTemporary(wrapped))
	assert.False(t, IsTemporary(nil))
	assert.False(t, IsUnauthorized(errors.New("401")))
}

func TestSplitDomains(t *testing.T) {
	assert.Equal(t, []string{"a.com", "b.com", "c.com"}, SplitDomains("a.com, b.com,c.com"))
	assert.Equal(t, []string{"example.com"}, SplitDomains("example.com"))
	assert.Nil(t, SplitDomains(" , "))
	assert.Equal(t, []string{"test.com"}, PendingOrder{Domains: "test.com"}.DomainNames())
}
