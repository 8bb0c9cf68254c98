package cyberssl

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Prepare checks the request against the product and the configuration
// and returns the paid call that adds the order (POST add_ssl_order,
// order_type renew when req renews an earlier order for the same names).
// The call records the order id and the validation CyberSSL answered; the
// protocol saves them (internal/order, Protocol.call).
func (r *Reseller) Prepare(ctx context.Context, req ca.Request, _ *ca.State, _ ca.Journal) (ca.PaidCall, error) {
	o, err := r.orderRequest(ctx, req)
	if err != nil {
		return nil, err
	}
	if req.Renew {
		o.OrderType = OrderTypeRenew
	}
	return func(ctx context.Context, st *ca.State) error {
		resp, err := r.Client.AddOrder(ctx, o)
		if err != nil {
			return refusal(err, fmt.Sprintf("order for product %d", r.ProductID))
		}
		st.OrderID = resp.OrderID.String()
		r.placed(st, req.DNSNames, o.DVMethod, resp.DVOptions)
		return nil
	}, nil
}

// orderRequest checks the request against the product and the
// configuration and returns the order to place. Nothing is ordered.
func (r *Reseller) orderRequest(ctx context.Context, req ca.Request) (OrderRequest, error) {
	if err := r.checkConfig(); err != nil {
		return OrderRequest{}, ca.Permanent(err)
	}
	names := req.DNSNames
	if len(names) == 0 {
		return OrderRequest{}, ca.Permanent(errors.New("the request names no DNS name"))
	}
	primary, addons, err := splitNames(req)
	if err != nil {
		return OrderRequest{}, ca.Permanent(err)
	}
	prod, err := r.product(ctx, false, false)
	if err != nil {
		return OrderRequest{}, err
	}
	if err := r.fits(prod, names); err != nil {
		return OrderRequest{}, ca.Permanent(err)
	}
	method, err := r.orderMethod(names, primary)
	if err != nil {
		return OrderRequest{}, ca.Permanent(err)
	}
	o := OrderRequest{
		ProductID: r.ProductID, OrderType: OrderTypeNew, Period: r.period(), DVMethod: method,
		AddonDomains: addons, Admin: r.Admin, Tech: r.Tech, CSR: string(req.CSR), Org: r.Org,
	}
	if _, err := o.params(); err != nil {
		return OrderRequest{}, ca.Permanent(err)
	}
	return o, nil
}

// splitNames returns the name CyberSSL certifies first (the CSR's common
// name, or first DNS name: it must be one of the requested names) and the
// others, its addon_domains.
func splitNames(req ca.Request) (string, []string, error) {
	csr, err := ca.CheckCSR(req.CSR)
	if err != nil {
		return "", nil, err
	}
	primary := strings.TrimSpace(csr.Subject.CommonName)
	if primary == "" && len(csr.DNSNames) > 0 {
		primary = csr.DNSNames[0]
	}
	if primary == "" || !slices.ContainsFunc(req.DNSNames, func(n string) bool { return sameName(n, primary) }) {
		return "", nil, fmt.Errorf("the CSR's common name %q is not one of the requested names [%s]: CyberSSL would certify it", primary, strings.Join(req.DNSNames, ", "))
	}
	var addons []string
	for _, n := range req.DNSNames {
		if !sameName(n, primary) {
			addons = append(addons, n)
		}
	}
	return primary, addons, nil
}

// fits checks the names against what the product can certify.
func (r *Reseller) fits(prod Product, names []string) error {
	what := fmt.Sprintf("CyberSSL product %d (%s)", r.ProductID, prod.Name)
	if len(names) > 1 && !prod.IsMultiDomain {
		return fmt.Errorf("%s certifies one name; %s is one too many", what, names[1])
	}
	if limit := int(prod.MultidomainsMaximum); limit > 0 && len(names) > limit {
		return fmt.Errorf("%s certifies at most %d names, the request has %d: %s and the names after it are too many", what, limit, len(names), names[limit])
	}
	for _, n := range names {
		if !strings.HasPrefix(n, "*.") {
			continue
		}
		if !prod.IsWildcard {
			return fmt.Errorf("%s is not a wildcard product: it cannot certify %s", what, n)
		}
		if m := r.want(names, n); m == DVMethodHTTP || m == DVMethodHTTPS {
			return fmt.Errorf("the wildcard name %s cannot be validated with %s: use dns or email", n, m)
		}
	}
	if prod.OrganizationRequired && r.Org == nil {
		return fmt.Errorf("%s requires the organization details, none are configured", what)
	}
	return nil
}
