package signer

import (
	"fmt"
	"time"

	"github.com/cert-manager/issuer-lib/controllers/signer"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// toSignerError classifies a flow's error once, for issuer-lib. Anything that
// is not known to be final keeps the request Pending: an order may be live at
// the reseller, and giving up would lose money already spent.
func toSignerError(err error, wait time.Duration) error {
	if p, ok := ca.IsPending(err); ok {
		return signer.PendingError{Err: err, RequeueAfter: p.RequeueAfter}
	}
	switch {
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
