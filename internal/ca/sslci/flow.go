package sslci

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// stepFinalize is the intent recorded before the paid finalize call.
const stepFinalize = "finalize"

// lapsedAfter is how long after the last verification a refused finalize is
// taken for lapsed verifications (SSLCI accepts verifications 29 days old)
// rather than for a request SSLCI will not sign.
const lapsedAfter = 24 * time.Hour

// Flow issues a certificate the SSLCI way: verify each name, then finalize.
// Verification orders are free (assumptions.go); finalize is the paid call and
// is guarded by an intent saved under the journal's precondition.
type Flow struct {
	Client *Client
	Method string // MethodHTTP or MethodDNS
	// MethodFor, when set, picks the method per name (the solver that
	// publishes it); an empty answer means Method.
	MethodFor func(name string) string
	Presenter ca.Presenter
	Now       func() time.Time
	// PaidCallBound bounds the paid finalize call (0: unbounded).
	PaidCallBound time.Duration
	// StaleAfter is how old an unanswered finalize intent must be before a
	// worker may assume the call that claimed it is over:
	// ca.StaleAfter(PaidCallBound), so a slow replica's call has ended.
	StaleAfter time.Duration
}

// Issue advances the order one step at a time; it returns a ca.PendingError
// while waiting and never blocks on the reseller.
func (f *Flow) Issue(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (*ca.Result, error) {
	if st.ChainPEM != "" {
		return ca.VerifyChain(req, []byte(st.ChainPEM))
	}
	var waiting []string
	for _, name := range req.DNSNames {
		done, reason, err := f.verify(ctx, name, st, j)
		if err != nil {
			return nil, err
		}
		if !done {
			waiting = append(waiting, reason)
		}
	}
	if len(waiting) > 0 {
		return nil, ca.Pending(strings.Join(waiting, "; "), ca.Wait(st.Progress, f.Now()))
	}
	return f.finalize(ctx, req, st, j)
}

// verify moves one name towards verified and says what it waits for.
func (f *Flow) verify(ctx context.Context, name string, st *ca.State, j ca.Journal) (bool, string, error) {
	ns := st.Name(name)
	if ns.Verified {
		return true, "", nil
	}
	if ns.Challenge == nil {
		v, err := f.Client.RequestVerification(ctx, name, f.method(name))
		if err != nil {
			return false, "", classify(fmt.Errorf("requesting verification of %s: %w", name, err))
		}
		ns = st.Name(name)
		ns.OrderID = strconv.FormatInt(v.OrderID, 10)
		ns.Challenge = challengeFor(name, v.Verification)
		st.Progress = f.Now()
		if err := j.Save(ctx, st); err != nil {
			// A verification order is free: drop it rather than leave it behind.
			_ = f.Client.Delete(context.WithoutCancel(ctx), DeleteOrder, v.OrderID)
			return false, "", err
		}
	}
	ns = st.Name(name)
	if err := f.Presenter.Present(ctx, *ns.Challenge); err != nil {
		return false, "", fmt.Errorf("presenting the challenge for %s: %w", name, err)
	}
	ready, rerr := f.Presenter.Ready(ctx, *ns.Challenge)
	// A person publishes a manual challenge; nobody can tell when, but
	// asking SSLCI is free, so it is asked on every pass.
	manual := errors.Is(rerr, ca.ErrManual)
	why := "not reachable yet"
	if rerr != nil {
		why, ready = rerr.Error(), false
	}
	waiting := fmt.Sprintf("%s: challenge %s %s", name, describe(*ns.Challenge), why)
	if !ready && !manual {
		return false, waiting, nil
	}
	id, _ := strconv.ParseInt(ns.OrderID, 10, 64)
	// Confirmed the way it was requested, even if the Issuer's solver for
	// the name changed since.
	confirmAs := MethodHTTP
	if ns.Challenge.Type == ca.DNS01 {
		confirmAs = MethodDNS
	}
	if _, err := f.Client.ConfirmVerification(ctx, name, id, confirmAs); err != nil {
		if IsBadRequest(err) {
			msg, err := f.notVerified(ctx, ns, id, err, st, j)
			if manual && ns.Challenge != nil {
				msg = waiting
			}
			return false, msg, err
		}
		return false, "", classify(fmt.Errorf("confirming %s: %w", name, err))
	}
	ns.Verified, ns.Challenge, ns.LastError = true, nil, ""
	st.Progress = f.Now()
	return true, "", j.Save(ctx, st)
}

func (f *Flow) method(name string) string {
	if f.MethodFor != nil {
		if m := f.MethodFor(name); m != "" {
			return m
		}
	}
	return f.Method
}

// notVerified handles a refused confirmation. Either the reseller could not
// see the challenge yet (keep waiting), or the verification order is gone
// (confirmed by a worker that crashed before saving it, or expired): then a
// new, free verification order is requested.
func (f *Flow) notVerified(ctx context.Context, ns *ca.NameState, id int64, cause error, st *ca.State, j ca.Journal) (string, error) {
	list, err := f.Client.List(ctx)
	if err != nil {
		return "", classify(fmt.Errorf("listing pending orders: %w", err))
	}
	if !slices.ContainsFunc(list.PendingOrders, func(o PendingOrder) bool { return o.OrderID == id }) {
		ns.OrderID, ns.Challenge, ns.LastError = "", nil, ""
		return ns.Name + ": verification order is gone, requesting a new one", j.Save(ctx, st)
	}
	ns.LastError = fmt.Sprintf("%s: SSLCI has not verified it yet: %s", ns.Name, apiMessage(cause))
	return ns.LastError, nil
}

// finalize buys the certificate exactly once.
func (f *Flow) finalize(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (*ca.Result, error) {
	now := f.Now()
	if st.Intent != nil && st.Intent.Step == stepFinalize {
		// A finalize was claimed and its outcome never saved: the claiming
		// worker crashed, or is still waiting for the answer.
		if age := now.Sub(st.Intent.At); age < f.StaleAfter {
			return nil, ca.Pending("another worker claimed the finalize call; waiting for its outcome", f.StaleAfter-age)
		}
		if err := f.recover(ctx, req, st.Intent.At); err != nil {
			return nil, err
		}
	}
	attempt := 1
	if st.Intent != nil {
		attempt = st.Intent.Attempt + 1
	}
	// The claim's time is taken at the claim, after the recovery's calls.
	st.Intent = &ca.Intent{Step: stepFinalize, At: f.Now(), Attempt: attempt}
	if err := j.Save(ctx, st); err != nil {
		return nil, err
	}
	// From here until the outcome is saved, a shutdown must not abandon the
	// paid call halfway; the call is bounded instead (StaleAfter derives
	// from the bound), and the outcome is saved whatever the call took.
	save := context.WithoutCancel(ctx)
	ctx, cancel := ca.PaidCall(ctx, f.PaidCallBound)
	defer cancel()
	resp, err := f.Client.Finalize(ctx, req.DNSNames, req.CSR)
	if err != nil {
		if IsBadRequest(err) && f.Now().Sub(st.Progress) < lapsedAfter {
			// Refused, nothing bought, and the verifications are fresh: the
			// request itself is not acceptable.
			st.Intent = nil
			if serr := j.Save(save, st); serr != nil {
				return nil, serr
			}
			return nil, ca.Permanent(fmt.Errorf("SSLCI refused finalize: %s", apiMessage(err)))
		}
		if IsBadRequest(err) {
			// Refused, nothing bought, after a long wait: a verification
			// lapsed. Start the names again.
			st.Intent, st.Names, st.Progress = nil, nil, f.Now()
			if serr := j.Save(save, st); serr != nil {
				return nil, serr
			}
			return nil, ca.Pending("SSLCI refused finalize, verifying the names again: "+apiMessage(err), 2*time.Second)
		}
		// The outcome is unknown; the intent stays and recovery decides.
		return nil, classify(fmt.Errorf("finalize: %w", err))
	}
	if resp.Key != "" {
		return nil, ca.Permanent(errors.New("SSLCI returned a private key it generated: the certificate was not issued for the CSR and is not used; the private key must stay in the cluster"))
	}
	chain := strings.TrimSpace(resp.CRT) + "\n" + strings.TrimSpace(resp.CA) + "\n"
	st.ChainPEM, st.Intent, st.Progress = chain, nil, f.Now()
	if err := j.SaveOutcome(save, st); err != nil {
		return nil, err
	}
	return ca.VerifyChain(req, []byte(chain))
}

// recover looks for a certificate a crashed worker bought after it claimed
// the finalize. SSLCI has no download endpoint, so such a certificate cannot
// be adopted; buying another one would pay twice, so the request stops.
func (f *Flow) recover(ctx context.Context, req ca.Request, since time.Time) error {
	list, err := f.Client.List(ctx)
	if err != nil {
		return classify(fmt.Errorf("listing certificates to recover an interrupted finalize: %w", err))
	}
	want := slices.Sorted(slices.Values(req.DNSNames))
	for _, c := range list.Certificates {
		names := slices.Sorted(slices.Values(c.DomainNames()))
		if slices.Equal(names, want) && !c.AddedAt().Before(since.Add(-time.Minute)) {
			return ca.Permanent(fmt.Errorf("SSLCI certificate crt_id %d for these names was issued by an interrupted finalize and SSLCI offers no download: not buying a second one; fetch it from the SSLCI account or delete the state annotation to order again", c.CrtID))
		}
	}
	return nil
}

func challengeFor(name string, v Verification) *ca.Challenge {
	if v.Method == MethodDNS {
		return &ca.Challenge{Name: name, Type: ca.DNS01, Record: "_acme-challenge." + strings.TrimPrefix(name, "*."), RecordType: "TXT", Content: v.Content}
	}
	return &ca.Challenge{Name: name, Type: ca.HTTP01, Path: v.FilePath, Content: v.Content}
}

func describe(ch ca.Challenge) string {
	if ch.Type == ca.DNS01 {
		return fmt.Sprintf("%s %s %q", ch.Record, ch.RecordType, ch.Content)
	}
	return "http://" + ch.Name + ch.Path
}

func apiMessage(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Message
	}
	return err.Error()
}

// classify turns client errors into the ca package's classes.
func classify(err error) error {
	switch {
	case IsUnauthorized(err), IsForbidden(err):
		return ca.Credentials(err)
	case IsTemporary(err):
		return err
	case IsBadRequest(err), IsMethodNotAllowed(err):
		return ca.Permanent(err)
	case errors.As(err, new(*InvalidArgumentError)):
		// Refused by the client before anything was sent.
		return ca.Permanent(err)
	}
	return err
}
