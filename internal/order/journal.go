package order

import (
	"context"
	"fmt"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// outcomeTries bounds the re-reads of SaveOutcome.
const outcomeTries = 6

// Journal keeps a flow's state on its ResellerOrder. Save is an optimistic
// write under the order's resourceVersion: two workers can never both
// believe they own the next paid call. SaveOutcome, for what a paid call
// returned, re-reads and re-applies after a conflict as long as the claim
// it answers is still the order's: a paid result is never thrown away.
type Journal struct {
	// Client writes the order's status.
	Client client.Client
	// Reader reads the order live from the API server.
	Reader client.Reader
	// Order is the copy the next write is based on.
	Order *v1alpha1.ResellerOrder
	// Request is the request the journal writes for.
	Request string
	// RequestUID must be the claim's request for SaveOutcome to re-apply.
	RequestUID types.UID
	Now        func() time.Time
	// Notes hears adoptions and unknown outcomes (nil: nobody).
	Notes Notes

	// claimed is the paid call this journal claimed last.
	claimed *ca.Intent
	// pending is a save of free progress not written yet (Flush).
	pending *v1alpha1.ResellerOrder
	// Unwritten: Order's status (the claim, as Ledger.Claim returned it)
	// was never written; the first save, or Flush, writes it whatever it
	// holds.
	Unwritten bool
}

var _ ca.Journal = &Journal{}

// Notes hears what the protocol decided about money nobody asked for: the
// signer raises a Warning Event on the request and counts it, in this one
// place.
type Notes interface {
	Adopted(ctx context.Context, message string)
	Unknown(ctx context.Context, message string)
}

// Adopted implements ca.Journal.
func (j *Journal) Adopted(ctx context.Context, message string) {
	if j.Notes != nil {
		j.Notes.Adopted(ctx, message)
	}
}

// Unknown implements ca.Journal.
func (j *Journal) Unknown(ctx context.Context, message string) {
	if j.Notes != nil {
		j.Notes.Unknown(ctx, message)
	}
}

// Save writes st. It fails with a conflict when the order changed since it
// was read or last saved; the caller must then give up this attempt.
//
// One write per change that matters, not per step: a save that changes
// nothing is not written, and one that records only free progress (names'
// validation, progress times: what a crash makes the flow redo with free
// calls) waits for the next write or Flush. Every other change (a new
// challenge, which every replica's responder serves from the order; a paid
// call's intent or outcome; the order id, the chain, a reissue) is written
// at once, with what waited.
func (j *Journal) Save(ctx context.Context, st *ca.State) error {
	return j.save(ctx, st, true)
}

// save writes st; a save of free progress waits when it may.
func (j *Journal) save(ctx context.Context, st *ca.State, mayWait bool) error {
	next := j.latest().DeepCopy()
	applyState(next, st, j.Request, j.Now())
	switch {
	case j.Unwritten:
	case equality.Semantic.DeepEqual(next.Status, j.Order.Status):
		j.pending = nil
		return nil
	case mayWait && onlyProgress(&j.Order.Status, &next.Status):
		j.pending = next
		return nil
	}
	if err := j.write(ctx, next); err != nil {
		return err
	}
	if st.Intent != nil {
		claimed := *st.Intent
		j.claimed = &claimed
	}
	return nil
}

// Flush writes the free progress a Save left waiting, if any, under the
// order's resourceVersion. Every reconcile that saved ends with it.
func (j *Journal) Flush(ctx context.Context) error {
	switch {
	case j.pending != nil:
		return j.write(ctx, j.pending)
	case j.Unwritten:
		return j.write(ctx, j.Order.DeepCopy())
	}
	return nil
}

// latest is the order with what waits to be written.
func (j *Journal) latest() *v1alpha1.ResellerOrder {
	if j.pending != nil {
		return j.pending
	}
	return j.Order
}

// write updates the order's status to next's under the resourceVersion
// of the copy it was based on.
func (j *Journal) write(ctx context.Context, next *v1alpha1.ResellerOrder) error {
	if err := j.Client.Status().Update(ctx, next); err != nil {
		return fmt.Errorf("saving the state of ResellerOrder %s: %w", j.Order.Name, err)
	}
	j.Order, j.pending, j.Unwritten = next, nil, false
	return nil
}

// onlyProgress reports whether next differs from written only in free
// progress: the names' validation, the progress time, and the state that
// follows from them. A challenge to publish is not: every replica's
// responder serves it from the written order.
func onlyProgress(written, next *v1alpha1.OrderStatus) bool {
	for _, n := range next.Names {
		if n.Challenge != nil && !n.Verified && !slices.ContainsFunc(written.Names, func(w v1alpha1.OrderName) bool {
			return w.Name == n.Name && !w.Verified && equality.Semantic.DeepEqual(w.Challenge, n.Challenge)
		}) {
			return false
		}
	}
	n := next.DeepCopy()
	n.Names, n.Progress, n.State, n.Validating = written.Names, written.Progress, written.State, written.Validating
	return equality.Semantic.DeepEqual(n, written)
}

// SaveOutcome writes st, the outcome of the paid call this journal
// claimed. After a conflict (any other write to the order) it re-reads the
// order and re-applies st while the claim is still the one it made; only
// when another worker took the claim over does it fail, and that worker's
// recovery then finds the order at the reseller.
func (j *Journal) SaveOutcome(ctx context.Context, st *ca.State) error {
	var err error
	for i := range outcomeTries {
		if err = j.save(ctx, st, false); err == nil || !apierrors.IsConflict(err) {
			return err
		}
		fresh := &v1alpha1.ResellerOrder{}
		if rerr := j.Reader.Get(ctx, client.ObjectKeyFromObject(j.Order), fresh); rerr != nil {
			err = rerr
		} else if !j.stillOurs(fresh) {
			return fmt.Errorf("ResellerOrder %s was claimed by another worker while its paid call ran: %w", j.Order.Name, err)
		} else {
			// st is applied whole to the fresh copy: nothing waits.
			j.Order, j.pending = fresh, nil
			continue
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(100<<i) * time.Millisecond):
		}
	}
	return err
}

// stillOurs reports whether o's claim is the one this journal made.
func (j *Journal) stillOurs(o *v1alpha1.ResellerOrder) bool {
	c := ClaimOf(o)
	if c == nil || c.Request.UID != j.RequestUID {
		return false
	}
	if j.claimed == nil {
		return c.Step == ""
	}
	// The API keeps times to the second.
	return c.Step == j.claimed.Step && c.StepKeyFingerprint == j.claimed.Key && c.At != nil && c.At.Unix() == j.claimed.At.Unix() && int(c.Attempt) == j.claimed.Attempt
}

// Fail marks the order Failed with message, the reason: nothing was paid
// on it and its key is free for the next order.
func (j *Journal) Fail(ctx context.Context, message string) error {
	next := j.latest().DeepCopy()
	next.Status.State, next.Status.LastMessage = v1alpha1.OrderFailed, truncate(message, 1024)
	return j.write(ctx, next)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
