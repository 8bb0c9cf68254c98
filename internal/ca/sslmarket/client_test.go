package sslmarket

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// docToken stands for the document's {{AUTH_TOKEN}}.
const docToken = "AUTH_TOKEN"

// secretToken needs escaping in a query string and in JSON.
const secretToken = "s3cr3t+t/k=n&x<y>\"q"

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
	Query  string
	Header http.Header
	Body   string
}

// apiServer mounts handler under /api/ (as https://www.sslmarket.co.uk/api)
// and records every request; anything outside /api/ is a 404 the test sees.
type apiServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newAPIServer(t *testing.T, handler http.HandlerFunc) *apiServer {
	t.Helper()
	s := &apiServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, recorded{
			Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery,
			Header: r.Header.Clone(), Body: string(body),
		})
		s.mu.Unlock()
		handler(w, r)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside /api/: %s %s", r.Method, r.URL.Path)
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

func testCert(t *testing.T, name string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// docContacts is a complete set of contacts in the document's examples'
// style.
func docContacts() Contacts {
	return Contacts{
		OwnerName: "Example Ltd", OwnerStreet: "1 High Street", OwnerCity: "London", OwnerZip: "SW1A 1AA",
		OwnerCountry: "GB", OwnerTel: "+44.123456789",
		AuthTitle: "Mr", AuthFirstname: "John", AuthLastname: "Smith", AuthTel: "+44.123456789", AuthEmail: "john@example.com",
		TechTitle: "Ms", TechFirstname: "Jane", TechLastname: "Doe", TechEmail: "jane@example.com", TechTel: "+44.987654321",
		InvoiceName: "Example Ltd", InvoiceStreet: "1 High Street", InvoiceCity: "London", InvoiceZip: "SW1A 1AA",
		InvoiceCountry: "GB", InvoiceEmail: "billing@example.com",
	}
}

const docContactsJSON = `"owner_name":"Example Ltd","owner_street":"1 High Street","owner_city":"London","owner_zip":"SW1A 1AA",` +
	`"owner_country":"GB","owner_tel":"+44.123456789",` +
	`"auth_title":"Mr","auth_firstname":"John","auth_lastname":"Smith","auth_tel":"+44.123456789","auth_email":"john@example.com",` +
	`"tech_title":"Ms","tech_firstname":"Jane","tech_lastname":"Doe","tech_email":"jane@example.com","tech_tel":"+44.987654321",` +
	`"invoice_name":"Example Ltd","invoice_street":"1 High Street","invoice_city":"London","invoice_zip":"SW1A 1AA",` +
	`"invoice_country":"GB","invoice_email":"billing@example.com"`

func TestNew(t *testing.T) {
	const newTok = "tok-0123456789abcdef"
	tests := []struct {
		url     string
		token   string
		wantErr string
	}{
		{url: "https://www.sslmarket.co.uk/api", token: newTok},
		{url: "https://www.sslmarket.cz/api", token: newTok},
		{url: DefaultBaseURL, token: newTok},
		{url: "http://127.0.0.1:8080/sslmarket/api", token: newTok},
		{url: "http://localhost:8080/api", token: newTok},
		{url: "http://[::1]:8080/api", token: newTok},
		{url: "http://example.com/api", token: newTok, wantErr: "http is only allowed for loopback"},
		{url: "http://127.0.0.1.example.com/api", token: newTok, wantErr: "http is only allowed for loopback"},
		{url: "ftp://www.sslmarket.co.uk/api", token: newTok, wantErr: "scheme must be https"},
		{url: "www.sslmarket.co.uk/api", token: newTok, wantErr: "no host"},
		{url: "", token: newTok, wantErr: "must not be empty"},
		{url: "https://", token: newTok, wantErr: "no host"},
		{url: "https://www.sslmarket.co.uk/api?token=" + secretToken, token: secretToken, wantErr: "must not contain a query"},
		{url: "https://user:" + newTok + "@www.sslmarket.co.uk/api", token: newTok, wantErr: "user info"},
		{url: "https://www.sslmarket.co.uk/%zz?x=" + secretToken, token: secretToken, wantErr: "invalid base URL"},
		{url: DefaultBaseURL, token: "", wantErr: "token: must not be empty"},
		{url: DefaultBaseURL, token: "abc\r\nX-Evil: 1", wantErr: "token: must not contain control characters"},
		{url: DefaultBaseURL, token: " abc", wantErr: "token: must not start or end with blanks"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := New(tt.url, tt.token)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.url, c.BaseURL.String())
				require.NotNil(t, c.HTTPClient)
				assert.Equal(t, 30*time.Second, c.HTTPClient.Timeout)
				require.NotNil(t, c.HTTPClient.CheckRedirect)
				assert.Equal(t, http.ErrUseLastResponse, c.HTTPClient.CheckRedirect(nil, nil))
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
		_, err := New("http://example.com/api", newTok)
		assert.EqualError(t, err, `sslmarket: invalid base URL "http://example.com/api": http is only allowed for loopback hosts, use https`)
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
	assert.Equal(t, "sslmarket: 401 Unauthorized: unauthorized: invalid token", (&APIError{Provider: provider, StatusCode: 401, Code: "unauthorized", Message: "invalid token"}).Error())
	assert.Equal(t, "sslmarket: 500 Internal Server Error", (&APIError{Provider: provider, StatusCode: 500}).Error())
	assert.Equal(t, "sslmarket: 599: odd", (&APIError{Provider: provider, StatusCode: 599, Message: "odd"}).Error())
	wrapped := fmt.Errorf("ordering: %w", &APIError{Provider: provider, StatusCode: 404, Code: "not_found"})
	assert.True(t, IsNotFound(wrapped))
	assert.Equal(t, "not_found", ErrorType(wrapped))
	assert.False(t, IsTemporary(wrapped))
	assert.False(t, IsTemporary(nil))
	assert.False(t, IsUnauthorized(errors.New("401")))
	assert.Empty(t, ErrorType(errors.New("x")))
}

func TestStateClass(t *testing.T) {
	want := map[string]string{
		StateNew: ClassWaiting, StateProcessing: ClassWaiting, StatePublished: ClassIssued, StateReissue: ClassWaiting,
		StateCancelled: ClassFinal, StateRejected: ClassFinal, StateRevoked: ClassFinal, StateExpired: ClassFinal,
	}
	assert.Len(t, States(), len(want))
	for _, s := range States() {
		assert.Equal(t, want[s], StateClass(s), s)
	}
	assert.Equal(t, ClassIssued, StateClass(" Published "))
	assert.Equal(t, ClassIssued, StateClass("issued"))
	assert.Equal(t, ClassFinal, StateClass("CANCELED"))
	assert.Equal(t, ClassWaiting, StateClass("something-new"))
	assert.Equal(t, ClassWaiting, StateClass(""))
	s := States()
	s[0] = "x"
	assert.Equal(t, StateNew, States()[0], "States returns a copy")
}

func TestLenientTypes(t *testing.T) {
	var v struct {
		I []Int  `json:"i"`
		B []Bool `json:"b"`
		T []Text `json:"t"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{
		"i": [1, "2", " 3 ", "", null, 4.0],
		"b": [true, "true", "1", 1, false, "false", "0", "", null],
		"t": ["a", 7, true, null]
	}`), &v))
	assert.Equal(t, []Int{1, 2, 3, 0, 0, 4}, v.I)
	assert.Equal(t, []Bool{true, true, true, true, false, false, false, false, false}, v.B)
	assert.Equal(t, []Text{"a", "7", "true", ""}, v.T)

	for _, bad := range []string{`{"i":["x"]}`, `{"i":[1.5]}`, `{"b":["maybe"]}`, `{"t":[{}]}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &v), bad)
	}
	b, err := json.Marshal(struct {
		I Int  `json:"i"`
		B Bool `json:"b"`
		T Text `json:"t"`
	}{5, true, "x"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"i":5,"b":true,"t":"x"}`, string(b))
}

func TestParseTime(t *testing.T) {
	utc := time.Date(2026, 5, 13, 10, 15, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-05-13 10:15:00":       utc,
		"2026-05-13T10:15:00Z":      utc,
		"2026-05-13T12:15:00+02:00": utc,
		"2026-05-13 12:15:00+02:00": utc,
		"2026-05-13T10:15:00":       utc,
		"2026-05-13":                time.Date(2026, 5, 13, 0, 0, 0, 0, time.UTC),
		"13.05.2026 10:15:00":       utc,
	} {
		got, err := ParseTime(in)
		require.NoError(t, err, in)
		assert.True(t, want.Equal(got), "%s: %s", in, got)
		assert.Equal(t, time.UTC, got.Location())
	}
	for _, bad := range []string{"", "yesterday", "2026-13-45"} {
		_, err := ParseTime(bad)
		assert.Error(t, err, bad)
	}
}

func TestContactFields(t *testing.T) {
	req := RequiredContactFields()
	assert.Len(t, req, 22)
	assert.Equal(t, "owner_name", req[0])
	assert.NotContains(t, req, "invoice_ic")
	assert.NotContains(t, req, "invoice_dic")

	names, values := docContacts().ContactFields()
	require.Len(t, names, 24)
	require.Len(t, values, 24)
	// Every name is the JSON name of its field.
	b, err := json.Marshal(docContacts())
	require.NoError(t, err)
	var m map[string]string
	require.NoError(t, json.Unmarshal(b, &m))
	for i, n := range names {
		assert.Equal(t, m[n], values[i], n)
	}
}
