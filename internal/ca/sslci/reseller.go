package sslci

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Reseller is SSLCI's part of the order protocol (order.Reseller): verify
// each name for free (validation.go), then buy the certificate with the
// paid finalize, which returns it at once (ordering.go); find what an
// interrupted finalize bought (recovery.go). The protocol (internal/order)
// claims, bounds and saves the finalize. SSLCI sells single certificates:
// nothing is reissued, and a renewal is a new finalize that reuses the
// verifications younger than 29 days.
type Reseller struct {
	Client *Client
	// Method is MethodHTTP or MethodDNS: how names are verified when no
	// solver of the Issuer decides.
	Method string
	// Publisher publishes the request's challenges and names the solver
	// the Issuer selects per name; nil for a health check.
	Publisher ca.Publisher
	Now       func() time.Time
}

// Step is the paid call: finalize, after the names are verified.
func (r *Reseller) Step() string { return ca.StepFinalize }

// SubscriptionYears is 0: SSLCI sells single certificates.
func (r *Reseller) SubscriptionYears() int { return 0 }

// Check proves the token works (GET /api).
func (r *Reseller) Check(ctx context.Context) (ca.Health, error) {
	if _, err := r.Client.ListPage(ctx, 1); err != nil {
		if IsUnauthorized(err) || IsForbidden(err) {
			return ca.Health{}, ca.Credentials(fmt.Errorf("SSLCI refused the token: %w", err))
		}
		return ca.Health{}, fmt.Errorf("SSLCI GET /api: %w", err)
	}
	return ca.Health{}, nil
}

// errNoOrders: SSLCI has no order to follow or reissue, its finalize
// returns the certificate.
var errNoOrders = ca.Permanent(errors.New("SSLCI sells single certificates: its finalize returns the certificate, there is no order to follow or reissue"))

// Reissue is never asked of SSLCI (no subscription).
func (r *Reseller) Reissue(context.Context, ca.Request, *ca.State, ca.Journal) (ca.PaidCall, error) {
	return nil, errNoOrders
}

// Follow is never asked of SSLCI (the paid call returns the certificate).
func (r *Reseller) Follow(context.Context, ca.Request, *ca.State, ca.Journal, bool) ([]byte, error) {
	return nil, errNoOrders
}

// Cancel deletes the free verification orders of an order no request will
// finish (DELETE /api type=order); nothing was paid on it unless its
// finalize was called.
func (r *Reseller) Cancel(ctx context.Context, st *ca.State) (bool, error) {
	if st.Intent != nil || st.ChainPEM != "" {
		return false, nil
	}
	for _, n := range st.Names {
		id, ok := verificationOrder(n)
		if !ok || n.Verified {
			continue
		}
		if err := r.Client.Delete(ctx, DeleteOrder, id); err != nil && !IsBadRequest(err) && !IsForbidden(err) {
			return false, classify(fmt.Errorf("deleting the verification order %d of %s: %w", id, n.Name, err))
		}
	}
	return true, nil
}

func apiMessage(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Message
	}
	return err.Error()
}

// classify turns client errors into the ca package's classes.
func classify(err error) error {
	switch {
	case IsUnauthorized(err), IsForbidden(err):
		return ca.Credentials(err)
	case IsTemporary(err):
		return err
	case IsBadRequest(err), IsMethodNotAllowed(err):
		return ca.Permanent(err)
	case errors.As(err, new(*InvalidArgumentError)):
		// Refused by the client before anything was sent.
		return ca.Permanent(err)
	}
	return err
}
