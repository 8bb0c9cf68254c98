package sslmarket

import (
	"context"
	"net/http"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// Products lists the products available through the API (GET
// /product/list). A 2xx body without a "products" list wraps
// rest.ErrMalformedResponse.
func (c *Client) Products(ctx context.Context) ([]Product, error) {
	var out ProductList
	data, err := c.Do(ctx, rest.Request{Op: opProducts, Method: http.MethodGet, Path: []string{"product", "list"}}, &out)
	if err != nil {
		return nil, err
	}
	if out.Products == nil {
		// Not an empty catalog: a 2xx body without the list (a proxy's
		// {}, null or another endpoint's answer).
		return nil, c.Malformed("GET /product/list", data, `no "products" list`)
	}
	return out.Products, nil
}

// FindProduct returns the product with code in products (case-insensitive),
// or false.
func FindProduct(products []Product, code string) (Product, bool) {
	for _, p := range products {
		if strings.EqualFold(p.ProductCode, code) {
			return p, true
		}
	}
	return Product{}, false
}

// IsSSL reports a server (TLS) certificate product.
func (p Product) IsSSL() bool { return p.ProductType == ProductTypeSSL }

// AllowsSANs reports whether n additional names (dns_names, not counting
// domain) are within the product's min_san_values..max_san_values.
func (p Product) AllowsSANs(n int) bool {
	return int64(n) >= int64(p.MinSANValues) && int64(n) <= int64(p.MaxSANValues)
}
