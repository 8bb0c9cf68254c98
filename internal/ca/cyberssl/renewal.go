package cyberssl

import (
	"context"
	"fmt"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Reissue returns the call that reissues the paid order for req's CSR
// (POST reissue_ssl_order, free within the period, assumption 11): it
// moves the order back to validation with fresh dv_options, which the call
// records per name; Follow then presents them and polls order_status.
func (r *Reseller) Reissue(_ context.Context, req ca.Request, st *ca.State, _ ca.Journal) (ca.PaidCall, error) {
	id, err := orderID(st)
	if err != nil {
		return nil, err
	}
	primary, addons, err := splitNames(req)
	if err != nil {
		return nil, ca.Permanent(err)
	}
	method, err := r.orderMethod(req.DNSNames, primary)
	if err != nil {
		return nil, ca.Permanent(err)
	}
	re := ReissueRequest{OrderID: id, DVMethod: method, AddonDomains: addons, CSR: string(req.CSR)}
	return func(ctx context.Context, st *ca.State) error {
		resp, err := r.Client.Reissue(ctx, re)
		if err != nil {
			return refusal(err, fmt.Sprintf("reissue of order %s", id))
		}
		r.placed(st, req.DNSNames, method, resp.DVOptions)
		return nil
	}, nil
}

// Cancel cannot cancel anything: CyberSSL documents no way to cancel an
// order or a reissue.
func (r *Reseller) Cancel(context.Context, *ca.State) (bool, error) { return false, nil }
