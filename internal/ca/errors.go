package ca

import (
	"errors"
	"time"
)

// PendingError means: nothing is wrong, the flow is waiting (DCV, vetting,
// issuance, another worker). Retry after RequeueAfter.
type PendingError struct {
	Reason       string
	RequeueAfter time.Duration
}

func (e *PendingError) Error() string { return e.Reason }

// Pending returns a PendingError.
func Pending(reason string, after time.Duration) error {
	return &PendingError{Reason: reason, RequeueAfter: after}
}

// PermanentError means retrying cannot help: the request or spec is wrong, or
// the reseller refused the order for good. No order may be placed after it.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err as a PermanentError.
func Permanent(err error) error { return &PermanentError{Err: err} }

// CredentialsError means the reseller refused the credentials: the Issuer is
// not usable until they are fixed.
type CredentialsError struct{ Err error }

func (e *CredentialsError) Error() string { return e.Err.Error() }
func (e *CredentialsError) Unwrap() error { return e.Err }

// Credentials wraps err as a CredentialsError.
func Credentials(err error) error { return &CredentialsError{Err: err} }

// FundsError means the reseller refused a paid call for lack of funds:
// nothing was bought, and the call may be made again after a top-up.
type FundsError struct{ Err error }

func (e *FundsError) Error() string { return e.Err.Error() }
func (e *FundsError) Unwrap() error { return e.Err }

// InsufficientFunds wraps err as a FundsError.
func InsufficientFunds(err error) error { return &FundsError{Err: err} }

// IsInsufficientFunds reports whether err is a FundsError.
func IsInsufficientFunds(err error) bool {
	var f *FundsError
	return errors.As(err, &f)
}

// IsPending, IsPermanent and IsCredentials classify an error.
func IsPending(err error) (*PendingError, bool) {
	var p *PendingError
	return p, errors.As(err, &p)
}

// IsPermanent reports whether err is a PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// IsCredentials reports whether err is a CredentialsError.
func IsCredentials(err error) bool {
	var c *CredentialsError
	return errors.As(err, &c)
}

// Wait is how long to wait before looking again at something that has not
// moved since progress: a quarter of the time waited so far, between 2
// seconds and 5 minutes. It grows without any state being written.
func Wait(progress, now time.Time) time.Duration {
	return min(max(now.Sub(progress)/4, 2*time.Second), 5*time.Minute)
}
