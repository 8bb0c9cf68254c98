package cyberssl

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
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
		want    map[string]int
	}{
		{
			name: "an order", fixture: "add_ssl_order.json",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.AddOrder(ctx, OrderRequest{ProductID: 17, OrderType: OrderTypeNew, Period: 1, DVMethod: DVMethodHTTP, Admin: docAdmin, CSR: testCSR(t, "test.com")})
				return err
			},
			want: map[string]int{"auth/success": 1, "place_order/success": 1},
		},
		{
			name: "a poll", fixture: "order_status.json",
			call: func(ctx context.Context, c *Client) error { _, err := c.OrderStatus(ctx, 9999); return err },
			want: map[string]int{"auth/success": 1, "poll/success": 1},
		},
		{
			name: "the balance", fixture: "get_balance.json",
			call: func(ctx context.Context, c *Client) error { _, err := c.Balance(ctx); return err },
			want: map[string]int{"auth/success": 1, "balance/success": 1},
		},
		{
			name: "a refusal in a 200 body", fixture: "error_param.json",
			call: func(ctx context.Context, c *Client) error { _, err := c.OrdersPage(ctx, 1); return err },
			want: map[string]int{"auth/success": 1, "list/refused": 1},
		},
		{
			name: "a server error", fixture: "error_502.html", status: http.StatusBadGateway,
			call: func(ctx context.Context, c *Client) error { _, err := c.ProductDetails(ctx, 17); return err },
			want: map[string]int{"auth/success": 1, "products/server_error": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := tt.status
			if status == 0 {
				status = http.StatusOK
			}
			srv := newAPIServer(t, reply(status, "application/json", fixture(t, tt.fixture)))
			in := catest.NewInstrumented(t)
			_ = tt.call(context.Background(), srv.client(t, docKey, rest.WithHTTPClient(in.HTTPClient("cyberssl"))))
			assert.Equal(t, tt.want, in.Calls(t, "cyberssl"))
		})
	}
}

func TestEveryEndpointHasAnOperation(t *testing.T) {
	for _, e := range []string{endpointAuth, endpointListProducts, endpointAddOrder, endpointReissue, endpointValidateCSR,
		endpointDVOptions, endpointChangeDVMethod, endpointOrderStatus, endpointPrice, endpointBalance, endpointMyOrders,
		endpointCertificates, endpointExtraDomains, endpointProductDetails, endpointRevalidate} {
		require.NotEqual(t, ca.OpOther, operation(e), e)
	}
	assert.Equal(t, ca.OpPlaceOrder, operation(endpointAddOrder))
	assert.Equal(t, ca.OpExtraDomains, operation(endpointExtraDomains), "the other paid call")
	assert.Equal(t, ca.OpPoll, operation(endpointOrderStatus))
}
