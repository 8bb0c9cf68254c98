package sslmarket

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Reseller is SSLmarket's part of the order protocol (order.Reseller): it
// places the order (ordering.go), publishes its validation
// (validation.go), polls and downloads it (polling.go), finds it again
// after a crash (recovery.go) and reissues it (renewal.go). The protocol
// (internal/order) claims, bounds and saves every paid call.
//
// This package must not import Kubernetes packages: it only sees the
// neutral types of package ca.
type Reseller struct {
	Client      *Client
	ProductCode string
	// Years of validity of the order: the subscription (1 when not set).
	Years int
	// DVAuthMethod is DVAuthFile, DVAuthDNS or DVAuthEmail: how names are
	// validated when no solver of the Issuer decides.
	DVAuthMethod string
	// Contacts are the owner, auth, tech and invoice fields of every order.
	Contacts Contacts
	// Publisher publishes the request's challenges and names the solver
	// the Issuer selects per name; nil for a health check.
	Publisher ca.Publisher
	Now       func() time.Time
	// ProductList, when set, keeps the product list for its MaxAge (one per
	// Issuer, shared by its requests); nil reads it for every order.
	ProductList *ca.Cached[[]Product]
}

// Step is the paid call: an order, validated once paid.
func (r *Reseller) Step() string { return ca.StepOrder }

// SubscriptionYears is the subscription an order buys.
func (r *Reseller) SubscriptionYears() int { return max(r.Years, 1) }

// Check proves that the token works and that the configured product exists
// (GET /product/list).
func (r *Reseller) Check(ctx context.Context) (ca.Health, error) {
	_, err := r.product(ctx, true)
	return ca.Health{}, err
}

// product looks the configured product up, in a product list read now when
// fresh is set. A missing or non-SSL product is a ca.PermanentError naming
// the spec field; a refused token is a ca.CredentialsError.
func (r *Reseller) product(ctx context.Context, fresh bool) (Product, error) {
	products, err := r.products(ctx, fresh)
	if err != nil {
		return Product{}, classify(fmt.Errorf("SSLmarket GET /product/list: %w", err), false)
	}
	p, ok := FindProduct(products, r.ProductCode)
	if !ok {
		codes := make([]string, 0, len(products))
		for _, p := range products {
			if p.IsSSL() {
				codes = append(codes, p.ProductCode)
			}
		}
		return Product{}, ca.Permanent(fmt.Errorf("spec.sslmarket.productCode: SSLmarket offers no product %q (SSL products: %s)", r.ProductCode, strings.Join(codes, ", ")))
	}
	if !p.IsSSL() {
		return Product{}, ca.Permanent(fmt.Errorf("spec.sslmarket.productCode: SSLmarket product %q is a %s, not a server (TLS) certificate", r.ProductCode, p.ProductType))
	}
	return p, nil
}

// products reads the product list, or takes the one kept in ProductList.
func (r *Reseller) products(ctx context.Context, fresh bool) ([]Product, error) {
	if r.ProductList == nil {
		return r.Client.Products(ctx)
	}
	return r.ProductList.Get(ctx, r.Now(), fresh, r.Client.Products)
}

// orderID is the saved order id as a number.
func orderID(st *ca.State) (int64, error) {
	id, err := strconv.ParseInt(st.OrderID, 10, 64)
	if err != nil || id <= 0 {
		return 0, ca.Permanent(fmt.Errorf("the order state holds an invalid SSLmarket order id %q", st.OrderID))
	}
	return id, nil
}

// savedOrder reads the order the state holds (GET /order/order_id/{id});
// why, when set, says in the error what the order was read for. A failed
// read is never Permanent: the order exists and is paid.
func (r *Reseller) savedOrder(ctx context.Context, st *ca.State, why string) (int64, *OrderDetails, error) {
	id, err := orderID(st)
	if err != nil {
		return 0, nil, err
	}
	d, err := r.Client.Order(ctx, id)
	if err != nil {
		return 0, nil, classify(fmt.Errorf("SSLmarket GET /order/order_id/%d%s: %w", id, why, err), true)
	}
	return id, d, nil
}

// refusal classifies a failed paid call: a refusal (an argument rejected
// before sending, a 4xx that is not temporary) bought nothing; anything
// else (timeout, 5xx, a malformed answer) may have bought it.
func refusal(err error, what string) error {
	var invalid *InvalidArgumentError
	var apiErr *APIError
	switch {
	case errors.As(err, &invalid):
		return ca.Refused(ca.Permanent(fmt.Errorf("spec.sslmarket: %w", err)))
	case !errors.As(err, &apiErr) || apiErr.StatusCode < 400 || apiErr.StatusCode >= 500 || IsTemporary(err):
		return fmt.Errorf("SSLmarket %s: %w", what, err)
	case IsUnauthorized(err), IsForbidden(err):
		return ca.Refused(ca.Credentials(fmt.Errorf("SSLmarket refused the token: %w", err)))
	}
	return ca.Refused(ca.Permanent(fmt.Errorf("SSLmarket refused the %s: %s", what, apiWords(apiErr))))
}

// apiWords is the reseller's type and description of an error.
func apiWords(e *APIError) string {
	switch {
	case e.Code != "" && e.Message != "":
		return e.Code + ": " + e.Message
	case e.Message != "":
		return e.Message
	case e.Code != "":
		return e.Code
	}
	return e.Error()
}

// classify turns client errors into the ca package's classes. ordered says
// whether an order may exist: then an unclear answer is returned as is,
// never as a PermanentError that would abandon a paid order.
func classify(err error, ordered bool) error {
	var invalid *InvalidArgumentError
	var apiErr *APIError
	switch {
	case IsUnauthorized(err), IsForbidden(err):
		return ca.Credentials(err)
	case IsTemporary(err), ordered:
		return err
	case errors.As(err, &invalid):
		return ca.Permanent(err)
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500:
		return ca.Permanent(err)
	}
	return err
}
