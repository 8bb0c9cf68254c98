package sslci

import (
	"context"
	"net/http"
)

// Delete deletes an issued certificate (typ DeleteSSL, id = crt_id) or
// cancels a pending order (typ DeleteOrder, id = order_id) (DELETE /api).
func (c *Client) Delete(ctx context.Context, typ string, id int64) error {
	if typ != DeleteSSL && typ != DeleteOrder {
		return provider.InvalidArg("typ", "must be %q or %q, got %q", DeleteSSL, DeleteOrder, typ)
	}
	if id <= 0 {
		return provider.InvalidArg("id", "must be positive, got %d", id)
	}
	req := DeleteRequest{Token: c.token, Type: typ, ID: id}
	return c.do(ctx, opDelete, http.MethodDelete, req, nil, nil)
}
