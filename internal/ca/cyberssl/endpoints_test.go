package cyberssl

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
			call:   func(ctx context.Context, c *Client) (any, error) { return c.OrdersPage(ctx, 1) },
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
