package sslci

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// lapsedAfter is how old the oldest verification must be for a refused
// finalize to be taken for lapsed verifications (SSLCI accepts them 29
// days) rather than for a request SSLCI will not sign.
const lapsedAfter = 24 * time.Hour

// Prepare verifies every name (free; ca.PendingError while a name waits)
// and then returns the paid call: finalize (POST /api action=finalize),
// which returns the certificate at once. The protocol saves it the moment
// the call returns (internal/order, Protocol.call).
func (r *Reseller) Prepare(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (ca.PaidCall, error) {
	waiting, err := r.verify(ctx, req, st, j)
	if err != nil {
		return nil, err
	}
	if len(waiting) > 0 {
		return nil, ca.Pending(strings.Join(waiting, "; "), ca.Wait(st.Progress, r.Now()))
	}
	return func(ctx context.Context, st *ca.State) error {
		resp, err := r.Client.Finalize(ctx, req.DNSNames, req.CSR)
		switch {
		case err == nil && resp.Key != "":
			// Bought, but for a key generated outside the cluster: it is
			// never used, and nothing is kept of it.
			return ca.Refused(ca.Permanent(errors.New("SSLCI returned a private key it generated: the certificate was not issued for the CSR and is not used; the private key must stay in the cluster")))
		case err == nil:
			st.ChainPEM = strings.TrimSpace(resp.CRT) + "\n" + strings.TrimSpace(resp.CA) + "\n"
			return nil
		case IsBadRequest(err) && r.lapsed(st):
			// Refused, nothing bought, after a long wait: a verification
			// lapsed. Start the names again.
			st.Names = nil
			return ca.Refused(ca.Pending("SSLCI refused finalize, verifying the names again: "+apiMessage(err), 2*time.Second))
		case IsBadRequest(err):
			// Refused, nothing bought, with fresh verifications: the
			// request itself is not acceptable.
			return ca.Refused(ca.Permanent(fmt.Errorf("SSLCI refused finalize: %s", apiMessage(err))))
		case IsUnauthorized(err), IsForbidden(err):
			return ca.Refused(ca.Credentials(fmt.Errorf("finalize: %w", err)))
		}
		// The outcome is unknown; recovery decides.
		return classify(fmt.Errorf("finalize: %w", err))
	}, nil
}

// lapsed reports whether the oldest verification is old enough to have
// lapsed at SSLCI.
func (r *Reseller) lapsed(st *ca.State) bool {
	oldest := st.Progress
	for _, n := range st.Names {
		if !n.VerifiedAt.IsZero() && n.VerifiedAt.Before(oldest) {
			oldest = n.VerifiedAt
		}
	}
	return r.Now().Sub(oldest) >= lapsedAfter
}
