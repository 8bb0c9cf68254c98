package sslci

import (
	"context"
	"net/http"
	"strings"
)

// RequestVerification asks for the HTTP or DNS challenge of one domain
// (POST /api). method is MethodHTTP or MethodDNS.
func (c *Client) RequestVerification(ctx context.Context, domain, method string) (*VerificationResponse, error) {
	if err := provider.CheckDomain("domain", domain); err != nil {
		return nil, err
	}
	if method != MethodHTTP && method != MethodDNS {
		return nil, provider.InvalidArg("method", "must be %q or %q, got %q", MethodHTTP, MethodDNS, method)
	}
	if isWildcard(domain) && method != MethodDNS {
		return nil, provider.InvalidArg("method", "wildcard domain %q needs %q", domain, MethodDNS)
	}
	req := VerificationRequest{Token: c.token, Domain: domain, Method: method}
	var out VerificationResponse
	if err := c.do(ctx, opVerify, http.MethodPost, req, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ConfirmVerification asks the API to check the published challenge of one
// domain (PUT /api). orderID 0 and method "" are left out of the request:
// the API then finds the order itself and defaults to http.
func (c *Client) ConfirmVerification(ctx context.Context, domain string, orderID int64, method string) (*ConfirmResponse, error) {
	if err := provider.CheckDomain("domain", domain); err != nil {
		return nil, err
	}
	if orderID < 0 {
		return nil, provider.InvalidArg("orderID", "must not be negative, got %d", orderID)
	}
	if method != "" && method != MethodHTTP && method != MethodDNS {
		return nil, provider.InvalidArg("method", "must be empty, %q or %q, got %q", MethodHTTP, MethodDNS, method)
	}
	if isWildcard(domain) && method != MethodDNS {
		return nil, provider.InvalidArg("method", "wildcard domain %q needs %q", domain, MethodDNS)
	}
	req := ConfirmRequest{Token: c.token, Domain: domain, OrderID: orderID, Method: method}
	var out ConfirmResponse
	if err := c.do(ctx, opConfirm, http.MethodPut, req, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func isWildcard(domain string) bool { return strings.HasPrefix(domain, "*.") }
