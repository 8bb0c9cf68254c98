package cyberssl

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Products lists the SSL products available to the account (GET
// list_products).
func (c *Client) Products(ctx context.Context) (*ProductsResponse, error) {
	var out ProductsResponse
	if err := c.call(ctx, http.MethodGet, endpointListProducts, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Certificates lists SSL products (GET ssl_certificates). The document lists
// no parameter for it, so no session is opened and no token is sent
// (assumptions.go, 13).
func (c *Client) Certificates(ctx context.Context) (*ProductsResponse, error) {
	var out ProductsResponse
	if err := c.send(ctx, http.MethodGet, endpointCertificates, nil, &out, nil); err != nil {
		return nil, err
	}
	return &out, nil
}

// ProductDetails describes one product (GET get_ssl_product_details).
func (c *Client) ProductDetails(ctx context.Context, productID ID) (*ProductDetailsResponse, error) {
	if err := provider.CheckID("productID", int64(productID)); err != nil {
		return nil, err
	}
	var out ProductDetailsResponse
	if err := c.call(ctx, http.MethodGet, endpointProductDetails, url.Values{"product_id": {productID.String()}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Price returns the price of a product for period years (GET
// get_ssl_product_price). nrDomains is the number of names secured (SAN
// products); 0 leaves it out (the API's default is 1).
func (c *Client) Price(ctx context.Context, productID ID, period, nrDomains int) (*PriceResponse, error) {
	if err := provider.CheckID("productID", int64(productID)); err != nil {
		return nil, err
	}
	if period < 1 || period > 10 {
		return nil, provider.InvalidArg("period", "must be 1 to 10 years, got %d", period)
	}
	if nrDomains < 0 {
		return nil, provider.InvalidArg("nrDomains", "must not be negative, got %d", nrDomains)
	}
	p := url.Values{"product_id": {productID.String()}, "period": {strconv.Itoa(period)}}
	if nrDomains > 0 {
		p.Set("nr_domains", strconv.Itoa(nrDomains))
	}
	var out PriceResponse
	if err := c.call(ctx, http.MethodGet, endpointPrice, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
