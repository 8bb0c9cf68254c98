package sslmarket

import (
	"context"
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
	"net"
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

func (s *apiServer) client(t *testing.T, token string, opts ...Option) *Client {
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

func TestEndpoints(t *testing.T) {
	csr := testCSR(t, "example.com", "www.example.com")
	csrJSON, err := json.Marshal(string(csr))
	require.NoError(t, err)
	cert := testCert(t, "example.com")
	certJSON, err := json.Marshal(string(cert))
	require.NoError(t, err)

	tests := []struct {
		name      string
		status    int    // of the reply; 0: 200
		fixture   string // "": empty reply
		call      func(context.Context, *Client) (any, error)
		method    string
		path      string
		body      string // "": no body expected
		checkResp func(t *testing.T, got any)
	}{
		{
			name:    "products",
			fixture: "products.json",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.Products(ctx) },
			method:  http.MethodGet,
			path:    "/api/product/list",
			checkResp: func(t *testing.T, got any) {
				ps := got.([]Product)
				require.Len(t, ps, 27)
				assert.Equal(t, Product{
					ProductType: ProductTypeSSL, ProductCode: "digicert-standard-ssl", Title: "Standard SSL", Type: "DigiCert",
					ValidateType: ValidateOV, CSRRequired: true, MaxYears: 6, MinSANValues: 0, MaxSANValues: 250,
				}, ps[0])
				p, ok := FindProduct(ps, "RapidSSL-RapidSSL-DV")
				require.True(t, ok)
				assert.Equal(t, "RapidSSL DV", p.Title)
				assert.True(t, p.IsSSL())
				assert.True(t, p.AllowsSANs(0))
				assert.False(t, p.AllowsSANs(1), "the document's RapidSSL DV allows no SANs")
				p, ok = FindProduct(ps, "digicert-document-signing-individual-500")
				require.True(t, ok)
				assert.False(t, bool(p.CSRRequired))
				assert.False(t, p.IsSSL())
				_, ok = FindProduct(ps, "nope")
				assert.False(t, ok)
			},
		},
		{
			name:    "place order",
			status:  http.StatusCreated,
			fixture: "order_insert.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.PlaceOrder(ctx, "rapidssl-rapidssl-dv", Order{
					Domain: "example.com", DNSNames: []string{"www.example.com"}, Years: 1, CSR: string(csr),
					DVAuthMethod: DVAuthFile, Contacts: docContacts(),
				})
			},
			method: http.MethodPost,
			path:   "/api/order/certificate/rapidssl-rapidssl-dv",
			body: `{"domain":"example.com","dns_names":["www.example.com"],"years":1,"csr":` + string(csrJSON) +
				`,"dv_auth_method":"FILE",` + docContactsJSON + `}`,
			checkResp: func(t *testing.T, got any) {
				assert.Equal(t, &PlaceOrderResponse{OrderID: 123456}, got)
			},
		},
		{
			name:    "place order with optional fields",
			status:  http.StatusCreated,
			fixture: "order_insert.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				ct := docContacts()
				ct.InvoiceIC, ct.InvoiceDIC = "12345678", "GB123456789"
				return c.PlaceOrder(ctx, "digicert-standard-ssl", Order{Domain: "*.example.com", Years: 3, Voucher: "SAVE10", Contacts: ct})
			},
			method: http.MethodPost,
			path:   "/api/order/certificate/digicert-standard-ssl",
			body: `{"domain":"*.example.com","years":3,"voucher":"SAVE10",` + docContactsJSON +
				`,"invoice_ic":"12345678","invoice_dic":"GB123456789"}`,
		},
		{
			name:    "orders",
			fixture: "orders.json",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.Orders(ctx) },
			method:  http.MethodGet,
			path:    "/api/order/list",
			checkResp: func(t *testing.T, got any) {
				os := got.([]OrderSummary)
				require.Len(t, os, 2)
				assert.Equal(t, OrderSummary{
					OrderID: 123456, ProductType: ProductTypeSSL, ProductCode: "rapidssl-rapidssl-dv",
					Domain: "example.com", DNSNames: []string{"www.example.com"}, SANsOrderCount: 1, Years: 1,
					Inserted: "2026-05-13 10:15:00", Published: "2026-05-13 10:45:12", Expired: "2027-05-13",
					State: StatePublished,
				}, os[0])
				// Numbers as strings and nulls are accepted.
				assert.Equal(t, Int(123457), os[1].OrderID)
				assert.Equal(t, Int(2), os[1].Years)
				assert.Empty(t, os[1].Published)
				assert.Equal(t, []string{"example.com", "www.example.com"}, os[0].Names())
				assert.True(t, os[0].HasNames([]string{"WWW.example.com.", "example.com"}))
				assert.False(t, os[0].HasNames([]string{"example.com"}))
				at, err := os[0].InsertedAt()
				require.NoError(t, err)
				assert.Equal(t, time.Date(2026, 5, 13, 10, 15, 0, 0, time.UTC), at)
			},
		},
		{
			name:    "order details",
			fixture: "order.json",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.Order(ctx, 123456) },
			method:  http.MethodGet,
			path:    "/api/order/order_id/123456",
			checkResp: func(t *testing.T, got any) {
				o := got.(*OrderDetails)
				assert.Equal(t, StatePublished, o.State)
				assert.Equal(t, ClassIssued, StateClass(o.State))
				assert.Equal(t, DVAuthFile, o.DVAuthMethod)
				assert.Equal(t, "2c8a6d7e9f0b4c1d8e3f5a7b9c0d1e2f", o.DVAuthContent)
				require.NotNil(t, o.DaysRemaining)
				assert.Equal(t, Int(365), *o.DaysRemaining)
				require.NotNil(t, o.AutoReissue)
				assert.True(t, bool(*o.AutoReissue))
				assert.Equal(t, Int(2), o.Years)
				assert.Equal(t, "0A1B2C3D4E5F", o.CertificateSerialNumber)
				assert.Equal(t, "Jane", o.TechFirstname)
				assert.Equal(t, []string{"example.com", "www.example.com"}, o.Names())
			},
		},
		{
			name: "edit order",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.EditOrder(ctx, 123456, OrderEdit{CSR: string(csr), DVAuthMethod: DVAuthDNS, Contacts: Contacts{TechEmail: "ops@example.com"}})
			},
			method: http.MethodPut,
			path:   "/api/order/order_id/123456",
			body:   `{"csr":` + string(csrJSON) + `,"dv_auth_method":"DNS","tech_email":"ops@example.com"}`,
		},
		{
			name:   "reissue",
			status: http.StatusAccepted,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.Reissue(ctx, 123456, csr)
			},
			method: http.MethodPost,
			path:   "/api/certificate/order_id/123456/reissue",
			body:   `{"csr":` + string(csrJSON) + `}`,
		},
		{
			name:   "cancel reissue",
			status: http.StatusAccepted,
			call:   func(ctx context.Context, c *Client) (any, error) { return nil, c.CancelReissue(ctx, 123456) },
			method: http.MethodPut,
			path:   "/api/certificate/order_id/123456/cancel-reissue",
			body:   `{}`,
		},
		{
			name:   "resend dcv email",
			status: http.StatusAccepted,
			call:   func(ctx context.Context, c *Client) (any, error) { return nil, c.ResendDCVEmail(ctx, 123456) },
			method: http.MethodPut,
			path:   "/api/certificate/order_id/123456/resend",
			body:   `{}`,
		},
		{
			name:    "revoke (a JSON answer is ignored)",
			status:  http.StatusAccepted,
			fixture: "order_insert.json",
			call:    func(ctx context.Context, c *Client) (any, error) { return nil, c.Revoke(ctx, 123456) },
			method:  http.MethodPut,
			path:    "/api/certificate/order_id/123456/revoke",
			body:    `{}`,
		},
		{
			name:    "decode csr",
			fixture: "decoder_csr.json",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.DecodeCSR(ctx, csr) },
			method:  http.MethodPost,
			path:    "/api/tool/decoder/csr",
			body:    `{"csr":` + string(csrJSON) + `}`,
			checkResp: func(t *testing.T, got any) {
				d := got.(*DecodedCSR)
				assert.Equal(t, CSRSubject{CN: "example.com", O: "Example Ltd", L: "London", ST: "London", C: "GB", OU: "IT"}, d.Subject)
				assert.Equal(t, Text("2048"), d.PKey.Length)
				assert.Equal(t, Text("RSA"), d.PKey.Algorithm)
				assert.Contains(t, d.PKey.PKey, "BEGIN PUBLIC KEY")
				assert.Equal(t, []string{"example.com", "www.example.com"}, d.SANs)
			},
		},
		{
			name:    "decode certificate",
			fixture: "decoder_certificate.json",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.DecodeCertificate(ctx, cert) },
			method:  http.MethodPost,
			path:    "/api/tool/decoder/certificate",
			body:    `{"certificate":` + string(certJSON) + `}`,
			checkResp: func(t *testing.T, got any) {
				d := got.(*DecodedCertificate)
				assert.Equal(t, CertificateOwner{Domain: "example.com", Organization: "Example Ltd", City: "London", Locality: "London", Country: "GB"}, d.Owner)
				assert.Equal(t, Text("0"), d.Algorithm, "the document types alghoritm as int here")
				assert.Equal(t, Text("2048"), d.Length)
				assert.Contains(t, string(d.PKey), "BEGIN PUBLIC KEY")
				assert.Equal(t, "2026-05-13 00:00:00", d.ValidFrom)
				assert.Equal(t, "2027-05-13 23:59:59", d.ValidTo)
				assert.Equal(t, Text("53019939165812963232135618133050839625"), d.SerialNumber)
				assert.Equal(t, "27E3D0E4A5B1C2D3E4F5061728394A49", d.SerialNumberHex)
			},
		},
		{
			name:    "ocsp",
			fixture: "ocsp.json",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.CheckOCSP(ctx, cert) },
			method:  http.MethodPost,
			path:    "/api/tool/ocsp",
			body:    `{"certificate":` + string(certJSON) + `}`,
			checkResp: func(t *testing.T, got any) {
				assert.Equal(t, &OCSPResponse{Status: OCSPGood, ThisUpdate: "2026-05-13 08:00:00", NextUpdate: "2026-05-20 08:00:00"}, got)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := tt.status
			if status == 0 {
				status = http.StatusOK
			}
			var body []byte
			ct := ""
			if tt.fixture != "" {
				body, ct = fixture(t, tt.fixture), "application/json"
			}
			srv := newAPIServer(t, reply(status, ct, body))
			got, err := tt.call(context.Background(), srv.client(t, docToken))
			require.NoError(t, err)

			reqs := srv.requests()
			require.Len(t, reqs, 1)
			r := reqs[0]
			assert.Equal(t, tt.method, r.Method)
			assert.Equal(t, tt.path, r.Path)
			assert.Empty(t, r.Query)
			assert.Equal(t, []string{docToken}, r.Header.Values("X-Auth-Token"))
			assert.Equal(t, "application/json", r.Header.Get("Accept"))
			assert.NotEmpty(t, r.Header.Get("User-Agent"))
			if tt.body == "" {
				assert.Empty(t, r.Body)
				assert.Empty(t, r.Header.Get("Content-Type"))
			} else {
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
				assert.JSONEq(t, tt.body, r.Body)
			}
			if tt.checkResp != nil {
				tt.checkResp(t, got)
			}
		})
	}
}

func TestBaseURLPath(t *testing.T) {
	for _, base := range []string{"/api", "/api/", "/sslmarket/api"} {
		t.Run(base, func(t *testing.T) {
			var path string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				path = r.URL.Path
				_, _ = io.WriteString(w, `{"orders":[]}`)
			}))
			defer srv.Close()
			c, err := New(srv.URL+base, docToken)
			require.NoError(t, err)
			_, err = c.Orders(context.Background())
			require.NoError(t, err)
			assert.Equal(t, strings.TrimSuffix(base, "/")+"/order/list", path)
		})
	}
}

func TestDownload(t *testing.T) {
	leaf := testCert(t, "example.com")
	inter := testCert(t, "Intermediate")
	p7b := []byte{0x30, 0x82, 0x01, 0x00, 0x06, 0x09} // binary
	tests := []struct {
		format string
		body   []byte
	}{
		{FormatPEMServer, leaf},
		{FormatPEMIntermediate, append(append([]byte{}, leaf...), inter...)},
		{FormatP7B, p7b},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			srv := newAPIServer(t, reply(http.StatusOK, "text/plain", tt.body))
			got, err := srv.client(t, docToken).Download(context.Background(), 77, tt.format)
			require.NoError(t, err)
			assert.Equal(t, tt.body, got)
			r := srv.requests()[0]
			assert.Equal(t, http.MethodGet, r.Method)
			assert.Equal(t, "/api/certificate/order_id/77/format/"+tt.format, r.Path)
			assert.Equal(t, docToken, r.Header.Get("X-Auth-Token"))
			assert.Empty(t, r.Body)
			assert.Contains(t, r.Header.Get("Accept"), "text/plain")
		})
	}

	malformed := []struct {
		name, format string
		body         []byte
	}{
		{"pem without certificate", FormatPEMIntermediate, fixture(t, "error_502.html")},
		{"empty pem", FormatPEMServer, nil},
		{"empty p7b", FormatP7B, []byte(" \n")},
	}
	for _, tt := range malformed {
		t.Run(tt.name, func(t *testing.T) {
			srv := newAPIServer(t, reply(http.StatusOK, "text/plain", tt.body))
			_, err := srv.client(t, docToken).Download(context.Background(), 77, tt.format)
			assert.ErrorIs(t, err, ErrMalformedResponse)
			assert.True(t, IsTemporary(err))
		})
	}

	t.Run("not issued yet", func(t *testing.T) {
		srv := newAPIServer(t, reply(http.StatusConflict, "application/json", []byte(`{"error":"invalid_state","description":"certificate not issued yet"}`)))
		_, err := srv.client(t, docToken).Download(context.Background(), 77, FormatPEMIntermediate)
		assert.True(t, IsConflict(err))
		assert.Equal(t, "invalid_state", ErrorType(err))
		assert.False(t, IsTemporary(err))
	})
}

func TestInvalidArguments(t *testing.T) {
	csr := testCSR(t, "example.com")
	cert := testCert(t, "example.com")
	order := func(mod func(*Order)) Order {
		o := Order{Domain: "example.com", Years: 1, DVAuthMethod: DVAuthFile, CSR: string(csr), Contacts: docContacts()}
		mod(&o)
		return o
	}
	place := func(code string, o Order) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error {
			_, err := c.PlaceOrder(ctx, code, o)
			return err
		}
	}
	tests := []struct {
		name string
		call func(context.Context, *Client) error
		arg  string
	}{
		{"place: empty product", place("", order(func(*Order) {})), "productCode"},
		{"place: product with slash", place("../product/list", order(func(*Order) {})), "productCode"},
		{"place: empty domain", place("p", order(func(o *Order) { o.Domain = "" })), "domain"},
		{"place: url as domain", place("p", order(func(o *Order) { o.Domain = "https://example.com/" })), "domain"},
		{"place: bad san", place("p", order(func(o *Order) { o.DNSNames = []string{"a.example.com", "b..example.com"} })), "dns_names[1]"},
		{"place: zero years", place("p", order(func(o *Order) { o.Years = 0 })), "years"},
		{"place: bad method", place("p", order(func(o *Order) { o.DVAuthMethod = "http" })), "dv_auth_method"},
		{"place: csr not PEM", place("p", order(func(o *Order) { o.CSR = "hello" })), "csr"},
		{"place: certificate as csr", place("p", order(func(o *Order) { o.CSR = string(cert) })), "csr"},
		{"place: missing owner", place("p", order(func(o *Order) { o.OwnerName = "" })), "owner_name"},
		{"place: blank invoice email", place("p", order(func(o *Order) { o.InvoiceEmail = "  " })), "invoice_email"},
		{"place: bad country", place("p", order(func(o *Order) { o.OwnerCountry = "GBR" })), "owner_country"},
		{"place: bad email", place("p", order(func(o *Order) { o.TechEmail = "jane" })), "tech_email"},
		{"place: control character", place("p", order(func(o *Order) { o.OwnerStreet = "a\nb" })), "owner_street"},
		{"order: zero id", func(ctx context.Context, c *Client) error { _, err := c.Order(ctx, 0); return err }, "id"},
		{"edit: nothing", func(ctx context.Context, c *Client) error { return c.EditOrder(ctx, 1, OrderEdit{}) }, "e"},
		{"edit: negative id", func(ctx context.Context, c *Client) error { return c.EditOrder(ctx, -1, OrderEdit{CSR: string(csr)}) }, "id"},
		{"edit: bad method", func(ctx context.Context, c *Client) error {
			return c.EditOrder(ctx, 1, OrderEdit{DVAuthMethod: "file"})
		}, "dv_auth_method"},
		{"edit: bad country", func(ctx context.Context, c *Client) error {
			return c.EditOrder(ctx, 1, OrderEdit{Contacts: Contacts{InvoiceCountry: "1"}})
		}, "invoice_country"},
		{"reissue: no csr", func(ctx context.Context, c *Client) error { return c.Reissue(ctx, 1, nil) }, "csrPEM"},
		{"reissue: zero id", func(ctx context.Context, c *Client) error { return c.Reissue(ctx, 0, csr) }, "id"},
		{"cancel reissue: zero id", func(ctx context.Context, c *Client) error { return c.CancelReissue(ctx, 0) }, "id"},
		{"resend: zero id", func(ctx context.Context, c *Client) error { return c.ResendDCVEmail(ctx, 0) }, "id"},
		{"revoke: zero id", func(ctx context.Context, c *Client) error { return c.Revoke(ctx, 0) }, "id"},
		{"download: bad format", func(ctx context.Context, c *Client) error { _, err := c.Download(ctx, 1, "pem"); return err }, "format"},
		{"download: zero id", func(ctx context.Context, c *Client) error { _, err := c.Download(ctx, 0, FormatP7B); return err }, "id"},
		{"decode csr: certificate", func(ctx context.Context, c *Client) error { _, err := c.DecodeCSR(ctx, cert); return err }, "csrPEM"},
		{"decode certificate: csr", func(ctx context.Context, c *Client) error { _, err := c.DecodeCertificate(ctx, csr); return err }, "certPEM"},
		{"ocsp: empty", func(ctx context.Context, c *Client) error { _, err := c.CheckOCSP(ctx, nil); return err }, "certPEM"},
	}
	srv := newAPIServer(t, reply(http.StatusOK, "application/json", []byte(`{}`)))
	c := srv.client(t, secretToken)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(context.Background(), c)
			var ia *InvalidArgumentError
			require.ErrorAs(t, err, &ia)
			assert.Equal(t, tt.arg, ia.Name)
			assert.Contains(t, err.Error(), tt.arg)
			assert.False(t, IsTemporary(err))
			assert.NotContains(t, err.Error(), secretToken)
		})
	}
	assert.Empty(t, srv.requests(), "invalid arguments must not reach the server")
}

func TestErrors(t *testing.T) {
	huge := []byte(`{"orders":[],"pad":"` + strings.Repeat("x", rest.MaxBodySize) + `"}`)
	tests := []struct {
		name        string
		status      int
		contentType string
		body        []byte
		wantCode    int // 0: not an APIError
		wantType    string
		wantDesc    string
		wantIs      error
		wantText    string
		is          string // the one Is* predicate that must hold
		temporary   bool
	}{
		{"400", 400, "application/json", fixture(t, "error_400.json"), 400, "missing_parameter", "missing parameter owner_name", nil,
			"sslmarket: 400 Bad Request: missing_parameter: missing parameter owner_name", "IsBadRequest", false},
		{"401", 401, "application/json", fixture(t, "error_401.json"), 401, "unauthorized", "invalid X-Auth-Token", nil,
			"sslmarket: 401 Unauthorized: unauthorized: invalid X-Auth-Token", "IsUnauthorized", false},
		{"403", 403, "application/json", []byte(`{"error":"forbidden","description":"API access is not activated"}`), 403, "forbidden", "API access is not activated", nil,
			"", "IsForbidden", false},
		{"404", 404, "application/json", fixture(t, "error_404.json"), 404, "not_found", "order 999 not found", nil,
			"sslmarket: 404 Not Found: not_found: order 999 not found", "IsNotFound", false},
		{"409", 409, "application/json", []byte(`{"error":"invalid_state","description":"x"}`), 409, "invalid_state", "x", nil,
			"", "IsConflict", false},
		{"422", 422, "application/json", fixture(t, "error_422.json"), 422, "invalid_parameter", "dns_names: too many SANs for the product", nil,
			"sslmarket: 422 Unprocessable Entity: invalid_parameter: dns_names: too many SANs for the product", "IsUnprocessable", false},
		{"500", 500, "application/json", fixture(t, "error_500.json"), 500, "internal_error", "internal server error", nil,
			"sslmarket: 500 Internal Server Error: internal_error: internal server error", "IsServerError", true},
		{"429 plain text", 429, "text/plain", []byte("slow down\n"), 429, "", "slow down", nil,
			"sslmarket: 429 Too Many Requests: slow down", "", true},
		{"502 html page", 502, "text/html", fixture(t, "error_502.html"), 502, "",
			"<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> <hr><center>nginx</center> </body> </html>",
			nil, "", "IsServerError", true},
		{"503 long html is cut at 200 bytes", 503, "text/html", []byte(strings.Repeat("a", 190) + "\x00\x1b\n" + strings.Repeat("b", 300)), 503, "",
			strings.Repeat("a", 190) + " bbbbbbb", nil, "", "IsServerError", true},
		{"type field", 400, "application/json", []byte(`{"type":"bad_csr","message":"cannot parse"}`), 400, "bad_csr", "cannot parse", nil,
			"", "IsBadRequest", false},
		{"nested error", 400, "application/json", []byte(`{"error":{"type":"bad_csr","description":"cannot parse"}}`), 400, "bad_csr", "cannot parse", nil,
			"", "IsBadRequest", false},
		{"only a type", 400, "application/json", []byte(`{"error":"years_out_of_range"}`), 400, "years_out_of_range", "", nil,
			"sslmarket: 400 Bad Request: years_out_of_range", "IsBadRequest", false},
		{"json without error fields", 400, "application/json", []byte(`{"orders":[]}`), 400, "", `{"orders":[]}`, nil, "", "IsBadRequest", false},
		{"oversized error body", 500, "text/html", []byte(strings.Repeat("e", 2*rest.MaxBodySize)), 500, "",
			strings.Repeat("e", 200) + " (response body larger than 1 MiB)", nil, "", "IsServerError", true},
		{"2xx html proxy page", 200, "text/html", fixture(t, "error_502.html"), 0, "", "", ErrMalformedResponse, "", "", true},
		{"2xx empty body", 200, "application/json", nil, 0, "", "", ErrMalformedResponse, "", "", true},
		{"2xx wrong json type", 200, "application/json", []byte(`{"orders":{"a":1}}`), 0, "", "", ErrMalformedResponse, "", "", true},
		{"2xx oversized body", 200, "application/json", huge, 0, "", "", ErrResponseTooLarge, "", "", false},
		{"3xx is not followed", 302, "", nil, 302, "", `<a href="/elsewhere">Found</a>.`, nil,
			`sslmarket: 302 Found: <a href="/elsewhere">Found</a>.`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := reply(tt.status, tt.contentType, tt.body)
			if tt.status == 302 {
				h = func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/elsewhere", http.StatusFound) }
			}
			srv := newAPIServer(t, h)
			_, err := srv.client(t, docToken).Orders(context.Background())
			require.Error(t, err)
			require.Len(t, srv.requests(), 1)

			var ae *APIError
			if tt.wantCode != 0 {
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.wantCode, ae.StatusCode)
				assert.Equal(t, tt.wantType, ae.Code)
				assert.Equal(t, tt.wantDesc, ae.Message)
				assert.Equal(t, tt.wantType, ErrorType(err))
			} else {
				assert.False(t, errors.As(err, &ae), "unexpected APIError %v", err)
			}
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
			if tt.wantText != "" {
				assert.Equal(t, tt.wantText, err.Error())
			}
			preds := map[string]func(error) bool{
				"IsBadRequest": IsBadRequest, "IsUnauthorized": IsUnauthorized, "IsForbidden": IsForbidden,
				"IsNotFound": IsNotFound, "IsConflict": IsConflict, "IsUnprocessable": IsUnprocessable,
				"IsServerError": IsServerError,
			}
			for name, p := range preds {
				assert.Equal(t, name == tt.is, p(err), name)
			}
			assert.Equal(t, tt.temporary, IsTemporary(err), "IsTemporary")
			assert.NotContains(t, err.Error(), docToken)
		})
	}
}

func TestMalformedSuccess(t *testing.T) {
	ctx := context.Background()
	csr := testCSR(t, "example.com")
	t.Run("order insert without order_id", func(t *testing.T) {
		srv := newAPIServer(t, reply(201, "application/json", []byte(`{"id":5}`)))
		_, err := srv.client(t, docToken).PlaceOrder(ctx, "rapidssl-rapidssl-dv", Order{Domain: "example.com", Years: 1, CSR: string(csr), Contacts: docContacts()})
		assert.ErrorIs(t, err, ErrMalformedResponse)
		assert.True(t, IsTemporary(err))
	})
	t.Run("order insert with string order_id", func(t *testing.T) {
		srv := newAPIServer(t, reply(201, "application/json", []byte(`{"order_id":"5"}`)))
		got, err := srv.client(t, docToken).PlaceOrder(ctx, "rapidssl-rapidssl-dv", Order{Domain: "example.com", Years: 1, Contacts: docContacts()})
		require.NoError(t, err)
		assert.Equal(t, Int(5), got.OrderID)
	})
	t.Run("ocsp without status", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", []byte(`{}`)))
		_, err := srv.client(t, docToken).CheckOCSP(ctx, testCert(t, "example.com"))
		assert.ErrorIs(t, err, ErrMalformedResponse)
	})
	t.Run("202 with empty body is fine", func(t *testing.T) {
		srv := newAPIServer(t, reply(202, "", nil))
		require.NoError(t, srv.client(t, docToken).ResendDCVEmail(ctx, 1))
	})
}

// assertNoToken checks err and every error it wraps.
func assertNoToken(t *testing.T, err error, token string) {
	t.Helper()
	require.Error(t, err)
	forms := []string{token, url.QueryEscape(token), url.PathEscape(token), fmt.Sprintf("%q", token)}
	queue := []error{err}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		for _, f := range forms {
			assert.NotContains(t, e.Error(), f, "error %T leaks the token", e)
		}
		switch u := e.(type) { //nolint:errorlint // walks the chain by hand
		case interface{ Unwrap() error }:
			if w := u.Unwrap(); w != nil {
				queue = append(queue, w)
			}
		case interface{ Unwrap() []error }:
			queue = append(queue, u.Unwrap()...)
		}
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	ctx := context.Background()
	csr := testCSR(t, "example.com")
	cert := testCert(t, "example.com")
	calls := map[string]func(*Client) error{
		"products": func(c *Client) error { _, err := c.Products(ctx); return err },
		"place": func(c *Client) error {
			_, err := c.PlaceOrder(ctx, "rapidssl-rapidssl-dv", Order{Domain: "example.com", Years: 1, Contacts: docContacts()})
			return err
		},
		"orders":   func(c *Client) error { _, err := c.Orders(ctx); return err },
		"order":    func(c *Client) error { _, err := c.Order(ctx, 1); return err },
		"edit":     func(c *Client) error { return c.EditOrder(ctx, 1, OrderEdit{CSR: string(csr)}) },
		"reissue":  func(c *Client) error { return c.Reissue(ctx, 1, csr) },
		"cancel":   func(c *Client) error { return c.CancelReissue(ctx, 1) },
		"resend":   func(c *Client) error { return c.ResendDCVEmail(ctx, 1) },
		"revoke":   func(c *Client) error { return c.Revoke(ctx, 1) },
		"download": func(c *Client) error { _, err := c.Download(ctx, 1, FormatPEMServer); return err },
		"csr":      func(c *Client) error { _, err := c.DecodeCSR(ctx, csr); return err },
		"cert":     func(c *Client) error { _, err := c.DecodeCertificate(ctx, cert); return err },
		"ocsp":     func(c *Client) error { _, err := c.CheckOCSP(ctx, cert); return err },
	}

	t.Run("server echoes the token", func(t *testing.T) {
		echo := map[string]http.HandlerFunc{
			"json 401": func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusUnauthorized)
				b, _ := json.Marshal(ErrorResponse{Error: "bad token " + r.Header.Get("X-Auth-Token"), Description: "invalid token " + r.Header.Get("X-Auth-Token")})
				_, _ = w.Write(b)
			},
			"html 502": func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusBadGateway)
				fmt.Fprintf(w, "<p>%s %s</p>", url.QueryEscape(secretToken), r.Header.Get("X-Auth-Token"))
			},
			"2xx malformed": func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "<p>token=%s</p>", r.Header.Get("X-Auth-Token"))
			},
		}
		for hname, h := range echo {
			srv := newAPIServer(t, h)
			c := srv.client(t, secretToken)
			for cname, call := range calls {
				t.Run(hname+"/"+cname, func(t *testing.T) {
					err := call(c)
					if hname == "2xx malformed" && (cname == "edit" || cname == "reissue" || cname == "cancel" || cname == "resend" || cname == "revoke") {
						assert.NoError(t, err, "bodies of these calls are ignored")
						return
					}
					assertNoToken(t, err, secretToken)
					assert.Contains(t, err.Error(), "REDACTED")
				})
			}
		}
	})

	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())

		c, err := New("http://"+addr+"/api", secretToken)
		require.NoError(t, err)
		for cname, call := range calls {
			t.Run(cname, func(t *testing.T) {
				err := call(c)
				assertNoToken(t, err, secretToken)
				assert.True(t, IsTemporary(err))
				var ue *url.Error
				require.ErrorAs(t, err, &ue)
				assert.False(t, IsServerError(err))
			})
		}
	})

	t.Run("timeout", func(t *testing.T) {
		release := make(chan struct{})
		srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		})
		defer close(release)
		c := srv.client(t, secretToken, WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
		_, err := c.Order(ctx, 1)
		assertNoToken(t, err, secretToken)
		assert.True(t, IsTemporary(err))
	})

	t.Run("canceled context", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", fixture(t, "orders.json")))
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := srv.client(t, secretToken).Orders(cctx)
		assertNoToken(t, err, secretToken)
		assert.ErrorIs(t, err, context.Canceled)
		assert.False(t, IsTemporary(err))
	})

	t.Run("client formatting", func(t *testing.T) {
		c, err := New(DefaultBaseURL, secretToken)
		require.NoError(t, err)
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			assert.NotContains(t, fmt.Sprintf(f, c), secretToken, f)
		}
	})
}

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
		c, err := New(DefaultBaseURL, newTok, WithHTTPClient(hc))
		require.NoError(t, err)
		assert.Same(t, hc, c.HTTPClient)
		c, err = New(DefaultBaseURL, newTok, WithHTTPClient(nil))
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
