package cyberssl

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

const (
	// docKey is an API key like the document's examples.
	docKey = "your_api_key"
	// docToken is the token of testdata/auth.json.
	docToken = "SESSION_TOKEN"
	// secretKey and secretToken need escaping in a query string and JSON.
	secretKey   = "k3y+s/cr=t&a<b>"
	secretToken = "t0k+e/n=x&y<z>"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// recorded is one request as the test server saw it.
type recorded struct {
	Method   string
	Endpoint string // path below /v1/
	Query    url.Values
	Form     url.Values // parsed form body (POST)
	Header   http.Header
	Body     string
}

// apiServer mounts the API under /v1/ (as https://api.cyberssl.com/v1/),
// answers auth with a token and every other method with handler, and
// records every request.
type apiServer struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []recorded
	handler http.HandlerFunc
	auth    http.HandlerFunc
}

func newAPIServer(t *testing.T, handler http.HandlerFunc) *apiServer {
	t.Helper()
	s := &apiServer{handler: handler, auth: reply(200, "application/json", fixture(t, "auth.json"))}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		rec := recorded{
			Method: r.Method, Endpoint: strings.TrimPrefix(r.URL.Path, "/v1/"), Query: r.URL.Query(),
			Form: form, Header: r.Header.Clone(), Body: string(body),
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, rec)
		auth, h := s.auth, s.handler
		s.mu.Unlock()
		if rec.Endpoint == "auth" {
			auth(w, r)
			return
		}
		h(w, r)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside /v1/: %s %s", r.Method, r.URL.Path)
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

// calls returns the recorded requests to endpoint.
func (s *apiServer) calls(endpoint string) []recorded {
	var out []recorded
	for _, r := range s.requests() {
		if r.Endpoint == endpoint {
			out = append(out, r)
		}
	}
	return out
}

func (s *apiServer) setAuth(h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth = h
}

func (s *apiServer) client(t *testing.T, key string, opts ...rest.Option) *Client {
	t.Helper()
	c, err := New(s.URL+"/v1/", key, opts...)
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

func testCSR(t *testing.T, names ...string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
	}, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

var docAdmin = Contact{FirstName: "John", LastName: "Smith", Phone: "0042321313", Title: "IT manager", Email: "admin@mysite.com"}

func docDVOptions() DVOptions {
	return DVOptions{
		HTTP: map[string]FileOption{"test.com": {
			Filename: "F50E098C713586FE9A363B33BACDD249.txt", Content: "b056c5e3252182a844b80e1eb5de04736c09c9d9",
			Link: "http://test.com/F50E098C713586FE9A.txt",
		}},
		HTTPS: map[string]FileOption{"test.com": {
			Filename: "F50E098C713586FE9A363B33BACDD249.txt", Content: "b056c5e3252182a844b80e1eb5de04736c09c9d9",
			Link: "https://test.com/F50E098C713586FE9A.txt",
		}},
		DNS: map[string]DNSOption{"test.com": {
			Record: "F50E098C713586FE9A363B33BACDD249.test.com. CNAME b056c5e3252182a844b80e1eb5de04736c09c9d9.comodoca.com.",
		}},
	}
}

func docProduct() Product {
	return Product{
		ProductID: 17, Name: "Sectigo PositiveSSL", Type: "SSL", Brand: "sectigo",
		PriceFor1Year: "5", PriceFor2Year: "10", PriceFor3Year: "20", ValidationType: ValidationDV,
		Warranty: "10000", WWWIncluded: true, MultidomainsMaximum: 1, UnlimitedServer: true,
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		url     string
		key     string
		wantErr string
	}{
		{url: LiveBaseURL, key: docKey},
		{url: SandboxBaseURL, key: docKey},
		{url: "http://127.0.0.1:8080/cyberssl/v1", key: docKey},
		{url: "http://localhost:8080/v1/", key: docKey},
		{url: "http://[::1]:8080/v1/", key: docKey},
		{url: "http://api.cyberssl.com/v1/", key: docKey, wantErr: "http is only allowed for loopback"},
		{url: "http://127.0.0.1.example.com/v1/", key: docKey, wantErr: "http is only allowed for loopback"},
		{url: "ftp://api.cyberssl.com/v1/", key: docKey, wantErr: "scheme must be https"},
		{url: "api.cyberssl.com/v1/", key: docKey, wantErr: "no host"},
		{url: "", key: docKey, wantErr: "must not be empty"},
		{url: "https://", key: docKey, wantErr: "no host"},
		{url: "https://api.cyberssl.com/v1/auth?apikey=" + secretKey, key: secretKey, wantErr: "must not contain a query"},
		{url: "https://user:s3cr3t+key@api.cyberssl.com/v1/", key: "s3cr3t+key", wantErr: "user info"},
		{url: "https://api.cyberssl.com/%zz?apikey=" + secretKey, key: secretKey, wantErr: "invalid base URL"},
		{url: LiveBaseURL, key: " ", wantErr: "apiKey: must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := New(tt.url, tt.key)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.url, c.BaseURL.String())
				require.NotNil(t, c.HTTPClient)
				assert.Equal(t, 30*time.Second, c.HTTPClient.Timeout)
				require.NotNil(t, c.HTTPClient.CheckRedirect)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			if strings.TrimSpace(tt.key) != "" {
				assertNoSecret(t, err, tt.key)
			}
		})
	}

	t.Run("endpoint URLs", func(t *testing.T) {
		for _, base := range []string{LiveBaseURL, "https://api.cyberssl.com/v1"} {
			c, err := New(base, docKey)
			require.NoError(t, err)
			assert.Equal(t, "https://api.cyberssl.com/v1/order_status", c.BaseURL.JoinPath(endpointOrderStatus).String())
		}
	})

	t.Run("WithHTTPClient", func(t *testing.T) {
		hc := &http.Client{Timeout: time.Second}
		c, err := New(LiveBaseURL, docKey, rest.WithHTTPClient(hc))
		require.NoError(t, err)
		assert.Same(t, hc, c.HTTPClient)
		c, err = New(LiveBaseURL, docKey, rest.WithHTTPClient(nil))
		require.NoError(t, err)
		assert.NotNil(t, c.HTTPClient)
	})
}

func TestStatusClass(t *testing.T) {
	tests := map[string]string{
		StatusActivated:            ClassIssued,
		" activated ":              ClassIssued,
		StatusRejected:             ClassFinal,
		StatusCancelled:            ClassFinal,
		"Canceled":                 ClassFinal,
		StatusDuplicateCertificate: ClassFinal,
		"duplicate  certificate":   ClassFinal,
		StatusExpired:              ClassFinal,
		StatusProcessing:           ClassWaiting,
		StatusAwaitingActivation:   ClassWaiting,
		StatusAwaitingValidation:   ClassWaiting,
		"Pending Payment":          ClassWaiting,
		"":                         ClassWaiting,
	}
	for status, want := range tests {
		assert.Equal(t, want, StatusClass(status), "%q", status)
	}
}
