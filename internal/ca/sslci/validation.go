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

// verificationLife is how long SSLCI accepts a verification for finalize
// (documented: "verified within the last 29 days").
const verificationLife = 29 * 24 * time.Hour

// reusable is how old a verification may be and still be used without a
// new one: its life, less ca.ClockSkew (the reseller's clock is not ours).
const reusable = verificationLife - ca.ClockSkew

// verify moves every name towards verified, reusing verifications younger
// than reusable (a renewal inside 29 days places no verification call),
// and says what the names wait for.
func (r *Reseller) verify(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) ([]string, error) {
	var waiting []string
	for _, name := range req.DNSNames {
		if ns := st.Name(name); ns.Verified && !ns.VerifiedAt.IsZero() && r.Now().Sub(ns.VerifiedAt) > reusable {
			ns.OrderID, ns.Challenge, ns.Verified, ns.VerifiedAt, ns.LastError = "", nil, false, time.Time{}, ""
		}
		done, reason, err := r.verifyName(ctx, name, st, j)
		if err != nil {
			return nil, err
		}
		if !done {
			waiting = append(waiting, reason)
		}
	}
	return waiting, nil
}

// verifyName moves one name towards verified and says what it waits for.
func (r *Reseller) verifyName(ctx context.Context, name string, st *ca.State, j ca.Journal) (bool, string, error) {
	ns := st.Name(name)
	if ns.Verified {
		return true, "", nil
	}
	if ns.Challenge == nil {
		v, err := r.Client.RequestVerification(ctx, name, r.method(name))
		if err != nil {
			return false, "", classify(fmt.Errorf("requesting verification of %s: %w", name, err))
		}
		ns = st.Name(name)
		ns.OrderID = strconv.FormatInt(v.OrderID, 10)
		ns.Challenge = challengeFor(name, v.Verification)
		st.Progress = r.Now()
		if err := j.Save(ctx, st); err != nil {
			// A verification order is free: drop it rather than leave it behind.
			_ = r.Client.Delete(context.WithoutCancel(ctx), DeleteOrder, v.OrderID)
			return false, "", err
		}
	}
	ns = st.Name(name)
	if err := r.Publisher.Present(ctx, *ns.Challenge); err != nil {
		return false, "", fmt.Errorf("presenting the challenge for %s: %w", name, err)
	}
	ready, rerr := r.Publisher.Ready(ctx, *ns.Challenge)
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
	id, _ := verificationOrder(*ns)
	// Confirmed the way it was requested, even if the Issuer's solver for
	// the name changed since.
	confirmAs := MethodHTTP
	if ns.Challenge.Type == ca.DNS01 {
		confirmAs = MethodDNS
	}
	if _, err := r.Client.ConfirmVerification(ctx, name, id, confirmAs); err != nil {
		if IsBadRequest(err) {
			msg, err := r.notVerified(ctx, ns, id, err, st, j)
			if manual && ns.Challenge != nil {
				msg = waiting
			}
			return false, msg, err
		}
		return false, "", classify(fmt.Errorf("confirming %s: %w", name, err))
	}
	ns.Verified, ns.Challenge, ns.LastError = true, nil, ""
	st.Progress = r.Now()
	return true, "", j.Save(ctx, st)
}

// method is how name is verified: as the Issuer's solver for it publishes,
// else Method.
func (r *Reseller) method(name string) string {
	if r.Publisher != nil {
		switch r.Publisher.Method(name).Type {
		case ca.HTTP01:
			return MethodHTTP
		case ca.DNS01:
			return MethodDNS
		}
	}
	return r.Method
}

// notVerified handles a refused confirmation. Either the reseller could not
// see the challenge yet (keep waiting), or the verification order is gone
// (confirmed by a worker that crashed before saving it, or expired): then a
// new, free verification order is requested.
func (r *Reseller) notVerified(ctx context.Context, ns *ca.NameState, id int64, cause error, st *ca.State, j ca.Journal) (string, error) {
	list, err := r.Client.List(ctx)
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

// verificationOrder is the id of a name's (free) verification order.
func verificationOrder(ns ca.NameState) (int64, bool) {
	id, err := strconv.ParseInt(ns.OrderID, 10, 64)
	return id, err == nil && id > 0
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
