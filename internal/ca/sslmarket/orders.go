package sslmarket

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
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
	r := rest.Request{Op: opPlaceOrder, Method: http.MethodPost, Path: []string{"order", "certificate", productCode}, JSON: o}
	if _, err := c.Do(ctx, r, &out); err != nil {
		return nil, err
	}
	if out.OrderID <= 0 {
		return nil, c.Malformed("order insert", nil, `answered without a positive "order_id"`)
	}
	return &out, nil
}

func validateOrder(o *Order) error {
	if err := provider.CheckDomain("domain", o.Domain); err != nil {
		return err
	}
	for i, n := range o.DNSNames {
		if err := provider.CheckDomain(fmt.Sprintf("dns_names[%d]", i), n); err != nil {
			return err
		}
	}
	if o.Years <= 0 {
		return provider.InvalidArg("years", "must be positive, got %d", o.Years)
	}
	if o.DVAuthMethod != "" && !validDVAuthMethod(o.DVAuthMethod) {
		return provider.InvalidArg("dv_auth_method", "must be empty, %q, %q or %q, got %q", DVAuthEmail, DVAuthFile, DVAuthDNS, o.DVAuthMethod)
	}
	if o.CSR != "" {
		if err := provider.CheckCSR("csr", []byte(o.CSR)); err != nil {
			return err
		}
	}
	return validateContacts(&o.Contacts, true)
}

// Orders lists the orders of the account (GET /order/list). A 2xx body
// without an "orders" list wraps rest.ErrMalformedResponse.
func (c *Client) Orders(ctx context.Context) ([]OrderSummary, error) {
	return rest.ReadPages(ctx, "sslmarket GET /order/list", c.MaxPages, c.OrdersPage, func(o OrderSummary) string { return strconv.FormatInt(int64(o.OrderID), 10) })
}

// OrdersPage returns one page of the account's orders
// (GET /order/list?page=n, assumption 20); page 1 is asked for without the
// parameter, as the document's call.
func (c *Client) OrdersPage(ctx context.Context, page int) ([]OrderSummary, error) {
	var q url.Values
	if page > 1 {
		q = url.Values{rest.PageParam: {strconv.Itoa(page)}}
	}
	var out OrderList
	data, err := c.Do(ctx, rest.Request{Op: opOrderList, Method: http.MethodGet, Path: []string{"order", "list"}, Query: q}, &out)
	if err != nil {
		return nil, err
	}
	if out.Orders == nil {
		// Not "no orders": a 2xx body without the list (a proxy's {}, null
		// or another endpoint's answer) must not make a caller that looks
		// for a lost order buy a second one.
		return nil, c.Malformed("GET /order/list", data, `no "orders" list`)
	}
	return out.Orders, nil
}

// Order returns the details of order id (GET /order/order_id/{id}):
// state, dv_auth_method and dv_auth_content among others.
func (c *Client) Order(ctx context.Context, id int64) (*OrderDetails, error) {
	if err := provider.CheckID("id", id); err != nil {
		return nil, err
	}
	var out OrderDetails
	if _, err := c.Do(ctx, rest.Request{Op: opOrder, Method: http.MethodGet, Path: orderPath(id)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// EditOrder changes the set fields of e on order id (PUT
// /order/order_id/{id}); the API allows it only before the certificate is
// requested. At least one field must be set.
func (c *Client) EditOrder(ctx context.Context, id int64, e OrderEdit) error {
	if err := provider.CheckID("id", id); err != nil {
		return err
	}
	if e == (OrderEdit{}) {
		return provider.InvalidArg("e", "sets no field")
	}
	if e.DVAuthMethod != "" && !validDVAuthMethod(e.DVAuthMethod) {
		return provider.InvalidArg("dv_auth_method", "must be empty, %q, %q or %q, got %q", DVAuthEmail, DVAuthFile, DVAuthDNS, e.DVAuthMethod)
	}
	if e.CSR != "" {
		if err := provider.CheckCSR("csr", []byte(e.CSR)); err != nil {
			return err
		}
	}
	if err := validateContacts(&e.Contacts, false); err != nil {
		return err
	}
	_, err := c.Do(ctx, rest.Request{Op: opEditOrder, Method: http.MethodPut, Path: orderPath(id), JSON: e}, nil)
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
