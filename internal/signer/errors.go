package signer

import (
	"fmt"
	"time"

	"github.com/cert-manager/issuer-lib/controllers/signer"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// ReasonInsufficientFunds starts the message of a request whose order the
// reseller refused for lack of funds, and names its Event.
const ReasonInsufficientFunds = "InsufficientFunds"

// fundsRetry is how often an order refused for lack of funds is tried
// again: the refusal costs nothing, and a top-up is seen within it.
const fundsRetry = time.Minute

// toSignerError classifies a flow's error once, for issuer-lib. Anything that
// is not known to be final keeps the request Pending: an order may be live at
// the reseller, and giving up would lose money already spent.
func toSignerError(err error, wait time.Duration) error {
	if p, ok := ca.IsPending(err); ok {
		return signer.PendingError{Err: err, RequeueAfter: p.RequeueAfter}
	}
	switch {
	case ca.IsInsufficientFunds(err):
		return signer.PendingError{Err: fmt.Errorf("%s: %w; nothing was bought: top up the reseller account and the request goes on by itself", ReasonInsufficientFunds, err), RequeueAfter: fundsRetry}
	case ca.IsPermanent(err):
		return signer.PermanentError{Err: err}
	case ca.IsCredentials(err):
		return signer.IssuerError{Err: err}
	case apierrors.IsConflict(err):
		return signer.PendingError{Err: fmt.Errorf("another worker changed the request; retrying: %w", err), RequeueAfter: time.Second}
	}
	// A reseller that asked us to stay away (429/503 Retry-After) is obeyed.
	return signer.PendingError{Err: fmt.Errorf("transient error, retrying: %w", err), RequeueAfter: max(wait, ca.RetryAfter(err))}
}
