package order

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// recover resolves a claimed paid call whose outcome was never saved: the
// worker that claimed it crashed, or is still waiting for the answer. Once
// the claim is stale it searches the reseller's order list, before
// anything that could fail for good (an order may exist and be paid), and
// adopts what the call bought. It returns nil when the call bought nothing
// (the intent stays, counted by the next claim).
func (p *Protocol) recover(ctx context.Context, req ca.Request, key string, st *ca.State, j ca.Journal) error {
	in := st.Intent
	stale := StaleAfter(p.PaidCallBound)
	if age := p.Now().Sub(in.At); age < stale {
		return ca.Pending(fmt.Sprintf("another worker claimed the %s call; waiting for its outcome", in.Step), stale-age)
	}
	found, err := p.Find(ctx, req, st)
	if err != nil {
		return err
	}
	if in.Step != StepReissue {
		found = notHeld(found, req.KnownOrders, st.OrderID)
	}
	if in.Key == "" {
		in.Key = key // an intent saved before keys were recorded
	}
	best, stranded := p.choose(found, in, req.Known)
	switch {
	case best != nil:
		st.Intent, st.Progress = nil, p.Now()
		if in.Step != StepReissue {
			st.OrderID = best.OrderID
		}
		p.bought(st, in.Step, in.At)
		if err := j.Save(ctx, st); err != nil {
			return err
		}
		j.Adopted(ctx, fmt.Sprintf("recovered the %s call of an interrupted attempt: order %s at the reseller, continuing it", in.Step, best.OrderID))
		return nil
	case stranded != nil:
		return ca.Permanent(fmt.Errorf("a certificate for these names (id %s, issued %s by the reseller's clock) was bought by an interrupted %s call and the reseller offers no download: not buying a second one; fetch it from the reseller account, or delete the ResellerOrder to order again",
			stranded.OrderID, stranded.At.UTC().Format(time.RFC3339), in.Step))
	}
	return nil
}

// choose picks, among what the order list shows, what the call claimed by
// in bought: the reseller's time within ca.ClockSkew of the call (which ran
// within PaidCallBound of its claim), the call's key in the CSR or
// certificate (an order whose key cannot be read is never adopted), and of
// several, the one placed last: the one closest after the claim, whatever
// the reseller's clock (an offset moves all its times alike, and only the
// claimed call can have placed an order for this key after the claim, as
// claims are taken one at a time). Certificates that cannot be
// fetched again (stranded) are returned apart; known are the expiry times
// of certificates the ledger holds already, which are not the call's.
// A reissue's Find returns the order itself only when it shows the reissue.
func (p *Protocol) choose(found []ca.Found, in *ca.Intent, known []time.Time) (best, stranded *ca.Found) {
	if in.Step == StepReissue {
		if len(found) > 0 {
			return &found[0], nil
		}
		return nil, nil
	}
	from, until := in.At.Add(-ca.ClockSkew), in.At.Add(p.PaidCallBound+ca.ClockSkew)
	for i := range found {
		f := &found[i]
		if f.At.Before(from) || f.At.After(until) || isKnown(f.NotAfter, known) {
			continue
		}
		if f.Stranded {
			if stranded == nil || f.At.After(stranded.At) {
				stranded = f
			}
			continue
		}
		if f.PublicKey == nil || ca.KeyFingerprint(f.PublicKey) != in.Key {
			continue
		}
		if best == nil || f.At.After(best.At) {
			best = f
		}
	}
	return best, stranded
}

// notHeld drops from found the orders other ResellerOrders hold (held);
// own is the id of the order the call was claimed on, if it has one.
func notHeld(found []ca.Found, held []string, own string) []ca.Found {
	return slices.DeleteFunc(found, func(f ca.Found) bool {
		return f.OrderID != own && slices.Contains(held, f.OrderID)
	})
}

func isKnown(notAfter time.Time, known []time.Time) bool {
	if notAfter.IsZero() {
		return false
	}
	for _, k := range known {
		if k.Unix() == notAfter.Unix() {
			return true
		}
	}
	return false
}
