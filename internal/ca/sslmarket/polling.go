package sslmarket

import (
	"context"
	"fmt"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Follow looks at the paid order once: download when issued, give up when
// final, publish the validation while waiting. A reissue needs no new
// validation (the document names none): its order is polled until it is
// published again.
func (r *Reseller) Follow(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal, fresh bool) ([]byte, error) {
	if fresh {
		// The DCV content is read on the next look, when the CA has it.
		return nil, ca.Pending(fmt.Sprintf("SSLmarket order %s placed", st.OrderID), ca.Wait(st.Progress, st.Progress))
	}
	id, d, err := r.savedOrder(ctx, st, "")
	if err != nil {
		return nil, err
	}
	switch {
	case StateClass(d.State) == ClassIssued:
		return r.download(ctx, id)
	case StateClass(d.State) == ClassFinal:
		return nil, ca.Permanent(fmt.Errorf("SSLmarket order %d is %s: SSLmarket will not issue a certificate for it", id, strings.TrimSpace(d.State)))
	case st.Reissue != nil:
		return nil, ca.Pending(fmt.Sprintf("SSLmarket order %d is %s: waiting for the reissued certificate", id, strings.TrimSpace(d.State)), ca.Wait(st.Progress, r.Now()))
	}
	return nil, r.waiting(ctx, req, id, d, st, j)
}

// download fetches the issued chain (leaf and intermediate).
func (r *Reseller) download(ctx context.Context, id int64) ([]byte, error) {
	chain, err := r.Client.Download(ctx, id, FormatPEMIntermediate)
	if err != nil {
		return nil, classify(fmt.Errorf("SSLmarket GET /certificate/order_id/%d/format/%s: %w", id, FormatPEMIntermediate, err), true)
	}
	return []byte(strings.TrimSpace(string(chain)) + "\n"), nil
}
