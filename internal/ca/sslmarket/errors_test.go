package sslmarket

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

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
		{"2xx html proxy page", 200, "text/html", fixture(t, "error_502.html"), 0, "", "", rest.ErrMalformedResponse, "", "", true},
		{"2xx empty body", 200, "application/json", nil, 0, "", "", rest.ErrMalformedResponse, "", "", true},
		{"2xx wrong json type", 200, "application/json", []byte(`{"orders":{"a":1}}`), 0, "", "", rest.ErrMalformedResponse, "", "", true},
		{"2xx oversized body", 200, "application/json", huge, 0, "", "", rest.ErrResponseTooLarge, "", "", false},
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
		assert.ErrorIs(t, err, rest.ErrMalformedResponse)
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
		assert.ErrorIs(t, err, rest.ErrMalformedResponse)
	})
	t.Run("202 with empty body is fine", func(t *testing.T) {
		srv := newAPIServer(t, reply(202, "", nil))
		require.NoError(t, srv.client(t, docToken).ResendDCVEmail(ctx, 1))
	})
}
