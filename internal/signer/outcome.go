package signer

import (
	"errors"
	"fmt"
	"time"

	"github.com/cert-manager/issuer-lib/controllers/signer"
	"k8s.io/apimachinery/pkg/types"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/metrics"
)

// attempt is what one Sign call learned, for its epilogue (finish).
type attempt struct {
	uid types.UID
	// created is the request's creation time; zero until it was read.
	created time.Time
	// st is the order state as the flow left it; stored says it was read
	// from the request (else its Progress is this call's, not the
	// request's).
	st     *ca.State
	stored bool
	// wait is why the request waits, when Sign knows it better than the
	// cluster shows (the spend guard, a refusal for funds).
	wait string
}

// finish runs after every Sign: a request that made no progress for
// MaxRetryDuration and has nothing paid fails (--max-retry-duration), and
// the reason a request waits is recorded for the metrics.
func (s *Signer) finish(a *attempt, err error) error {
	if err != nil && !isFinal(err) {
		if gerr := s.giveUp(a, err); gerr != nil {
			err = gerr
		}
	}
	switch {
	case err == nil || isFinal(err):
		s.Waits.Done(a.uid)
	case a.wait != "":
		s.Waits.Set(a.uid, a.wait)
	case errors.As(err, &signer.IssuerError{}):
		s.Waits.Set(a.uid, "") // the Issuer shows it
	default:
		if _, pending := ca.IsPending(err); pending {
			s.Waits.Set(a.uid, "") // the challenges show it, or the reseller is issuing
		} else {
			s.Waits.Set(a.uid, metrics.WaitRetrying)
		}
	}
	return err
}

func isFinal(err error) bool {
	return errors.As(err, &signer.PermanentError{})
}

// giveUp returns the PermanentError that ends a request stuck without
// progress for MaxRetryDuration, or nil. A request with a paid order (or a
// paid call that may have happened) never gives up: the order may still
// complete, and failing would throw the money away.
func (s *Signer) giveUp(a *attempt, err error) error {
	if s.MaxRetryDuration <= 0 || a.created.IsZero() {
		return nil
	}
	if a.st != nil && paid(a.st) {
		return nil
	}
	since := a.created
	if a.st != nil && a.stored && a.st.Progress.After(since) {
		since = a.st.Progress
	}
	if s.Now().Sub(since) < s.MaxRetryDuration {
		return nil
	}
	// The last reason is quoted, not wrapped: wrapping would keep the
	// PendingError in the chain, and issuer-lib would still see a wait.
	return signer.PermanentError{Err: fmt.Errorf("no progress since %s, longer than --max-retry-duration %s, and nothing was paid: giving up (cert-manager retries with a new request); last reason: %s",
		since.UTC().Format(time.RFC3339), s.MaxRetryDuration, err.Error())}
}

// paid reports whether the state holds a paid order or a paid call whose
// outcome is not known.
func paid(st *ca.State) bool {
	return st.OrderID != "" || st.Intent != nil || st.ChainPEM != ""
}
