package order

import (
	"context"
	"fmt"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Protocol is THE order protocol, the same for every reseller: a paid call
// is claimed (an intent saved under the order's resourceVersion) before it
// is made, runs under a bounded context a shutdown cannot cancel, and its
// outcome (the order id, the chain) is saved the moment it returns; a claim
// whose outcome was never saved is resolved by searching the reseller's
// order list before anything else; a paid order is then followed with free
// calls until its certificate arrives, which is checked before it is
// handed out. Renewals inside a subscription reissue the order the same
// way. The reseller supplies only its calls (Reseller).
type Protocol struct {
	Reseller
	Now func() time.Time
	// PaidCallBound bounds every paid call (0: unbounded); the staleness of
	// an unanswered claim derives from it (StaleAfter).
	PaidCallBound time.Duration
	// FollowFor bounds how long one Issue keeps following an order that
	// moved in it (a paid call, a published challenge) before it returns
	// the wait: it looks again after FirstLook, then twice as long each
	// time, while the looks fit in FollowFor (0: one look).
	FollowFor time.Duration
}

// FirstLook is the first of the growing pauses between the looks of one
// Issue at an order that moved (Protocol.FollowFor).
const FirstLook = 250 * time.Millisecond

// Issue advances req's order by one step. It returns the verified chain,
// or a ca.PendingError while something is awaited; it waits for the
// reseller only within FollowFor, after the order moved.
func (p *Protocol) Issue(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (*ca.Result, error) {
	key, err := requestKey(req)
	if err != nil {
		return nil, ca.Permanent(err)
	}
	if st.ChainPEM != "" && st.Reissue == nil {
		return p.saved(req, key, st)
	}
	if st.Intent != nil {
		if err := p.recover(ctx, req, key, st, j); err != nil {
			return nil, err
		}
	}
	fresh := false
	if p.callDue(st) {
		if err := p.call(ctx, req, key, st, j); err != nil {
			return nil, err
		}
		if st.ChainPEM != "" && st.Reissue == nil {
			// SSLCI: the paid call returned the certificate, saved already.
			return p.saved(req, key, st)
		}
		fresh = true
	}
	chain, err := p.follow(ctx, req, st, j, fresh)
	if err != nil {
		return nil, err
	}
	return p.deliver(ctx, req, key, chain, st, j)
}

// follow runs the reseller's Follow (free calls only) and, while the order
// moved in this Issue (fresh: its paid call was just made; or Follow made
// progress: a challenge published, a name validated) and the reseller asks
// to wait, looks again after a pause that starts at FirstLook and doubles,
// until FollowFor has passed since the first look ended: no look starts
// after that, and the looks again run under that deadline (a look cut
// short returns the wait before it). A reseller that answers at once is
// followed to its certificate in one Issue; one that takes its time holds
// the worker at most FollowFor longer than one look, then the request
// waits as before.
func (p *Protocol) follow(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal, fresh bool) ([]byte, error) {
	before := st.Progress
	chain, err := p.Follow(ctx, req, st, j, fresh)
	moved := fresh || st.Progress.After(before)
	if _, pending := ca.IsPending(err); !pending || !moved || p.FollowFor <= 0 {
		return chain, err
	}
	lctx, cancel := context.WithTimeout(ctx, p.FollowFor)
	defer cancel()
	deadline, _ := lctx.Deadline()
	for pause := FirstLook; time.Until(deadline) > pause; pause *= 2 {
		select {
		case <-lctx.Done():
			return chain, err
		case <-time.After(pause):
		}
		c, e := p.Follow(lctx, req, st, j, false)
		if lctx.Err() != nil && ctx.Err() == nil {
			// Cut short by the deadline: the wait before it stands.
			return chain, err
		}
		chain, err = c, e
		if _, pending := ca.IsPending(err); !pending {
			return chain, err
		}
	}
	return chain, err
}

// callDue tells whether the order still needs its paid call: a reissue not
// yet accepted, or an order without an id.
func (p *Protocol) callDue(st *ca.State) bool {
	if st.Reissue != nil {
		return !st.Reissue.Accepted
	}
	return st.OrderID == ""
}

// call makes the order's paid call exactly once: the reseller prepares it
// (free work and checks that may fail for good), the intent is claimed and
// saved, the call runs bounded and detached, and its outcome is saved with
// nothing in between.
func (p *Protocol) call(ctx context.Context, req ca.Request, key string, st *ca.State, j ca.Journal) error {
	step, prepare := p.Step(), p.Prepare
	if st.Reissue != nil {
		step, prepare = StepReissue, p.Reissue
	}
	paid, err := prepare(ctx, req, st, j)
	if err != nil {
		return err
	}
	if paid == nil {
		// The order already holds a later certificate for this key.
		st.Reissue.Accepted, st.Progress = true, p.Now()
		return j.Save(ctx, st)
	}
	attempt := 1
	if st.Intent != nil {
		attempt = st.Intent.Attempt + 1
	}
	// The claim's time is taken at the claim, after every call above.
	st.Intent = &ca.Intent{Step: step, At: p.Now(), Attempt: attempt, Key: key}
	if err := j.Save(ctx, st); err != nil {
		return err
	}
	at := st.Intent.At
	// From here until the outcome is saved, a shutdown must not abandon
	// the call halfway; the call is bounded instead (StaleAfter derives
	// from the bound), and its outcome is saved whatever the call took.
	save := context.WithoutCancel(ctx)
	callCtx, cancel := paidContext(ctx, p.PaidCallBound)
	defer cancel()
	err = paid(callCtx, st)
	if err == nil {
		st.Intent, st.Progress = nil, p.Now()
		p.bought(st, step, at)
		if serr := j.SaveOutcome(save, st); serr != nil {
			// The intent in the ledger leads recovery to it once stale.
			return fmt.Errorf("the %s call succeeded but its outcome could not be saved (recovery finds it in the order list once the claim is stale): %w", step, serr)
		}
		return nil
	}
	if ca.IsRefused(err) {
		// Nothing was bought: the intent goes.
		st.Intent, st.Progress = nil, p.Now()
		refusedReissue := step == StepReissue && ca.IsPermanent(err)
		if refusedReissue {
			// The order goes back to the certificate it has; renewals of
			// its names order anew.
			st.Reissue, st.NoReissue = nil, "the reseller refused a reissue: "+ca.CleanText(err.Error())
		}
		if serr := j.SaveOutcome(save, st); serr != nil {
			return serr
		}
		if refusedReissue {
			return ca.Pending(st.NoReissue+"; ordering anew", time.Second)
		}
		return err
	}
	j.Unknown(save, fmt.Sprintf("the %s call's outcome is unknown (%s); its order list is searched before paying again", step, ca.CleanText(err.Error())))
	return fmt.Errorf("%s call, outcome unknown (the order list is searched before paying again): %w", step, err)
}

// bought records what a successful paid call (or an adopted one, claimed
// at at) means for the order.
func (p *Protocol) bought(st *ca.State, step string, at time.Time) {
	switch {
	case step == StepReissue:
		st.Reissue.Accepted = true
	case st.SubscriptionEnd == nil && p.SubscriptionYears() > 0:
		// No document names the subscription's end: it runs its years
		// from the order (README, "What renewals cost").
		end := at.AddDate(p.SubscriptionYears(), 0, 0).UTC()
		st.SubscriptionEnd = &end
	}
}

// saved returns the chain the order holds, checked against the request.
func (p *Protocol) saved(req ca.Request, key string, st *ca.State) (*ca.Result, error) {
	if Fingerprint(st.ChainPEM) != key {
		return nil, ca.Pending(otherKey, time.Second)
	}
	return ca.VerifyChain(req, []byte(st.ChainPEM))
}

// otherKey says why a request waits when its order's certificate is for
// another key: the ledger decides next what to do (reissue, or order).
const otherKey = "the order's certificate is for another key than this request's (the request that placed the order is gone); deciding how to certify this key"

// deliver checks a chain the reseller issued, saves it, and returns it.
// During a reissue, a chain for the key being replaced is the old
// certificate still shown; a reissued one must expire later than the
// certificate it replaces, or it is recorded but not handed out.
func (p *Protocol) deliver(ctx context.Context, req ca.Request, key string, chain []byte, st *ca.State, j ca.Journal) (*ca.Result, error) {
	leaf, err := ca.Leaf(chain)
	if err != nil {
		return nil, fmt.Errorf("the issued chain: %w", err)
	}
	if ca.KeyFingerprint(leaf.RawSubjectPublicKeyInfo) != key {
		return nil, p.otherKeyIssued(ctx, leaf.NotAfter, chain, st, j)
	}
	res, err := ca.VerifyChain(req, chain)
	if err != nil {
		// A download can be repeated; a wrong chain is never kept.
		return nil, err
	}
	if r := st.Reissue; r != nil && !leaf.NotAfter.After(r.Replaces) {
		st.ChainPEM, st.Reissue, st.Progress = string(chain), nil, p.Now()
		if err := j.SaveOutcome(context.WithoutCancel(ctx), st); err != nil {
			return nil, err
		}
		return nil, ca.Pending(fmt.Sprintf("%s: the reissued certificate expires %s, no later than the one it replaces (%s): not handing it out; ordering anew",
			notLater, leaf.NotAfter.UTC().Format(time.RFC3339), r.Replaces.UTC().Format(time.RFC3339)), time.Second)
	}
	st.ChainPEM, st.Reissue, st.Progress = string(chain), nil, p.Now()
	for i := range st.Names {
		st.Names[i].Verified, st.Names[i].Challenge, st.Names[i].LastError = true, nil, ""
	}
	if err := j.SaveOutcome(context.WithoutCancel(ctx), st); err != nil {
		return nil, err
	}
	return res, nil
}

// notLater starts the reason of a reissue that did not extend the
// certificate.
const notLater = "ReissueNotLater"

// otherKeyIssued handles an issued chain for another key than the
// request's. During a reissue it is the replaced certificate, still shown
// (wait), or a reissue for someone else's CSR (reissue again). Otherwise
// the order was placed by a request that is gone, for its key: the chain
// is recorded as the order's, and the ledger decides how to certify this
// request's key (a free reissue where the subscription allows).
func (p *Protocol) otherKeyIssued(ctx context.Context, notAfter time.Time, chain []byte, st *ca.State, j ca.Journal) error {
	if r := st.Reissue; r != nil {
		if notAfter.Equal(r.Replaces) {
			return ca.Pending("waiting for the reissued certificate (the order still shows the one it replaces)", ca.Wait(st.Progress, p.Now()))
		}
		r.Accepted, st.Progress = false, p.Now()
		if err := j.Save(ctx, st); err != nil {
			return err
		}
		return ca.Pending("the order's new certificate is for another key than this request's: reissuing again", time.Second)
	}
	st.ChainPEM, st.Progress = string(chain), p.Now()
	if err := j.SaveOutcome(context.WithoutCancel(ctx), st); err != nil {
		return err
	}
	return ca.Pending(otherKey, time.Second)
}

// requestKey is the fingerprint of req's public key.
func requestKey(req ca.Request) (string, error) {
	csr, err := ca.CheckCSR(req.CSR)
	if err != nil {
		return "", err
	}
	return ca.KeyFingerprint(csr.RawSubjectPublicKeyInfo), nil
}
