package sslmarket

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Find looks in the order list (every page, GET /order/list) for the
// order an interrupted paid call placed: same names, same product, not
// final, inserted no earlier than ca.ClockSkew before the call (the
// server's zone is unknown, assumption 11), with the CSR its details show
// (GET /order/order_id/{id}). For a reissue it reads the order itself: a
// reissue under way, or one done for the call's key, shows there.
func (r *Reseller) Find(ctx context.Context, req ca.Request, st *ca.State) ([]ca.Found, error) {
	if st.Intent.Step == ca.StepReissue {
		return r.findReissue(ctx, st)
	}
	orders, err := r.Client.Orders(ctx)
	if err != nil {
		// An order may exist and be paid: never Permanent here.
		return nil, classify(fmt.Errorf("SSLmarket GET /order/list, looking for the order of an interrupted attempt: %w", err), true)
	}
	from := st.Intent.At.Add(-ca.ClockSkew)
	var found []ca.Found
	for _, o := range orders {
		if o.OrderID <= 0 || !o.HasNames(req.DNSNames) || StateClass(o.State) == ClassFinal {
			continue
		}
		if o.ProductCode != "" && !strings.EqualFold(o.ProductCode, r.ProductCode) {
			continue
		}
		at, err := o.InsertedAt()
		if err != nil || at.Before(from) {
			continue
		}
		d, err := r.Client.Order(ctx, int64(o.OrderID))
		if err != nil {
			return nil, classify(fmt.Errorf("SSLmarket GET /order/order_id/%d, looking for the order of an interrupted attempt: %w", o.OrderID, err), true)
		}
		found = append(found, ca.Found{OrderID: strconv.FormatInt(int64(o.OrderID), 10), At: at, PublicKey: ca.CSRPublicKey(d.CSR)})
	}
	return found, nil
}

// findReissue reports the order when it shows the reissue: running
// (assumed the call's, as the ledger lets one reissue run at a time), or
// done with a CSR for the call's key.
func (r *Reseller) findReissue(ctx context.Context, st *ca.State) ([]ca.Found, error) {
	_, d, err := r.savedOrder(ctx, st, ", looking for an interrupted reissue")
	if err != nil {
		return nil, err
	}
	key := ca.CSRPublicKey(d.CSR)
	running := stateIs(d.State, StateReissue)
	if !running && (key == nil || ca.KeyFingerprint(key) != st.Intent.Key) {
		return nil, nil
	}
	return []ca.Found{{OrderID: st.OrderID, PublicKey: key}}, nil
}
