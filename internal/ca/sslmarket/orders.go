package sslmarket

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// PlaceOrder places (and pays for) a certificate order for productCode
// (POST /order/certificate/{product_code}, 201). The order is checked
// before anything is sent: Domain and DNSNames must be domain names, Years
// positive, DVAuthMethod empty (the API's default, Email) or one of
// DVAuthEmail, DVAuthFile, DVAuthDNS, CSR (if set) a PEM CERTIFICATE
// REQUEST, and every contact field the document marks mandatory set.
//
// The call is not idempotent: a retry after a lost answer may buy a second
// certificate. Callers must look for the first one with Orders before
// retrying.
func (c *Client) PlaceOrder(ctx context.Context, productCode string, o Order) (*PlaceOrderResponse, error) {
	if err := validateProductCode(productCode); err != nil {
		return nil, err
	}
	if err := validateOrder(&o); err != nil {
		return nil, err
	}
	var out PlaceOrderResponse
	r := request{op: opPlaceOrder, method: http.MethodPost, path: []string{"order", "certificate", productCode}, body: o}
	if _, err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	if out.OrderID <= 0 {
		return nil, fmt.Errorf("%w: order insert answered without a positive \"order_id\"", ErrMalformedResponse)
	}
	return &out, nil
}

func validateOrder(o *Order) error {
	if err := validateDomain("domain", o.Domain); err != nil {
		return err
	}
	for i, n := range o.DNSNames {
		if err := validateDomain(fmt.Sprintf("dns_names[%d]", i), n); err != nil {
			return err
		}
	}
	if o.Years <= 0 {
		return invalidArg("years", "must be positive, got %d", o.Years)
	}
	if o.DVAuthMethod != "" && !validDVAuthMethod(o.DVAuthMethod) {
		return invalidArg("dv_auth_method", "must be empty, %q, %q or %q, got %q", DVAuthEmail, DVAuthFile, DVAuthDNS, o.DVAuthMethod)
	}
	if o.CSR != "" {
		if err := validateCSR("csr", []byte(o.CSR)); err != nil {
			return err
		}
	}
	return validateContacts(&o.Contacts, true)
}

// Orders lists the orders of the account (GET /order/list). A 2xx body
// without an "orders" list wraps ErrMalformedResponse.
func (c *Client) Orders(ctx context.Context) ([]OrderSummary, error) {
	var out OrderList
	data, err := c.do(ctx, request{op: opOrderList, method: http.MethodGet, path: []string{"order", "list"}}, &out)
	if err != nil {
		return nil, err
	}
	if out.Orders == nil {
		// Not "no orders": a 2xx body without the list (a proxy's {}, null
		// or another endpoint's answer) must not make a caller that looks
		// for a lost order buy a second one.
		return nil, c.malformed(http.StatusOK, "GET /order/list", data, `no "orders" list`)
	}
	return out.Orders, nil
}

// Order returns the details of order id (GET /order/order_id/{id}):
// state, dv_auth_method and dv_auth_content among others.
func (c *Client) Order(ctx context.Context, id int64) (*OrderDetails, error) {
	if err := validateID(id); err != nil {
		return nil, err
	}
	var out OrderDetails
	if _, err := c.do(ctx, request{op: opOrder, method: http.MethodGet, path: orderPath(id)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// EditOrder changes the set fields of e on order id (PUT
// /order/order_id/{id}); the API allows it only before the certificate is
// requested. At least one field must be set.
func (c *Client) EditOrder(ctx context.Context, id int64, e OrderEdit) error {
	if err := validateID(id); err != nil {
		return err
	}
	if e == (OrderEdit{}) {
		return invalidArg("e", "sets no field")
	}
	if e.DVAuthMethod != "" && !validDVAuthMethod(e.DVAuthMethod) {
		return invalidArg("dv_auth_method", "must be empty, %q, %q or %q, got %q", DVAuthEmail, DVAuthFile, DVAuthDNS, e.DVAuthMethod)
	}
	if e.CSR != "" {
		if err := validateCSR("csr", []byte(e.CSR)); err != nil {
			return err
		}
	}
	if err := validateContacts(&e.Contacts, false); err != nil {
		return err
	}
	_, err := c.do(ctx, request{op: opEditOrder, method: http.MethodPut, path: orderPath(id), body: e}, nil)
	return err
}

func orderPath(id int64) []string {
	return []string{"order", "order_id", strconv.FormatInt(id, 10)}
}

// HasNames reports whether the order is for exactly names (domain plus
// dns_names, compared as sets, ignoring case and a trailing dot).
func (o OrderSummary) HasNames(names []string) bool {
	return sameNames(o.Names(), names)
}

func sameNames(a, b []string) bool {
	norm := func(in []string) []string {
		out := make([]string, 0, len(in))
		for _, n := range in {
			n = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(n)), ".")
			if n != "" {
				out = append(out, n)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(norm(a), norm(b))
}
