package order

import (
	"context"
	"fmt"
	"time"

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
func (j *Journal) Save(ctx context.Context, st *ca.State) error {
	next := j.Order.DeepCopy()
	applyState(next, st, j.Request, j.Now())
	if err := j.Client.Status().Update(ctx, next); err != nil {
		return fmt.Errorf("saving the state of ResellerOrder %s: %w", j.Order.Name, err)
	}
	j.Order = next
	if st.Intent != nil {
		claimed := *st.Intent
		j.claimed = &claimed
	}
	return nil
}

// SaveOutcome writes st, the outcome of the paid call this journal
// claimed. After a conflict (any other write to the order) it re-reads the
// order and re-applies st while the claim is still the one it made; only
// when another worker took the claim over does it fail, and that worker's
// recovery then finds the order at the reseller.
func (j *Journal) SaveOutcome(ctx context.Context, st *ca.State) error {
	var err error
	for i := range outcomeTries {
		if err = j.Save(ctx, st); err == nil || !apierrors.IsConflict(err) {
			return err
		}
		fresh := &v1alpha1.ResellerOrder{}
		if rerr := j.Reader.Get(ctx, client.ObjectKeyFromObject(j.Order), fresh); rerr != nil {
			err = rerr
		} else if !j.stillOurs(fresh) {
			return fmt.Errorf("ResellerOrder %s was claimed by another worker while its paid call ran: %w", j.Order.Name, err)
		} else {
			j.Order = fresh
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
	c := o.Status.Claim
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
	next := j.Order.DeepCopy()
	next.Status.State, next.Status.LastMessage = v1alpha1.OrderFailed, truncate(message, 1024)
	if err := j.Client.Status().Update(ctx, next); err != nil {
		return err
	}
	j.Order = next
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
