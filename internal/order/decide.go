package order

import (
	"fmt"
	"time"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// Steps of the paid calls a claim can hold.
const (
	StepOrder    = "order"
	StepFinalize = "finalize"
	StepReissue  = "reissue"
)

// Action is what a request does with the ledger.
type Action int

// Actions, decided in one place (Decide).
const (
	// Continue: the order is this request's; run the flow on it.
	Continue Action = iota
	// TakeOver: the order's claimant is gone (replaced, deleted, failed);
	// this request continues the open order (adoption).
	TakeOver
	// Wait: another live request works on the order.
	Wait
	// Serve: the order's certificate is for this request's key already.
	Serve
	// NewOrder: no order covers this request; buy one (Seq).
	NewOrder
	// Hold: cert-manager asked again for a Certificate whose Secret holds
	// the fresh certificate of this order, saying the Secret is missing:
	// its cache was behind. Nothing is bought; the request waits.
	Hold
)

func (a Action) String() string {
	return [...]string{"Continue", "TakeOver", "Wait", "Serve", "NewOrder", "Hold"}[a]
}

// Decision is what Decide chose, on which order, and why.
type Decision struct {
	Action Action
	// Order is the order acted on (nil for NewOrder).
	Order *v1alpha1.ResellerOrder
	// Seq is the sequence number of the order to create (NewOrder).
	Seq int
	// Reason says why, in words for an Event or a condition.
	Reason string
}

// Claimant tells whether the request holding a claim still works on it.
type Claimant func(ref v1alpha1.RequestReference) (alive bool, err error)

// Holder is what the request's cert-manager Certificate holds, read live.
type Holder struct {
	// Secret is the Certificate's Secret, namespace/name.
	Secret string
	// Fingerprint is the KeyFingerprint of the certificate in the Secret;
	// empty when the Secret holds none.
	Fingerprint string
	NotAfter    time.Time
	// RenewalTime is when cert-manager plans to renew (zero: unknown).
	RenewalTime time.Time
	// Reason and Message of the Certificate's Issuing condition: why
	// cert-manager asked for this request.
	Reason, Message string
}

// staleReasons are the Issuing reasons of cert-manager's trigger that claim
// the Secret is missing or incomplete: what its informer cache reports
// while it is behind the Secret the issuing controller just wrote.
var staleReasons = map[string]bool{"DoesNotExist": true, "MissingData": true}

// Input is what Decide needs to know.
type Input struct {
	// Orders of the key, oldest first (Ledger.Orders).
	Orders []v1alpha1.ResellerOrder
	// Request is the deciding request.
	Request v1alpha1.RequestReference
	// KeyFingerprint of the request's CSR (Fingerprint).
	KeyFingerprint string
	// Alive checks another claimant.
	Alive Claimant
	// Holder reads what the request's Certificate holds (nil: the request
	// has no Certificate, e.g. a Kubernetes CSR); asked only when needed.
	Holder func() (*Holder, error)
	Now    time.Time
}

// Decide chooses what a request does about money: the one place where it
// is decided whether an order is continued, adopted, waited for, reused or
// bought.
func Decide(in Input) (Decision, error) {
	next := 1
	if n := len(in.Orders); n > 0 {
		next = seqOf(in.Orders[n-1].Name) + 1
	}
	o := latestLive(in.Orders)
	if o == nil {
		why := "no order was placed for these names through this issuer yet"
		if n := len(in.Orders); n > 0 {
			last := &in.Orders[n-1]
			why = fmt.Sprintf("the last order for these names, %s, is %s", last.Name, last.Status.State)
		}
		return Decision{Action: NewOrder, Seq: next, Reason: why}, nil
	}
	c := o.Status.Claim
	if c != nil && c.Request.UID == in.Request.UID {
		return Decision{Action: Continue, Order: o}, nil
	}
	if o.Status.Chain == "" {
		if c != nil {
			alive, err := in.Alive(c.Request)
			if err != nil {
				return Decision{}, err
			}
			if alive {
				return Decision{Action: Wait, Order: o, Reason: fmt.Sprintf("%s %s/%s is working on ResellerOrder %s for the same names; waiting for it", c.Request.Kind, c.Request.Namespace, c.Request.Name, o.Name)}, nil
			}
		}
		return Decision{Action: TakeOver, Order: o, Reason: fmt.Sprintf("continuing ResellerOrder %s, left open by a request that is gone", o.Name)}, nil
	}
	if Fingerprint(o.Status.Chain) == in.KeyFingerprint {
		return Decision{Action: Serve, Order: o, Reason: fmt.Sprintf("ResellerOrder %s already holds a certificate for this key", o.Name)}, nil
	}
	if d, held, err := hold(in, o); err != nil || held {
		return d, err
	}
	return Decision{Action: NewOrder, Seq: next, Reason: fmt.Sprintf("ResellerOrder %s holds a certificate for another key and cannot be reissued", o.Name)}, nil
}

// latestLive is the newest order that is not final.
func latestLive(orders []v1alpha1.ResellerOrder) *v1alpha1.ResellerOrder {
	for i := len(orders) - 1; i >= 0; i-- {
		switch orders[i].Status.State {
		case v1alpha1.OrderExpired, v1alpha1.OrderCanceled, v1alpha1.OrderFailed:
			continue
		}
		return &orders[i]
	}
	return nil
}

// hold decides whether a request for names whose order was issued is
// cert-manager asking again on a stale cache (issue 10): its Secret holds
// this order's certificate, not yet due for renewal, while the reason it
// gives is that the Secret is missing.
func hold(in Input, o *v1alpha1.ResellerOrder) (Decision, bool, error) {
	if in.Holder == nil {
		return Decision{}, false, nil
	}
	h, err := in.Holder()
	if err != nil || h == nil {
		return Decision{}, false, err
	}
	fresh := in.Now.Before(h.NotAfter) && (h.RenewalTime.IsZero() || in.Now.Before(h.RenewalTime))
	if !staleReasons[h.Reason] || h.Fingerprint == "" || h.Fingerprint != Fingerprint(o.Status.Chain) || !fresh {
		return Decision{}, false, nil
	}
	return Decision{Action: Hold, Order: o, Reason: fmt.Sprintf(
		"cert-manager asked for a new certificate (%s: %s), but Secret %s holds the certificate of ResellerOrder %s for the same names, valid until %s: its cache is behind; not ordering again (this request waits, and goes on by itself if the Secret really goes away or the certificate comes due)",
		h.Reason, h.Message, h.Secret, o.Name, h.NotAfter.UTC().Format(time.RFC3339))}, true, nil
}
