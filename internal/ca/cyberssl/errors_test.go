package cyberssl

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

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
			wantIs: rest.ErrMalformedResponse, temporary: true},
		{name: "2xx JSON without success", status: 200, contentType: "application/json", body: []byte(`{"balance":"1"}`),
			wantIs: rest.ErrMalformedResponse, temporary: true},
		{name: "2xx wrong type", status: 200, contentType: "application/json", body: []byte(`{"success":true,"balance":{"x":1}}`),
			wantIs: rest.ErrMalformedResponse, temporary: true},
		{name: "2xx empty body", status: 200, wantIs: rest.ErrMalformedResponse, temporary: true},
		{name: "2xx oversized body", status: 200, contentType: "application/json", body: huge, wantIs: rest.ErrResponseTooLarge},
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
		assert.ErrorIs(t, err, rest.ErrMalformedResponse)
		assert.True(t, IsTemporary(err))
	})
	t.Run("activated without certificate", func(t *testing.T) {
		srv := newAPIServer(t, reply(200, "application/json", []byte(`{"success":true,"status":"Activated","certificate":""}`)))
		_, err := srv.client(t, docKey).OrderStatus(context.Background(), 1)
		assert.ErrorIs(t, err, rest.ErrMalformedResponse)
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
