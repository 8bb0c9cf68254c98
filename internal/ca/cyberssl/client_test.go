package cyberssl

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
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

func (s *apiServer) client(t *testing.T, key string, opts ...Option) *Client {
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

func TestEndpoints(t *testing.T) {
	csr := testCSR(t, "test.com")
	tests := []struct {
		name     string
		fixture  string
		call     func(context.Context, *Client) (any, error)
		method   string
		endpoint string
		params   url.Values // without token
		noToken  bool       // no session: no auth call, no token
		check    func(t *testing.T, got any)
	}{
		{
			name: "list_products", fixture: "list_products.json",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Products(ctx) },
			method: http.MethodGet, endpoint: "list_products", params: url.Values{},
			check: func(t *testing.T, got any) {
				r := got.(*ProductsResponse)
				require.Len(t, r.SSLProducts, 2)
				assert.Equal(t, docProduct(), r.SSLProducts[0])
				w := r.SSLProducts[1]
				assert.Equal(t, ID(18), w.ProductID)
				assert.True(t, bool(w.IsWildcard))
				assert.Equal(t, Amount("55.00"), w.PriceFor1Year)
				p, ok := r.Find(18)
				require.True(t, ok)
				assert.Equal(t, "Sectigo PositiveSSL Wildcard", p.Name)
				price, ok := p.PriceFor(3)
				assert.True(t, ok)
				assert.Equal(t, Amount("150.00"), price)
				_, ok = p.PriceFor(4)
				assert.False(t, ok)
			},
		},
		{
			name: "add_ssl_order", fixture: "add_ssl_order.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				tech := Contact{FirstName: "Jane", LastName: "Doe", Phone: "+1.5551234", Title: "Ops", Email: "ops@test.com"}
				return c.AddOrder(ctx, OrderRequest{
					ProductID: 17, OrderType: OrderTypeNew, Period: 1, DVMethod: DVMethodHTTP,
					AddonDomains: []string{"www.test.com", "*.test.com"}, Admin: docAdmin, Tech: &tech, CSR: csr,
				})
			},
			method: http.MethodPost, endpoint: "add_ssl_order",
			params: url.Values{
				"product_id": {"17"}, "order_type": {"new"}, "period": {"1"}, "dv_method": {"http"},
				"addon_domains":   {"www.test.com,*.test.com"},
				"admin_firstname": {"John"}, "admin_lastname": {"Smith"}, "admin_phone": {"0042321313"},
				"admin_title": {"IT manager"}, "admin_email": {"admin@mysite.com"},
				"tech_firstname": {"Jane"}, "tech_lastname": {"Doe"}, "tech_phone": {"+1.5551234"},
				"tech_title": {"Ops"}, "tech_email": {"ops@test.com"},
				"csr": {csr},
			},
			check: func(t *testing.T, got any) {
				assert.Equal(t, &AddOrderResponse{Success: true, OrderID: 9999, DVOptions: docDVOptions()}, got)
			},
		},
		{
			name: "add_ssl_order OV with generated CSR", fixture: "add_ssl_order_generated.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AddOrder(ctx, OrderRequest{
					ProductID: 9, OrderType: OrderTypeRenew, Period: 2,
					DVMethod: EmailDVMethod("hostmaster@john.com"), Admin: docAdmin,
					GenerateCSR: &CSRSubject{City: "Portland", State: "Oregon", Country: "US", Domain: "john.com", Organization: "John LLC"},
					Org: &Organization{
						Name: "John LLC", Division: "IT", AddressLine: "Avenue 25", City: "Portland",
						Country: "United States", Phone: "+155152333", PostalCode: "1551", Region: "Oregon",
					},
				})
			},
			method: http.MethodPost, endpoint: "add_ssl_order",
			params: url.Values{
				"product_id": {"9"}, "order_type": {"renew"}, "period": {"2"}, "dv_method": {"email:hostmaster@john.com"},
				"admin_firstname": {"John"}, "admin_lastname": {"Smith"}, "admin_phone": {"0042321313"},
				"admin_title": {"IT manager"}, "admin_email": {"admin@mysite.com"},
				"csr_city": {"Portland"}, "csr_state": {"Oregon"}, "csr_country": {"US"}, "csr_domain": {"john.com"},
				"csr_organization": {"John LLC"},
				"org_name":         {"John LLC"}, "org_division": {"IT"}, "org_addressline": {"Avenue 25"}, "org_city": {"Portland"},
				"org_country": {"United States"}, "org_phone": {"+155152333"}, "org_postalcode": {"1551"}, "org_region": {"Oregon"},
			},
			check: func(t *testing.T, got any) {
				r := got.(*AddOrderResponse)
				assert.Equal(t, ID(10000), r.OrderID)
				assert.Contains(t, r.CSRCode, "BEGIN CERTIFICATE REQUEST")
				assert.Contains(t, r.PrivateKey, "BEGIN PRIVATE KEY")
				assert.True(t, r.DVOptions.IsEmpty())
			},
		},
		{
			name: "add_ssl_order answer as the document prints it", fixture: "add_ssl_order_toplevel.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AddOrder(ctx, OrderRequest{ProductID: 17, OrderType: OrderTypeNew, Period: 1, DVMethod: DVMethodDNS, Admin: docAdmin, CSR: csr})
			},
			method: http.MethodPost, endpoint: "add_ssl_order",
			params: url.Values{
				"product_id": {"17"}, "order_type": {"new"}, "period": {"1"}, "dv_method": {"dns"},
				"admin_firstname": {"John"}, "admin_lastname": {"Smith"}, "admin_phone": {"0042321313"},
				"admin_title": {"IT manager"}, "admin_email": {"admin@mysite.com"}, "csr": {csr},
			},
			check: func(t *testing.T, got any) {
				assert.Equal(t, &AddOrderResponse{Success: true, OrderID: 9999, DVOptions: docDVOptions()}, got)
			},
		},
		{
			name: "reissue_ssl_order", fixture: "reissue_ssl_order.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Reissue(ctx, ReissueRequest{OrderID: 9999, DVMethod: DVMethodHTTP, CSR: csr, AddonDomains: []string{"www.test.com"}})
			},
			method: http.MethodPost, endpoint: "reissue_ssl_order",
			params: url.Values{"order_id": {"9999"}, "dv_method": {"http"}, "csr": {csr}, "addon_domains": {"www.test.com"}},
			check: func(t *testing.T, got any) {
				r := got.(*AddOrderResponse)
				assert.Equal(t, ID(9999), r.OrderID)
				assert.Len(t, r.DVOptions.HTTP, 1)
				assert.Empty(t, r.DVOptions.HTTPS)
				assert.Empty(t, r.DVOptions.DNS)
				ch, ok, err := r.DVOptions.Challenge(DVMethodHTTP, "TEST.com")
				require.NoError(t, err)
				require.True(t, ok)
				assert.Equal(t, "/.well-known/pki-validation/A1B2C3D4E5F60718293A4B5C6D7E8F90.txt", ch.File.Path)
			},
		},
		{
			name: "reissue_ssl_order with generated CSR", fixture: "reissue_ssl_order.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Reissue(ctx, ReissueRequest{OrderID: 9999, DVMethod: DVMethodDNS, GenerateCSR: &CSRSubject{
					City: "c", State: "s", Country: "US", Domain: "test.com", Organization: "o", Department: "d", Email: "e@test.com",
				}})
			},
			method: http.MethodPost, endpoint: "reissue_ssl_order",
			params: url.Values{
				"order_id": {"9999"}, "dv_method": {"dns"}, "csr_city": {"c"}, "csr_state": {"s"}, "csr_country": {"US"},
				"csr_domain": {"test.com"}, "csr_organization": {"o"}, "csr_department": {"d"}, "csr_email": {"e@test.com"},
			},
		},
		{
			name: "validate_csr", fixture: "validate_csr.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ValidateCSR(ctx, ValidateCSRRequest{CSR: csr, ProductID: 17, AddonDomains: []string{"a.test.com"}})
			},
			method: http.MethodPost, endpoint: "validate_csr",
			params: url.Values{"csr": {csr}, "product_id": {"17"}, "addon_domains": {"a.test.com"}},
			check: func(t *testing.T, got any) {
				assert.Equal(t, &ValidateCSRResponse{Success: true, CSR: CSRInfo{
					CommonName: "test.com", Organization: "test organization", Department: "it dep", City: "test",
					State: "test", Country: "BS", Email: "test@test.com", Type: "RSA", KeySize: 2048, TotalDomains: 1,
				}}, got)
			},
		},
		{
			name: "validate_csr minimal", fixture: "validate_csr.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ValidateCSR(ctx, ValidateCSRRequest{CSR: csr})
			},
			method: http.MethodPost, endpoint: "validate_csr", params: url.Values{"csr": {csr}},
		},
		{
			name: "get_dv_options", fixture: "get_dv_options.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.DVOptions(ctx, 9999, DVMethodAll)
			},
			method: http.MethodGet, endpoint: "get_dv_options", params: url.Values{"order_id": {"9999"}, "dv_method": {"all"}},
			check: func(t *testing.T, got any) {
				r := got.(*DVOptionsResponse)
				assert.Equal(t, ID(9999), r.OrderID)
				assert.Equal(t, StringList{"test@mysite.com", "admin@mysite.com", "administrator@mysite.com",
					"hostmaster@mysite.com", "postmaster@mysite.com", "webmaster@mysite.com"}, r.DVOptions.Email["mysite.com"])
				assert.Equal(t, "b354ed749af42a09f09edf4b21ff516a698", r.DVOptions.HTTP["mysite.com"].Content)
			},
		},
		{
			name: "change_dv_method", fixture: "change_dv_method.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ChangeDVMethod(ctx, ChangeDVMethodRequest{OrderID: 9999, Domain: "test.com", DVMethod: DVMethodHTTPS})
			},
			method: http.MethodPost, endpoint: "change_dv_method",
			params: url.Values{"order_id": {"9999"}, "domain": {"test.com"}, "dv_method": {"https"}},
			check: func(t *testing.T, got any) {
				assert.Equal(t, &ChangeDVMethodResponse{Success: true, DVOptions: docDVOptions()}, got)
			},
		},
		{
			name: "change_dv_method to email", fixture: "revalidate.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ChangeDVMethod(ctx, ChangeDVMethodRequest{OrderID: 9999, DVMethod: DVMethodEmail, Email: "admin@test.com"})
			},
			method: http.MethodPost, endpoint: "change_dv_method",
			params: url.Values{"order_id": {"9999"}, "dv_method": {"email"}, "email": {"admin@test.com"}},
			check: func(t *testing.T, got any) {
				assert.True(t, got.(*ChangeDVMethodResponse).DVOptions.IsEmpty())
			},
		},
		{
			name: "order_status", fixture: "order_status.json",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.OrderStatus(ctx, 9999) },
			method: http.MethodGet, endpoint: "order_status", params: url.Values{"order_id": {"9999"}},
			check: func(t *testing.T, got any) {
				s := got.(*OrderStatus)
				assert.Equal(t, &OrderStatus{
					Success: true, OrderID: 9999, Status: StatusActivated, ValidFrom: "2026-05-13", ValidTill: "2027-05-13",
					Amount: "5.00", PrimaryDomain: "john.com", Period: 1,
					CSR:              "-----BEGIN CERTIFICATE REQUEST-----\n...\n-----END CERTIFICATE REQUEST-----\n",
					Certificate:      "-----BEGIN CERTIFICATE-----\nleaf\n-----END CERTIFICATE-----\n",
					CertificateChain: "-----BEGIN CERTIFICATE-----\nintermediate\n-----END CERTIFICATE-----\n",
					DomainsIncluded:  StringList{"john.com", "www.john.com"}, SoftwareName: "Apache", DVMethod: "http",
					PartnerOrderID: "123456",
					Contacts: Contacts{
						AdminFirstName: "John", AdminLastName: "Smith", AdminPhone: "0042321313", AdminTitle: "IT manager", AdminEmail: "admin@john.com",
						TechFirstName: "John", TechLastName: "Smith", TechPhone: "0042321313", TechTitle: "IT manager", TechEmail: "admin@john.com",
					},
					OrderLink: "https://www.cyberssl.com/ssl_order/9999",
				}, s)
				assert.Equal(t, ClassIssued, s.Class())
				assert.Equal(t, []string{"john.com", "www.john.com"}, s.Names())
				from, err := s.ValidFromTime()
				require.NoError(t, err)
				assert.Equal(t, time.Date(2026, 5, 13, 0, 0, 0, 0, time.UTC), from)
				till, err := s.ValidTillTime()
				require.NoError(t, err)
				assert.Equal(t, 2027, till.Year())
				assert.Equal(t, Contact{"John", "Smith", "0042321313", "IT manager", "admin@john.com"}, s.Contacts.Admin())
				assert.Equal(t, "admin@john.com", s.Contacts.Tech().Email)
				assert.Equal(t, Organization{}, s.Contacts.Organization())
			},
		},
		{
			name: "order_status pending, PHP-style values", fixture: "order_status_pending.json",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.OrderStatus(ctx, 9999) },
			method: http.MethodGet, endpoint: "order_status", params: url.Values{"order_id": {"9999"}},
			check: func(t *testing.T, got any) {
				s := got.(*OrderStatus)
				assert.Equal(t, ID(9999), s.OrderID)
				assert.Equal(t, ClassWaiting, s.Class())
				assert.Equal(t, Amount("5"), s.Amount)
				assert.Equal(t, StringList{"john.com"}, s.DomainsIncluded)
				assert.Equal(t, Contacts{}, s.Contacts)
				_, err := s.ValidFromTime()
				assert.Error(t, err)
			},
		},
		{
			name: "get_ssl_product_price", fixture: "get_ssl_product_price.json",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Price(ctx, 17, 2, 3) },
			method: http.MethodGet, endpoint: "get_ssl_product_price",
			params: url.Values{"product_id": {"17"}, "period": {"2"}, "nr_domains": {"3"}},
			check: func(t *testing.T, got any) {
				assert.Equal(t, &PriceResponse{Success: true, Amount: "5.00"}, got)
				f, err := got.(*PriceResponse).Amount.Float64()
				require.NoError(t, err)
				assert.InDelta(t, 5.0, f, 1e-9)
			},
		},
		{
			name: "get_ssl_product_price default domains", fixture: "get_ssl_product_price.json",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Price(ctx, 17, 1, 0) },
			method: http.MethodGet, endpoint: "get_ssl_product_price",
			params: url.Values{"product_id": {"17"}, "period": {"1"}},
		},
		{
			name: "get_balance", fixture: "get_balance.json",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Balance(ctx) },
			method: http.MethodGet, endpoint: "get_balance", params: url.Values{},
			check: func(t *testing.T, got any) {
				assert.Equal(t, &BalanceResponse{Success: true, Balance: "1000.5"}, got)
			},
		},
		{
			name: "my_orders", fixture: "my_orders.json",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Orders(ctx) },
			method: http.MethodGet, endpoint: "my_orders", params: url.Values{},
			check: func(t *testing.T, got any) {
				r := got.(*OrdersResponse)
				require.Len(t, r.SSLOrders, 2)
				o := r.SSLOrders[1]
				assert.Equal(t, OrderSummary{
					OrderID: 9999, ProductID: 17, Status: StatusActivated, PrimaryDomain: "john.com",
					DomainsIncluded: StringList{"john.com", "www.john.com"}, Period: 1, Amount: "5.00",
					DateCreated: "2026-05-13 09:30:00", ValidFrom: "2026-05-13", ValidTill: "2027-05-13", DVMethod: "http",
				}, o)
				created, err := o.CreatedAt()
				require.NoError(t, err)
				assert.Equal(t, time.Date(2026, 5, 13, 9, 30, 0, 0, time.UTC), created)
				m := r.SSLOrders.Matching([]string{"WWW.john.com.", "john.com"}, time.Date(2026, 5, 13, 9, 0, 0, 0, time.UTC))
				require.Len(t, m, 1)
				assert.Equal(t, ID(9999), m[0].OrderID)
			},
		},
		{
			name: "ssl_certificates", fixture: "ssl_certificates.json", noToken: true,
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Certificates(ctx) },
			method: http.MethodGet, endpoint: "ssl_certificates", params: url.Values{},
			check: func(t *testing.T, got any) {
				r := got.(*ProductsResponse)
				require.Len(t, r.SSLProducts, 2)
				assert.Equal(t, ID(9), r.SSLProducts[0].ProductID, "object keys in numeric order")
				assert.True(t, bool(r.SSLProducts[0].OrganizationRequired))
				assert.Equal(t, docProduct(), r.SSLProducts[1])
			},
		},
		{
			name: "order_extra_domains", fixture: "order_extra_domains.json",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.OrderExtraDomains(ctx, 9999, 2) },
			method: http.MethodGet, endpoint: "order_extra_domains",
			params: url.Values{"order_id": {"9999"}, "extra_domains_nr": {"2"}},
			check: func(t *testing.T, got any) {
				assert.Equal(t, &ExtraDomainsResponse{Success: true, Amount: "10.00", OrderID: 9999}, got)
			},
		},
		{
			name: "get_ssl_product_details", fixture: "get_ssl_product_details.json",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ProductDetails(ctx, 17) },
			method: http.MethodGet, endpoint: "get_ssl_product_details", params: url.Values{"product_id": {"17"}},
			check: func(t *testing.T, got any) {
				assert.Equal(t, &ProductDetailsResponse{Success: true, Product: docProduct()}, got)
			},
		},
		{
			name: "revalidate", fixture: "revalidate.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.Revalidate(ctx, 9999, "test.com")
			},
			method: http.MethodGet, endpoint: "revalidate", params: url.Values{"order_id": {"9999"}, "domain_name": {"test.com"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newAPIServer(t, reply(http.StatusOK, "application/json", fixture(t, tt.fixture)))
			got, err := tt.call(context.Background(), srv.client(t, docKey))
			require.NoError(t, err)

			reqs := srv.requests()
			if tt.noToken {
				require.Len(t, reqs, 1)
			} else {
				require.Len(t, reqs, 2)
				auth := reqs[0]
				assert.Equal(t, http.MethodGet, auth.Method)
				assert.Equal(t, "auth", auth.Endpoint)
				assert.Equal(t, url.Values{"apikey": {docKey}}, auth.Query)
				assert.Empty(t, auth.Body)
			}
			r := reqs[len(reqs)-1]
			assert.Equal(t, tt.method, r.Method)
			assert.Equal(t, tt.endpoint, r.Endpoint)
			assert.Equal(t, "application/json", r.Header.Get("Accept"))
			assert.NotEmpty(t, r.Header.Get("User-Agent"))
			want := cloneValues(tt.params)
			if !tt.noToken {
				want.Set("token", docToken)
			}
			if tt.method == http.MethodGet {
				assert.Equal(t, want, r.Query)
				assert.Empty(t, r.Body)
				assert.Empty(t, r.Header.Get("Content-Type"))
			} else {
				assert.Empty(t, r.Query, "POST parameters belong in the body")
				assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
				assert.Equal(t, want, r.Form)
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func TestSessionIsCached(t *testing.T) {
	srv := newAPIServer(t, reply(200, "application/json", fixture(t, "get_balance.json")))
	c := srv.client(t, docKey)
	for range 3 {
		_, err := c.Balance(context.Background())
		require.NoError(t, err)
	}
	assert.Len(t, srv.calls("auth"), 1)
	assert.Len(t, srv.calls("get_balance"), 3)
}

// rotatingServer issues tok-1, tok-2, ... and accepts only the newest token;
// expire() invalidates it. refusal is how a refused token is answered.
type rotatingServer struct {
	*apiServer
	mu      sync.Mutex
	issued  int
	current string
}

func newRotatingServer(t *testing.T, refusal http.HandlerFunc) *rotatingServer {
	rs := &rotatingServer{}
	rs.apiServer = newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		rs.mu.Lock()
		ok := r.Form.Get("token") != "" && r.Form.Get("token") == rs.current
		rs.mu.Unlock()
		if !ok {
			refusal(w, r)
			return
		}
		_, _ = io.WriteString(w, `{"success":true,"balance":"10.00","order_id":1,"dv_options":[]}`)
	})
	rs.setAuth(func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		rs.issued++
		rs.current = fmt.Sprintf("tok-%d", rs.issued)
		tok := rs.current
		rs.mu.Unlock()
		fmt.Fprintf(w, `{"success":true,"token":%q}`, tok)
	})
	return rs
}

func (rs *rotatingServer) expire() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.current = ""
}

func TestSessionRenewal(t *testing.T) {
	refusals := map[string]http.HandlerFunc{
		"401 with code":       reply(401, "application/json", fixture(t, "error_auth.json")),
		"200 with code 401":   reply(200, "application/json", []byte(`{"success":false,"error_code":"401","error_message":"nope"}`)),
		"200 message only":    reply(200, "application/json", []byte(`{"success":false,"error_code":17,"error_message":"Token expired"}`)),
		"403 session message": reply(403, "application/json", []byte(`{"success":false,"error_code":"E_SESSION","error_message":"Session not found"}`)),
	}
	for name, refusal := range refusals {
		t.Run(name, func(t *testing.T) {
			rs := newRotatingServer(t, refusal)
			c := rs.client(t, docKey)
			ctx := context.Background()
			_, err := c.Balance(ctx)
			require.NoError(t, err)

			rs.expire()
			b, err := c.Balance(ctx)
			require.NoError(t, err)
			assert.Equal(t, Amount("10.00"), b.Balance)
			calls := rs.calls("get_balance")
			require.Len(t, calls, 3)
			assert.Equal(t, "tok-1", calls[1].Query.Get("token"))
			assert.Equal(t, "tok-2", calls[2].Query.Get("token"))
			assert.Len(t, rs.calls("auth"), 2)

			// POST: the retried form carries the new token.
			rs.expire()
			_, err = c.AddOrder(ctx, OrderRequest{ProductID: 1, OrderType: OrderTypeNew, Period: 1, DVMethod: DVMethodHTTP,
				Admin: docAdmin, CSR: testCSR(t, "a.com")})
			require.NoError(t, err)
			orders := rs.calls("add_ssl_order")
			require.Len(t, orders, 2)
			assert.Equal(t, "tok-2", orders[0].Form.Get("token"))
			assert.Equal(t, "tok-3", orders[1].Form.Get("token"))
			assert.Equal(t, orders[0].Form.Get("csr"), orders[1].Form.Get("csr"))
		})
	}
}

func TestSessionRenewalLimits(t *testing.T) {
	ctx := context.Background()
	refuse := reply(200, "application/json", fixture(t, "error_auth.json"))

	t.Run("a fresh token that is refused is not renewed", func(t *testing.T) {
		srv := newAPIServer(t, refuse)
		_, err := srv.client(t, docKey).Balance(ctx)
		require.Error(t, err)
		assert.True(t, IsAuth(err))
		assert.Len(t, srv.calls("auth"), 1)
		assert.Len(t, srv.calls("get_balance"), 1)
	})

	t.Run("renewed once, retried once", func(t *testing.T) {
		rs := newRotatingServer(t, refuse)
		c := rs.client(t, docKey)
		require.NoError(t, c.Authenticate(ctx))
		rs.expire()
		rs.setAuth(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"success":true,"token":"never-accepted"}`)
		})
		_, err := c.Balance(ctx)
		require.Error(t, err)
		assert.True(t, IsAuth(err))
		assert.Len(t, rs.calls("auth"), 2)
		assert.Len(t, rs.calls("get_balance"), 2)
	})

	t.Run("api key refused on renewal", func(t *testing.T) {
		rs := newRotatingServer(t, refuse)
		c := rs.client(t, docKey)
		_, err := c.Balance(ctx)
		require.NoError(t, err)
		rs.expire()
		rs.setAuth(reply(200, "application/json", []byte(`{"success":false,"error_code":"2","error_message":"Invalid api key"}`)))
		_, err = c.Balance(ctx)
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "auth", ae.Endpoint)
		assert.Equal(t, "2", ae.Code)
		assert.True(t, IsAuth(err))
		assert.False(t, IsTemporary(err))
	})

	t.Run("other errors are not retried", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", fixture(t, "error_param.json")))
		c := srv.client(t, docKey)
		require.NoError(t, c.Authenticate(ctx))
		_, err := c.Balance(ctx)
		require.Error(t, err)
		assert.False(t, IsAuth(err))
		assert.Len(t, srv.calls("get_balance"), 1)
	})

	t.Run("auth answer without token", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", fixture(t, "get_balance.json")))
		srv.setAuth(reply(200, "application/json", []byte(`{"success":true}`)))
		_, err := srv.client(t, docKey).Balance(ctx)
		assert.ErrorIs(t, err, ErrMalformedResponse)
		assert.True(t, IsTemporary(err))
		assert.Empty(t, srv.calls("get_balance"))
	})

	t.Run("concurrent callers renew once", func(t *testing.T) {
		rs := newRotatingServer(t, refuse)
		c := rs.client(t, docKey)
		require.NoError(t, c.Authenticate(ctx))
		rs.expire()
		var wg sync.WaitGroup
		var failures atomic.Int32
		for range 8 {
			wg.Go(func() {
				if _, err := c.Balance(ctx); err != nil {
					failures.Add(1)
				}
			})
		}
		wg.Wait()
		assert.Zero(t, failures.Load())
		assert.Len(t, rs.calls("auth"), 2)
	})

	t.Run("Authenticate replaces the token", func(t *testing.T) {
		rs := newRotatingServer(t, refuse)
		c := rs.client(t, docKey)
		require.NoError(t, c.Authenticate(ctx))
		require.NoError(t, c.Authenticate(ctx))
		_, err := c.Balance(ctx)
		require.NoError(t, err)
		calls := rs.calls("get_balance")
		require.Len(t, calls, 1)
		assert.Equal(t, "tok-2", calls[0].Query.Get("token"))
	})
}

func TestInvalidArguments(t *testing.T) {
	csr := testCSR(t, "a.com")
	order := func(mod func(*OrderRequest)) func(context.Context, *Client) error {
		return func(ctx context.Context, c *Client) error {
			r := OrderRequest{ProductID: 1, OrderType: OrderTypeNew, Period: 1, DVMethod: DVMethodHTTP, Admin: docAdmin, CSR: csr}
			mod(&r)
			_, err := c.AddOrder(ctx, r)
			return err
		}
	}
	tests := []struct {
		name string
		call func(context.Context, *Client) error
		arg  string
	}{
		{"order: no product", order(func(r *OrderRequest) { r.ProductID = 0 }), "ProductID"},
		{"order: bad type", order(func(r *OrderRequest) { r.OrderType = "buy" }), "OrderType"},
		{"order: no period", order(func(r *OrderRequest) { r.Period = 0 }), "Period"},
		{"order: bad method", order(func(r *OrderRequest) { r.DVMethod = "HTTP-01" }), "DVMethod"},
		{"order: empty email method", order(func(r *OrderRequest) { r.DVMethod = "email:" }), "DVMethod"},
		{"order: bad email method", order(func(r *OrderRequest) { r.DVMethod = "email:a@b.com,nope" }), "DVMethod"},
		{"order: bad addon", order(func(r *OrderRequest) { r.AddonDomains = []string{"a.com,b.com"} }), "AddonDomains[0]"},
		{"order: duplicate addon", order(func(r *OrderRequest) { r.AddonDomains = []string{"b.com", "B.com"} }), "AddonDomains[1]"},
		{"order: admin missing", order(func(r *OrderRequest) { r.Admin.Phone = " " }), "Admin.Phone"},
		{"order: admin email", order(func(r *OrderRequest) { r.Admin.Email = "John <j@x.com>" }), "Admin.Email"},
		{"order: tech incomplete", order(func(r *OrderRequest) { r.Tech = &Contact{FirstName: "x"} }), "Tech.LastName"},
		{"order: no csr", order(func(r *OrderRequest) { r.CSR = "" }), "CSR"},
		{"order: csr not PEM", order(func(r *OrderRequest) { r.CSR = "MIIB..." }), "CSR"},
		{"order: csr and generation", order(func(r *OrderRequest) { r.GenerateCSR = &CSRSubject{} }), "GenerateCSR"},
		{"order: generation incomplete", order(func(r *OrderRequest) {
			r.CSR = ""
			r.GenerateCSR = &CSRSubject{City: "c", State: "s", Country: "US", Domain: "a.com"}
		}), "GenerateCSR.Organization"},
		{"order: org incomplete", order(func(r *OrderRequest) { r.Org = &Organization{Name: "x"} }), "Org.Division"},
		{"order: multi-line field", order(func(r *OrderRequest) { r.Admin.Title = "a\nb" }), "Admin.Title"},
		{"reissue: no order", func(ctx context.Context, c *Client) error {
			_, err := c.Reissue(ctx, ReissueRequest{DVMethod: DVMethodHTTP, CSR: csr})
			return err
		}, "OrderID"},
		{"reissue: generation needs department", func(ctx context.Context, c *Client) error {
			_, err := c.Reissue(ctx, ReissueRequest{OrderID: 1, DVMethod: DVMethodHTTP, GenerateCSR: &CSRSubject{
				City: "c", State: "s", Country: "US", Domain: "a.com", Organization: "o", Email: "e@a.com",
			}})
			return err
		}, "GenerateCSR.Department"},
		{"validate_csr: empty", func(ctx context.Context, c *Client) error {
			_, err := c.ValidateCSR(ctx, ValidateCSRRequest{})
			return err
		}, "CSR"},
		{"dv options: bad method", func(ctx context.Context, c *Client) error {
			_, err := c.DVOptions(ctx, 1, "cname")
			return err
		}, "method"},
		{"dv options: no order", func(ctx context.Context, c *Client) error {
			_, err := c.DVOptions(ctx, 0, DVMethodAll)
			return err
		}, "orderID"},
		{"change: email without address", func(ctx context.Context, c *Client) error {
			_, err := c.ChangeDVMethod(ctx, ChangeDVMethodRequest{OrderID: 1, DVMethod: DVMethodEmail})
			return err
		}, "Email"},
		{"change: address without email", func(ctx context.Context, c *Client) error {
			_, err := c.ChangeDVMethod(ctx, ChangeDVMethodRequest{OrderID: 1, DVMethod: DVMethodDNS, Email: "a@b.com"})
			return err
		}, "Email"},
		{"change: all is not a method", func(ctx context.Context, c *Client) error {
			_, err := c.ChangeDVMethod(ctx, ChangeDVMethodRequest{OrderID: 1, DVMethod: DVMethodAll})
			return err
		}, "DVMethod"},
		{"change: bad domain", func(ctx context.Context, c *Client) error {
			_, err := c.ChangeDVMethod(ctx, ChangeDVMethodRequest{OrderID: 1, DVMethod: DVMethodDNS, Domain: "http://x.com"})
			return err
		}, "Domain"},
		{"status: no order", func(ctx context.Context, c *Client) error {
			_, err := c.OrderStatus(ctx, -1)
			return err
		}, "orderID"},
		{"price: no period", func(ctx context.Context, c *Client) error {
			_, err := c.Price(ctx, 1, 0, 0)
			return err
		}, "period"},
		{"price: negative domains", func(ctx context.Context, c *Client) error {
			_, err := c.Price(ctx, 1, 1, -1)
			return err
		}, "nrDomains"},
		{"details: no product", func(ctx context.Context, c *Client) error {
			_, err := c.ProductDetails(ctx, 0)
			return err
		}, "productID"},
		{"extra domains: zero", func(ctx context.Context, c *Client) error {
			_, err := c.OrderExtraDomains(ctx, 1, 0)
			return err
		}, "n"},
		{"revalidate: bad domain", func(ctx context.Context, c *Client) error {
			return c.Revalidate(ctx, 1, "a..com")
		}, "domain"},
	}
	srv := newAPIServer(t, reply(http.StatusOK, "application/json", []byte(`{"success":true}`)))
	c := srv.client(t, secretKey)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(context.Background(), c)
			var ia *InvalidArgumentError
			require.ErrorAs(t, err, &ia)
			assert.Equal(t, tt.arg, ia.Name)
			assert.Contains(t, err.Error(), tt.arg)
			assert.False(t, IsTemporary(err))
			assert.False(t, IsAuth(err))
			assert.NotContains(t, err.Error(), secretKey)
		})
	}
	assert.Empty(t, srv.requests(), "invalid arguments must not reach the server")
}

func TestErrors(t *testing.T) {
	huge := []byte(`{"success":true,"balance":"1","pad":"` + strings.Repeat("x", rest.MaxBodySize) + `"}`)
	tests := []struct {
		name        string
		status      int
		contentType string
		body        []byte
		wantStatus  int // 0: not an APIError
		wantCode    string
		wantMsg     string
		wantIs      error
		wantText    string
		auth        bool
		temporary   bool
	}{
		{name: "200 success false", status: 200, contentType: "application/json", body: fixture(t, "error_param.json"),
			wantStatus: 200, wantCode: "missing_parameter", wantMsg: "product_id is required",
			wantText: "cyberssl: get_balance: 200 OK: error missing_parameter: product_id is required"},
		{name: "400 with JSON", status: 400, contentType: "application/json", body: fixture(t, "error_param.json"),
			wantStatus: 400, wantCode: "missing_parameter", wantMsg: "product_id is required"},
		{name: "401 fresh token", status: 401, contentType: "application/json", body: fixture(t, "error_auth.json"),
			wantStatus: 401, wantCode: "401", wantMsg: "Invalid or expired token", auth: true,
			wantText: "cyberssl: get_balance: 401 Unauthorized: error 401: Invalid or expired token"},
		{name: "numeric code, list of messages", status: 200, contentType: "application/json",
			body:       []byte(`{"success":false,"error_code":12.0,"error_message":["a","b"]}`),
			wantStatus: 200, wantCode: "12.0", wantMsg: `["a","b"]`},
		{name: "success false without message", status: 200, contentType: "application/json",
			body: []byte(`{"success":"0"}`), wantStatus: 200, wantMsg: `"success": false`},
		{name: "500 JSON", status: 500, contentType: "application/json",
			body:       []byte(`{"success":false,"error_code":500,"error_message":"server error"}`),
			wantStatus: 500, wantCode: "500", wantMsg: "server error", temporary: true},
		{name: "429 plain text", status: 429, contentType: "text/plain", body: []byte("slow down\n"),
			wantStatus: 429, wantMsg: "slow down", temporary: true,
			wantText: "cyberssl: get_balance: 429 Too Many Requests: slow down"},
		{name: "502 html page", status: 502, contentType: "text/html", body: fixture(t, "error_502.html"),
			wantStatus: 502,
			wantMsg:    "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> <hr><center>nginx</center> </body> </html>",
			temporary:  true},
		{name: "oversized error body", status: 503, contentType: "text/html", body: []byte(strings.Repeat("e", 2*rest.MaxBodySize)),
			wantStatus: 503, wantMsg: strings.Repeat("e", 200) + " (response body larger than 1 MiB)", temporary: true},
		{name: "2xx html proxy page", status: 200, contentType: "text/html", body: fixture(t, "error_502.html"),
			wantIs: ErrMalformedResponse, temporary: true},
		{name: "2xx JSON without success", status: 200, contentType: "application/json", body: []byte(`{"balance":"1"}`),
			wantIs: ErrMalformedResponse, temporary: true},
		{name: "2xx wrong type", status: 200, contentType: "application/json", body: []byte(`{"success":true,"balance":{"x":1}}`),
			wantIs: ErrMalformedResponse, temporary: true},
		{name: "2xx empty body", status: 200, wantIs: ErrMalformedResponse, temporary: true},
		{name: "2xx oversized body", status: 200, contentType: "application/json", body: huge, wantIs: ErrResponseTooLarge},
		{name: "3xx is not followed", status: 302, wantStatus: 302, wantMsg: `<a href="/elsewhere?token=REDACTED">Found</a>.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := reply(tt.status, tt.contentType, tt.body)
			if tt.status == 302 {
				h = func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, "/elsewhere?token="+url.QueryEscape(r.URL.Query().Get("token")), http.StatusFound)
				}
			}
			srv := newAPIServer(t, h)
			_, err := srv.client(t, docKey).Balance(context.Background())
			require.Error(t, err)
			require.Len(t, srv.calls("get_balance"), 1)

			var ae *APIError
			if tt.wantStatus != 0 {
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, "get_balance", ae.Endpoint)
				assert.Equal(t, tt.wantStatus, ae.StatusCode)
				assert.Equal(t, tt.wantCode, ae.Code)
				assert.Equal(t, tt.wantMsg, ae.Message)
			} else {
				assert.False(t, errors.As(err, &ae), "unexpected APIError %v", err)
			}
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
			if tt.wantText != "" {
				assert.Equal(t, tt.wantText, err.Error())
			}
			assert.Equal(t, tt.auth, IsAuth(err), "IsAuth")
			assert.Equal(t, tt.temporary, IsTemporary(err), "IsTemporary")
			assert.NotContains(t, err.Error(), docToken)
			assert.NotContains(t, err.Error(), docKey)
		})
	}
}

func TestRetryAfter(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	_, err := srv.client(t, docKey).Balance(context.Background())
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 7*time.Second, ae.RetryAfter)
}

func TestSemanticErrors(t *testing.T) {
	t.Run("add order without order_id", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", []byte(`{"success":true}`)))
		_, err := srv.client(t, docKey).AddOrder(context.Background(), OrderRequest{ProductID: 1, OrderType: OrderTypeNew,
			Period: 1, DVMethod: DVMethodHTTP, Admin: docAdmin, CSR: testCSR(t, "a.com")})
		assert.ErrorIs(t, err, ErrMalformedResponse)
		assert.True(t, IsTemporary(err))
	})
	t.Run("activated without certificate", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", []byte(`{"success":true,"status":"Activated","certificate":""}`)))
		_, err := srv.client(t, docKey).OrderStatus(context.Background(), 1)
		assert.ErrorIs(t, err, ErrMalformedResponse)
	})
	t.Run("reissue answer without order_id keeps the id", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", []byte(`{"success":true}`)))
		r, err := srv.client(t, docKey).Reissue(context.Background(), ReissueRequest{OrderID: 42, DVMethod: DVMethodDNS, CSR: testCSR(t, "a.com")})
		require.NoError(t, err)
		assert.Equal(t, ID(42), r.OrderID)
	})
	t.Run("not found and funds", func(t *testing.T) {
		assert.True(t, IsNotFound(&APIError{StatusCode: 200, Code: "404"}))
		assert.True(t, IsNotFound(&APIError{StatusCode: 404}))
		assert.True(t, IsInsufficientFunds(&APIError{StatusCode: 402}))
		assert.False(t, IsInsufficientFunds(errors.New("402")))
	})
}

// assertNoSecret checks err and every error it wraps.
func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	require.Error(t, err)
	queue := []error{err}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		for _, s := range secrets {
			for _, f := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
				assert.NotContains(t, e.Error(), f, "error %T leaks a secret", e)
			}
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

func TestSecretsNeverInErrors(t *testing.T) {
	ctx := context.Background()
	csr := testCSR(t, "a.com")
	calls := map[string]func(*Client) error{
		"balance":  func(c *Client) error { _, err := c.Balance(ctx); return err },
		"status":   func(c *Client) error { _, err := c.OrderStatus(ctx, 1); return err },
		"products": func(c *Client) error { _, err := c.Certificates(ctx); return err },
		"order": func(c *Client) error {
			_, err := c.AddOrder(ctx, OrderRequest{ProductID: 1, OrderType: OrderTypeNew, Period: 1, DVMethod: DVMethodHTTP, Admin: docAdmin, CSR: csr})
			return err
		},
	}
	tokenAuth := func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, `{"success":true,"token":%q}`, secretToken)
	}

	t.Run("server echoes the secrets", func(t *testing.T) {
		echo := map[string]http.HandlerFunc{
			"json 401": func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"success":false,"error_code":%q,"error_message":"invalid token %s (%s), key %s"}`,
					secretToken, secretToken, url.QueryEscape(secretToken), secretKey)
			},
			"html 502": func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusBadGateway)
				fmt.Fprintf(w, "<p>%s %s %s</p>", r.URL.RawQuery, secretToken, secretKey)
			},
			"2xx success false": func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `{"success":false,"error_message":"token %s key %s"}`, secretToken, secretKey)
			},
			"2xx malformed": func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "<p>token=%s&apikey=%s</p>", url.QueryEscape(secretToken), url.QueryEscape(secretKey))
			},
		}
		for hname, h := range echo {
			srv := newAPIServer(t, h)
			srv.setAuth(tokenAuth)
			c := srv.client(t, secretKey)
			// The token must be one the client holds (ssl_certificates
			// opens no session of its own).
			require.NoError(t, c.Authenticate(ctx))
			for cname, call := range calls {
				t.Run(hname+"/"+cname, func(t *testing.T) {
					err := call(c)
					assertNoSecret(t, err, secretKey, secretToken)
					assert.Contains(t, err.Error(), "REDACTED")
				})
			}
		}
	})

	t.Run("auth refusal echoes the key", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", []byte(`{"success":true}`)))
		srv.setAuth(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"success":false,"error_code":1,"error_message":"bad apikey %s"}`, r.URL.Query().Get("apikey"))
		})
		err := srv.client(t, secretKey).Authenticate(ctx)
		assertNoSecret(t, err, secretKey)
		assert.True(t, IsAuth(err))
	})

	t.Run("unusable auth answer holding a token", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", []byte(`{"success":true}`)))
		srv.setAuth(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"token":%q}`, secretToken) // no "success"
		})
		err := srv.client(t, secretKey).Authenticate(ctx)
		assert.ErrorIs(t, err, ErrMalformedResponse)
		assertNoSecret(t, err, secretKey, secretToken)
	})

	t.Run("stale token quoted after renewal", func(t *testing.T) {
		var n atomic.Int32
		srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"success":false,"error_code":401,"error_message":"tokens %s and tok-2 refused"}`, secretToken)
		})
		srv.setAuth(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				tokenAuth(w, r)
				return
			}
			_, _ = io.WriteString(w, `{"success":true,"token":"tok-2"}`)
		})
		c := srv.client(t, secretKey)
		require.NoError(t, c.Authenticate(ctx))
		_, err := c.Balance(ctx)
		assertNoSecret(t, err, secretKey, secretToken, "tok-2")
	})

	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())

		c, err := New("http://"+addr+"/v1/", secretKey)
		require.NoError(t, err)
		for cname, call := range calls {
			t.Run(cname, func(t *testing.T) {
				err := call(c)
				assertNoSecret(t, err, secretKey)
				assert.True(t, IsTemporary(err))
				assert.False(t, IsAuth(err))
				var ue *url.Error
				require.ErrorAs(t, err, &ue)
				if cname != "products" {
					assert.Contains(t, ue.URL, "apikey=REDACTED")
					assert.Contains(t, err.Error(), "apikey=REDACTED")
				}
			})
		}
	})

	t.Run("connection refused with a cached token", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", fixture(t, "get_balance.json")))
		srv.setAuth(tokenAuth)
		c := srv.client(t, secretKey)
		require.NoError(t, c.Authenticate(ctx))
		srv.Close()
		for cname, call := range calls {
			t.Run(cname, func(t *testing.T) {
				err := call(c)
				assertNoSecret(t, err, secretKey, secretToken)
				assert.True(t, IsTemporary(err))
				if cname == "balance" {
					assert.Contains(t, err.Error(), "token=REDACTED")
				}
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
		srv.setAuth(tokenAuth)
		c := srv.client(t, secretKey, WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
		_, err := c.Balance(ctx)
		assertNoSecret(t, err, secretKey, secretToken)
		assert.True(t, IsTemporary(err))
	})

	t.Run("canceled context", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", fixture(t, "get_balance.json")))
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := srv.client(t, secretKey).Balance(cctx)
		assertNoSecret(t, err, secretKey)
		assert.ErrorIs(t, err, context.Canceled)
		assert.False(t, IsTemporary(err))
	})

	t.Run("client formatting", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", fixture(t, "get_balance.json")))
		srv.setAuth(tokenAuth)
		c := srv.client(t, secretKey)
		require.NoError(t, c.Authenticate(ctx))
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			s := fmt.Sprintf(f, c)
			assert.NotContains(t, s, secretKey, f)
			assert.NotContains(t, s, secretToken, f)
		}
	})
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
		c, err := New(LiveBaseURL, docKey, WithHTTPClient(hc))
		require.NoError(t, err)
		assert.Same(t, hc, c.HTTPClient)
		c, err = New(LiveBaseURL, docKey, WithHTTPClient(nil))
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
