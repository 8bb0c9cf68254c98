package order

import (
	"context"
	"time"
)

// paidCallHTTPCalls is how many HTTP calls one paid call may make: a
// client that re-authenticates (CyberSSL) makes the call, an auth call and
// the call again.
const paidCallHTTPCalls = 3

// saveMargin is how long saving a paid call's outcome may take after the
// call ended (the ledger re-reads and re-applies after conflicts).
const saveMargin = 20 * time.Second

// PaidCallBound is the longest a paid call can last with a client whose
// every HTTP call times out after timeout.
func PaidCallBound(timeout time.Duration) time.Duration { return paidCallHTTPCalls * timeout }

// StaleAfter is how old an unanswered claim of a paid call must be before
// another worker may take the call for over: the call's bound and the time
// to save its outcome. It derives from the bound, so no call outlasts it.
func StaleAfter(bound time.Duration) time.Duration { return bound + saveMargin }

// paidContext is the context of a paid call: a shutdown of the caller must not
// abandon it halfway, so it does not end with ctx, but it ends after bound
// (none when bound is not positive), so StaleAfter holds.
func paidContext(ctx context.Context, bound time.Duration) (context.Context, context.CancelFunc) {
	detached := context.WithoutCancel(ctx)
	if bound <= 0 {
		return context.WithCancel(detached)
	}
	return context.WithTimeout(detached, bound)
}
