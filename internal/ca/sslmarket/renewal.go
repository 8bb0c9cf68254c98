package sslmarket

import (
	"context"
	"fmt"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Reissue returns the call that reissues the paid order for req's CSR
// (POST /certificate/order_id/{id}/reissue, free within the order,
// assumption 13). When SSLmarket already reissued the order by itself
// (auto_reissue of a multi-year order) for this key, with a certificate
// expiring later than the one being replaced, there is nothing to call:
// Follow downloads that certificate.
func (r *Reseller) Reissue(ctx context.Context, req ca.Request, st *ca.State, _ ca.Journal) (ca.PaidCall, error) {
	csr, err := ca.CheckCSR(req.CSR)
	if err != nil {
		return nil, ca.Permanent(err)
	}
	id, d, err := r.savedOrder(ctx, st, " before a reissue")
	if err != nil {
		return nil, err
	}
	if automatic(d, csr.RawSubjectPublicKeyInfo, st.Reissue) {
		return nil, nil
	}
	return func(ctx context.Context, _ *ca.State) error {
		err := r.Client.Reissue(ctx, id, req.CSR)
		if err != nil && IsConflict(err) {
			// Another reissue runs (ours, whose answer was lost, or an
			// automatic one): recovery reads the order.
			return fmt.Errorf("SSLmarket reissue of order %d: %w", id, err)
		}
		if err != nil {
			return refusal(err, fmt.Sprintf("reissue of order %d", id))
		}
		return nil
	}, nil
}

// automatic reports whether the order holds, issued, a certificate for
// spki that expires after the one being replaced: SSLmarket's automatic
// reissue (auto_reissue) of a multi-year order with the CSR it has.
func automatic(d *OrderDetails, spki []byte, r *ca.Reissue) bool {
	if StateClass(d.State) != ClassIssued || r == nil {
		return false
	}
	key := ca.CSRPublicKey(d.CSR)
	if key == nil || ca.KeyFingerprint(key) != ca.KeyFingerprint(spki) {
		return false
	}
	expires, err := ParseTime(d.Expired)
	return err == nil && expires.After(r.Replaces)
}

// Cancel stops a reissue no request waits for any more
// (PUT /certificate/order_id/{id}/cancel-reissue): the order goes back to
// its certificate. A new order cannot be canceled through the API
// (assumption 12).
func (r *Reseller) Cancel(ctx context.Context, st *ca.State) (bool, error) {
	if st.Reissue == nil {
		return false, nil
	}
	if !st.Reissue.Accepted && st.Intent == nil {
		return true, nil // never asked for
	}
	id, err := orderID(st)
	if err != nil {
		return false, err
	}
	if err := r.Client.CancelReissue(ctx, id); err != nil && !IsConflict(err) {
		return false, classify(fmt.Errorf("SSLmarket PUT /certificate/order_id/%d/cancel-reissue: %w", id, err), true)
	}
	return true, nil
}

// stateIs reports whether an order state is s, ignoring case and blanks.
func stateIs(state, s string) bool { return strings.EqualFold(strings.TrimSpace(state), s) }
