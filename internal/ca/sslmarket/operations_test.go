package sslmarket

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/catest"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// Each call is counted once under its endpoint's operation, so a paid
// order and a free poll differ in the metrics.
func TestCallsAreCountedByOperation(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		status  int
		call    func(context.Context, *Client) error
		want    string
	}{
		{name: "an order", fixture: "order_insert.json", status: http.StatusCreated, want: "place_order/success",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.PlaceOrder(ctx, "rapidssl-rapidssl-dv", Order{Domain: "example.com", Years: 1, CSR: string(testCSR(t, "example.com")), DVAuthMethod: DVAuthFile, Contacts: docContacts()})
				return err
			}},
		{name: "a poll", fixture: "order.json", want: "poll/success",
			call: func(ctx context.Context, c *Client) error { _, err := c.Order(ctx, 1); return err }},
		{name: "a reissue", status: http.StatusAccepted, want: "reissue/success",
			call: func(ctx context.Context, c *Client) error { return c.Reissue(ctx, 1, testCSR(t, "example.com")) }},
		{name: "the order list", fixture: "orders.json", want: "list/success",
			call: func(ctx context.Context, c *Client) error { _, err := c.OrdersPage(ctx, 1); return err }},
		{name: "the products", fixture: "products.json", want: "products/success",
			call: func(ctx context.Context, c *Client) error { _, err := c.Products(ctx); return err }},
		{name: "a refused token", fixture: "error_401.json", status: http.StatusUnauthorized, want: "products/refused",
			call: func(ctx context.Context, c *Client) error { _, err := c.Products(ctx); return err }},
		{name: "a download", status: http.StatusOK, want: "download/success",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Download(ctx, 1, "pem_intermediate")
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := tt.status
			if status == 0 {
				status = http.StatusOK
			}
			body := []byte{}
			if tt.fixture != "" {
				body = fixture(t, tt.fixture)
			} else if tt.want == "download/success" {
				body = testCert(t, "example.com")
			}
			srv := newAPIServer(t, reply(status, "application/json", body))
			in := catest.NewInstrumented(t)
			_ = tt.call(context.Background(), srv.client(t, "token", rest.WithHTTPClient(in.HTTPClient("sslmarket"))))
			assert.Equal(t, map[string]int{tt.want: 1}, in.Calls(t, "sslmarket"))
		})
	}
}
