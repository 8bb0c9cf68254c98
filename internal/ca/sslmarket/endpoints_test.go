package sslmarket

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

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
			call:    func(ctx context.Context, c *Client) (any, error) { return c.OrdersPage(ctx, 1) },
			method:  http.MethodGet,
			path:    "/api/order/list",
			checkResp: func(t *testing.T, got any) {
				os := got.([]OrderSummary)
				require.Len(t, os, 2)
				assert.Equal(t, OrderSummary{
					OrderID: 123456, OrderItem: OrderItem{ProductType: ProductTypeSSL, ProductCode: "rapidssl-rapidssl-dv",
						Domain: "example.com", DNSNames: []string{"www.example.com"}, SANsOrderCount: 1, Years: 1},
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
			assert.ErrorIs(t, err, rest.ErrMalformedResponse)
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
