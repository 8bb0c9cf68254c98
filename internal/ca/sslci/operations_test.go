package sslci

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/catest"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// Each call is counted once under its endpoint's operation: the paid
// finalize and the free verifications differ in the metrics.
func TestCallsAreCountedByOperation(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		status  int
		call    func(context.Context, *Client) error
		want    string
	}{
		{name: "list", fixture: "list.json", want: "list/success",
			call: func(ctx context.Context, c *Client) error { _, err := c.ListPage(ctx, 1); return err }},
		{name: "verify", fixture: "verification.json", want: "verify/success",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.RequestVerification(ctx, "example.com", MethodHTTP)
				return err
			}},
		{name: "confirm", fixture: "confirm.json", want: "confirm/success",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.ConfirmVerification(ctx, "example.com", 42, MethodHTTP)
				return err
			}},
		{name: "finalize", fixture: "finalize.json", want: "finalize/success",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Finalize(ctx, []string{"a.com", "b.com", "c.com"}, nil)
				return err
			}},
		{name: "a 200 saying status false", fixture: "status_false_200.json", want: "list/refused",
			call: func(ctx context.Context, c *Client) error { _, err := c.ListPage(ctx, 1); return err }},
		{name: "a refused token", fixture: "error_401.json", status: http.StatusUnauthorized, want: "list/refused",
			call: func(ctx context.Context, c *Client) error { _, err := c.ListPage(ctx, 1); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := tt.status
			if status == 0 {
				status = http.StatusOK
			}
			srv := newAPIServer(t, reply(status, "application/json", fixture(t, tt.fixture)))
			in := catest.NewInstrumented(t)
			_ = tt.call(context.Background(), srv.client(t, docToken, rest.WithHTTPClient(in.HTTPClient("sslci"))))
			assert.Equal(t, map[string]int{tt.want: 1}, in.Calls(t, "sslci"))
		})
	}
}
