package ca

import (
	"context"
	"errors"
	"time"
)

// Steps: the paid calls an order's claim can hold.
const (
	// StepOrder places a new order, validated after it is paid
	// (SSLmarket, CyberSSL).
	StepOrder = "order"
	// StepFinalize buys the certificate of names validated first (SSLCI).
	StepFinalize = "finalize"
	// StepReissue reissues a paid order for a new CSR (free).
	StepReissue = "reissue"
)

// ClockSkew is how far the times a reseller writes in its order list may
// be from ours: its clock may drift, and no document names the time zone
// its dates are written in (SSLmarket's are probably Czech local time), so
// any zone on Earth (UTC-12 to UTC+14) is allowed. Recovery takes an order
// for an interrupted paid call's only if the reseller's time for it is
// within ClockSkew of the call; the key, names and product decide the rest.
// It is the one such constant (README, "Assumptions": clock skew; each
// reseller's assumptions.go says where it applies).
const ClockSkew = 14 * time.Hour

// PaidCall is one reseller call that costs money (an order, SSLCI's
// finalize) or that a paid order allows once at a time (a reissue). It
// records what the reseller answered in st: the order id, the chain, the
// validation it returned. An error wrapping RefusedError means the reseller
// refused and nothing was bought; any other error leaves the outcome
// unknown.
type PaidCall func(ctx context.Context, st *State) error

// RefusedError means the reseller answered a paid call with a refusal:
// nothing was bought. Err is what the request does about it (a
// PermanentError, a CredentialsError, a FundsError, a PendingError ...).
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// Refused wraps err, the classified refusal of a paid call.
func Refused(err error) error { return &RefusedError{Err: err} }

// IsRefused reports whether err says a paid call bought nothing.
func IsRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}

// Found is what a reseller's order list shows that an interrupted paid
// call may have bought.
type Found struct {
	// OrderID is the reseller's id of the order (SSLCI: the crt_id).
	OrderID string
	// At is when the reseller says it was placed, read as UTC: the reseller's
	// clock and zone, not ours.
	At time.Time
	// PublicKey is the DER SubjectPublicKeyInfo of the order's CSR or
	// certificate; nil when the reseller shows none that can be read.
	PublicKey []byte
	// Stranded marks a certificate that cannot be obtained again (SSLCI
	// has no download): it can be reported, never adopted.
	Stranded bool
	// NotAfter is when its certificate expires, where the list tells.
	NotAfter time.Time
}
