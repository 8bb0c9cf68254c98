package cyberssl

import (
	"context"
	"fmt"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Follow advances the paid order: names whose solver wants another method
// are switched first, then (unless the order was added in this same call,
// whose answer holds the validation) order_status is read once: the
// certificate when Activated, a permanent failure when final, else the
// validation is presented and the request waits.
func (r *Reseller) Follow(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal, fresh bool) ([]byte, error) {
	id, err := orderID(st)
	if err != nil {
		return nil, err
	}
	if err := r.align(ctx, req, id, st, j); err != nil {
		return nil, err
	}
	if fresh {
		// Let the CA look at the challenges before the first order_status.
		if err := r.present(ctx, st.OpenChallenges()); err != nil {
			return nil, err
		}
		return nil, ca.Pending(fmt.Sprintf("CyberSSL order %s placed: %s", st.OrderID, r.awaited("", st.OpenChallenges())), ca.Wait(st.Progress, r.Now()))
	}
	status, err := r.Client.OrderStatus(ctx, id)
	if err != nil {
		return nil, classify(fmt.Errorf("order_status of CyberSSL order %s: %w", id, err), true)
	}
	switch status.Class() {
	case ClassIssued:
		chain := strings.TrimSpace(status.Certificate) + "\n"
		if c := strings.TrimSpace(status.CertificateChain); c != "" {
			chain += c + "\n"
		}
		return []byte(chain), nil
	case ClassFinal:
		return nil, ca.Permanent(fmt.Errorf("CyberSSL order %s is %s: %s", id, status.Status, finalWords(status.Status)))
	}
	if err := r.challenges(ctx, req, id, status.DVMethod, st, j); err != nil {
		return nil, err
	}
	open := st.OpenChallenges()
	if err := r.present(ctx, open); err != nil {
		return nil, err
	}
	return nil, ca.Pending(fmt.Sprintf("CyberSSL order %s is %s: %s", id, status.Status, r.awaited(status.Status, open)), ca.Wait(st.Progress, r.Now()))
}

// challenges asks for the order's validation options when the answer that
// carried them was lost or unreadable (an adopted order or reissue, a
// malformed option), and saves what it learns. An adopted order is validated the
// way it was placed (ordered, its order_status dv_method) until align
// switches its names.
func (r *Reseller) challenges(ctx context.Context, req ca.Request, id ID, ordered string, st *ca.State, j ca.Journal) error {
	if len(st.Names) > 0 && len(st.OpenChallenges()) == len(st.Names) {
		return nil
	}
	if st.Reissue != nil && len(st.OpenChallenges()) == 0 {
		// An adopted reissue (its answer was lost): the order is back in
		// validation with fresh dv_options, and the names' verification
		// was the replaced certificate's.
		st.Names = nil
	}
	if len(st.Names) == 0 {
		method := strings.TrimSpace(ordered)
		if method == "" {
			primary, _, err := splitNames(req)
			if err != nil {
				return ca.Permanent(err)
			}
			if method, err = r.orderMethod(req.DNSNames, primary); err != nil {
				return ca.Permanent(err)
			}
		}
		r.placed(st, req.DNSNames, method, DVOptions{})
	}
	if err := r.fetchChallenges(ctx, id, st); err != nil {
		return err
	}
	if len(st.OpenChallenges()) == 0 {
		return nil
	}
	return j.Save(ctx, st)
}

func finalWords(status string) string {
	switch strings.ToLower(strings.Join(strings.Fields(status), " ")) {
	case "rejected":
		return "the CA refused to issue it"
	case "cancelled", "canceled": //nolint:misspell // the API's spelling
		return "it was cancelled and will not deliver a certificate" //nolint:misspell // the API's spelling
	case "duplicate certificate":
		return "CyberSSL reports a duplicate certificate and will not issue this one"
	case "expired":
		return "its certificate expired before it was collected"
	}
	return "it will not deliver a certificate"
}
