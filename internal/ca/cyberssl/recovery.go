package cyberssl

import (
	"context"
	"fmt"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Find looks in my_orders (every page) for the order an interrupted
// add_ssl_order placed: the same names, not final, created no earlier than
// ca.ClockSkew before the call, with the CSR its order_status shows. For a
// reissue it reads the order itself: reissue_ssl_order replaces its CSR.
func (r *Reseller) Find(ctx context.Context, req ca.Request, st *ca.State) ([]ca.Found, error) {
	if st.Intent.Step == ca.StepReissue {
		return r.findReissue(ctx, st)
	}
	list, err := r.Client.Orders(ctx)
	if err != nil {
		return nil, classify(fmt.Errorf("listing CyberSSL orders to recover an interrupted order: %w", err), true)
	}
	var found []ca.Found
	for _, o := range list.SSLOrders.Matching(req.DNSNames, st.Intent.At.Add(-ca.ClockSkew)) {
		if StatusClass(o.Status) == ClassFinal {
			continue
		}
		at, err := o.CreatedAt()
		if err != nil {
			continue
		}
		status, err := r.Client.OrderStatus(ctx, o.OrderID)
		if err != nil {
			return nil, classify(fmt.Errorf("reading CyberSSL order %s to recover an interrupted order: %w", o.OrderID, err), true)
		}
		found = append(found, ca.Found{OrderID: o.OrderID.String(), At: at, PublicKey: ca.CSRPublicKey(status.CSR)})
	}
	return found, nil
}

// findReissue reports the order when its CSR is the one the interrupted
// reissue sent.
func (r *Reseller) findReissue(ctx context.Context, st *ca.State) ([]ca.Found, error) {
	id, err := orderID(st)
	if err != nil {
		return nil, err
	}
	status, err := r.Client.OrderStatus(ctx, id)
	if err != nil {
		return nil, classify(fmt.Errorf("reading CyberSSL order %s to recover an interrupted reissue: %w", id, err), true)
	}
	key := ca.CSRPublicKey(status.CSR)
	if key == nil || ca.KeyFingerprint(key) != st.Intent.Key {
		return nil, nil
	}
	return []ca.Found{{OrderID: st.OrderID, PublicKey: key}}, nil
}
