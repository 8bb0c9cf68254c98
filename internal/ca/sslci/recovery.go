package sslci

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Find lists the account's certificates (every page of GET /api) for the
// request's names: what an interrupted finalize may have bought. SSLCI has
// no download (assumption 17), so each is reported stranded: the protocol
// never buys a second one, and never adopts one.
func (r *Reseller) Find(ctx context.Context, req ca.Request, _ *ca.State) ([]ca.Found, error) {
	list, err := r.Client.List(ctx)
	if err != nil {
		return nil, classify(fmt.Errorf("listing certificates to recover an interrupted finalize: %w", err))
	}
	want := slices.Sorted(slices.Values(req.DNSNames))
	var found []ca.Found
	for _, c := range list.Certificates {
		if !slices.Equal(slices.Sorted(slices.Values(c.DomainNames())), want) {
			continue
		}
		found = append(found, ca.Found{OrderID: strconv.FormatInt(c.CrtID, 10), At: c.AddedAt(), NotAfter: c.ExpiresAt(), Stranded: true})
	}
	return found, nil
}
