package order

import (
	"fmt"
	"time"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Steps of the paid calls a claim can hold (ca's).
const (
	StepOrder    = ca.StepOrder
	StepFinalize = ca.StepFinalize
	StepReissue  = ca.StepReissue
)

// Action is what a request does with the ledger.
type Action int

// Actions, decided in one place (Decide).
const (
	// Continue: the order is this request's; run the protocol on it.
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
	// Reissue: the order's subscription covers this request (a renewal,
	// a new key for the same names): reissue it for free.
	Reissue
)

func (a Action) String() string {
	return [...]string{"Continue", "TakeOver", "Wait", "Serve", "NewOrder", "Hold", "Reissue"}[a]
}

// Decision is what Decide chose, on which order, and why.
type Decision struct {
	Action Action
	// Order is the order acted on (nil for NewOrder).
	Order *v1alpha1.ResellerOrder
	// Seq is the sequence number of the order to create (NewOrder).
	Seq int
	// Renew marks a NewOrder that renews an earlier order for the same
	// names (CyberSSL order_type renew).
	Renew bool
	// Replaces is when the certificate a Reissue replaces expires.
	Replaces time.Time
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
	// Policy is the Issuer's renewal policy: Reissue or NewOrder.
	Policy string
	// Horizon is how long a reissued certificate must last before the
	// next renewal is due: a subscription ending sooner is not reissued.
	Horizon time.Duration
	// Alive checks another claimant.
	Alive Claimant
	// Holder reads what the request's Certificate holds (nil: the request
	// has no Certificate, e.g. a Kubernetes CSR); asked only when needed.
	Holder func() (*Holder, error)
	Now    time.Time
}

// Decide chooses what a request does about money: the one place where it
// is decided whether an order is continued, adopted, waited for, reused,
// reissued or bought.
func Decide(in Input) (Decision, error) {
	next, renew := 1, false
	for _, o := range in.Orders {
		next = max(next, seqOf(o.Name)+1)
		renew = renew || len(o.Status.Certificates) > 0
	}
	buy := func(why string) Decision { return Decision{Action: NewOrder, Seq: next, Renew: renew, Reason: why} }
	o := latestLive(in.Orders)
	if o == nil {
		why := "no order was placed for these names through this issuer yet"
		if n := len(in.Orders); n > 0 {
			last := &in.Orders[n-1]
			why = fmt.Sprintf("the last order for these names, %s, is %s", last.Name, last.Status.State)
		}
		return buy(why), nil
	}
	c := ClaimOf(o)
	if open(o) {
		switch {
		case c != nil && c.Request.UID == in.Request.UID:
			return Decision{Action: Continue, Order: o}, nil
		case c != nil:
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
	if why := unservable(o); why != "" {
		return buy(why), nil
	}
	holder := in.holder()
	if Fingerprint(o.Status.Chain) == in.KeyFingerprint {
		h, err := holder()
		if err != nil {
			return Decision{}, err
		}
		if !renews(h, o) {
			return Decision{Action: Serve, Order: o, Reason: fmt.Sprintf("ResellerOrder %s already holds a certificate for this key", o.Name)}, nil
		}
	}
	h, err := holder()
	if err != nil {
		return Decision{}, err
	}
	if d, held := hold(in, h, o); held {
		return d, nil
	}
	why := reissuable(in, o)
	if why == "" {
		return Decision{Action: Reissue, Order: o, Replaces: lastNotAfter(o), Reason: fmt.Sprintf("reissuing ResellerOrder %s for free: its subscription runs until %s", o.Name, o.Status.SubscriptionEnd.UTC().Format(time.RFC3339))}, nil
	}
	return buy(fmt.Sprintf("ResellerOrder %s holds a certificate for another key and cannot be reissued: %s", o.Name, why)), nil
}

// holder returns a reader of the Holder that reads it at most once, and
// only if asked.
func (in Input) holder() func() (*Holder, error) {
	var h *Holder
	var err error
	read := false
	return func() (*Holder, error) {
		if !read && in.Holder != nil {
			h, err = in.Holder()
			read = true
		}
		return h, err
	}
}

// open reports whether an order has yet to deliver: no certificate yet,
// or a reissue under way.
func open(o *v1alpha1.ResellerOrder) bool {
	return o.Status.Chain == "" || o.Status.Reissue != nil
}

// renews reports whether the Certificate asks to renew the very
// certificate the order holds (a renewal with the same key, cert-manager's
// rotationPolicy Never): serving it again would only make cert-manager ask
// again.
func renews(h *Holder, o *v1alpha1.ResellerOrder) bool {
	if h == nil || h.Fingerprint != Fingerprint(o.Status.Chain) || staleReasons[h.Reason] {
		return false
	}
	return h.NotAfter.Equal(lastNotAfter(o))
}

// reissuable says why the order cannot be reissued for a new key, or ""
// when it can: the policy allows it, the reseller sells a subscription,
// the subscription runs past the next renewal and past the current
// certificate, and the reseller's reissues do give later certificates.
func reissuable(in Input, o *v1alpha1.ResellerOrder) string {
	end := o.Status.SubscriptionEnd
	last := lastNotAfter(o)
	switch {
	case in.Policy == v1alpha1.RenewalNewOrder:
		return "the issuer's renewal.policy is NewOrder"
	case o.Status.NoReissue != "":
		return o.Status.NoReissue
	case end == nil:
		return fmt.Sprintf("%s sells single certificates, there is no subscription to reissue", o.Spec.Provider)
	case !end.After(in.Now.Add(in.Horizon)):
		return fmt.Sprintf("its subscription ends %s, before the next renewal would be due (around %s)", end.UTC().Format(time.RFC3339), in.Now.Add(in.Horizon).UTC().Format(time.RFC3339))
	case !end.After(last):
		return fmt.Sprintf("its subscription ends %s, no later than its certificate (%s): a reissue could not give a later one", end.UTC().Format(time.RFC3339), last.UTC().Format(time.RFC3339))
	}
	return unservable(o)
}

// unservable says why the order's last certificate must not be handed
// out, or "": it came from a reissue that expires no later than the
// certificate before it (the reseller keeps the first expiry): cert-manager
// would renew again at once, and this subscription cannot do better.
func unservable(o *v1alpha1.ResellerOrder) string {
	certs := o.Status.Certificates
	n := len(certs)
	if n < 2 || !certs[n-1].Reissue || certs[n-1].NotAfter.After(certs[n-2].NotAfter.Time) {
		return ""
	}
	return fmt.Sprintf("%s: the last reissue of ResellerOrder %s gave a certificate expiring %s, no later than the one it replaced (%s)",
		notLater, o.Name, certs[n-1].NotAfter.UTC().Format(time.RFC3339), certs[n-2].NotAfter.UTC().Format(time.RFC3339))
}

// lastNotAfter is when the order's current certificate expires.
func lastNotAfter(o *v1alpha1.ResellerOrder) time.Time {
	if leaf, err := ca.Leaf([]byte(o.Status.Chain)); err == nil {
		return leaf.NotAfter
	}
	if n := len(o.Status.Certificates); n > 0 {
		return o.Status.Certificates[n-1].NotAfter.Time
	}
	return time.Time{}
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
// gives is that the Secret is missing. It comes before a free reissue: a
// reissue would replace a good certificate for nothing, use up a reissue,
// and where the reseller keeps the first expiry end in a second order.
func hold(in Input, h *Holder, o *v1alpha1.ResellerOrder) (Decision, bool) {
	if h == nil {
		return Decision{}, false
	}
	fresh := in.Now.Before(h.NotAfter) && (h.RenewalTime.IsZero() || in.Now.Before(h.RenewalTime))
	if !staleReasons[h.Reason] || h.Fingerprint == "" || h.Fingerprint != Fingerprint(o.Status.Chain) || !fresh {
		return Decision{}, false
	}
	return Decision{Action: Hold, Order: o, Reason: fmt.Sprintf(
		"cert-manager asked for a new certificate (%s: %s), but Secret %s holds the certificate of ResellerOrder %s for the same names, valid until %s: its cache is behind; not ordering again (this request waits, and goes on by itself if the Secret really goes away or the certificate comes due)",
		h.Reason, h.Message, h.Secret, o.Name, h.NotAfter.UTC().Format(time.RFC3339))}, true
}
