package sslmarket

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Prepare checks the request against the product (names, wildcards,
// years, the validation method) and returns the paid call that places the
// order: POST /order/certificate/{product_code}. The protocol saves the
// order id it records (internal/order, Protocol.call).
func (r *Reseller) Prepare(ctx context.Context, req ca.Request, _ *ca.State, _ ca.Journal) (ca.PaidCall, error) {
	csr, err := ca.CheckCSR(req.CSR)
	if err != nil {
		return nil, ca.Permanent(err)
	}
	if len(req.DNSNames) == 0 {
		return nil, ca.Permanent(errors.New("the request names no DNS name"))
	}
	p, err := r.product(ctx, false)
	if err != nil {
		return nil, err
	}
	if err := r.checkRequest(p, req); err != nil {
		return nil, ca.Permanent(err)
	}
	method, err := r.method(req.DNSNames)
	if err != nil {
		return nil, ca.Permanent(err)
	}
	domain, sans := splitNames(req.DNSNames, csr.Subject.CommonName)
	o := Order{Domain: domain, DNSNames: sans, Years: r.SubscriptionYears(), CSR: string(req.CSR), DVAuthMethod: method, Contacts: r.Contacts}
	return func(ctx context.Context, st *ca.State) error {
		resp, err := r.Client.PlaceOrder(ctx, r.ProductCode, o)
		if err != nil {
			return refusal(err, "order for product "+r.ProductCode)
		}
		st.OrderID = strconv.FormatInt(int64(resp.OrderID), 10)
		return nil
	}, nil
}

// checkRequest checks the request against the product before anything is
// bought: SAN count, wildcard names, years and the validation method.
func (r *Reseller) checkRequest(p Product, req ca.Request) error {
	if sans := len(req.DNSNames) - 1; !p.AllowsSANs(sans) {
		return fmt.Errorf("SSLmarket product %s allows %d to %d additional names (SANs), the request has %d (%d names): use another spec.sslmarket.productCode or fewer names",
			p.ProductCode, p.MinSANValues, p.MaxSANValues, sans, len(req.DNSNames))
	}
	method, err := r.method(req.DNSNames)
	if err != nil {
		return err
	}
	wildcard := isWildcardProduct(p)
	for _, n := range req.DNSNames {
		if !strings.HasPrefix(n, "*.") {
			continue
		}
		if !wildcard {
			return fmt.Errorf("the request names the wildcard %s but SSLmarket product %s is not a wildcard product: use a wildcard spec.sslmarket.productCode", n, p.ProductCode)
		}
		if strings.EqualFold(method, DVAuthFile) {
			return fmt.Errorf("dv_auth_method %s cannot validate the wildcard name %s: use spec.sslmarket.dvAuthMethod DNS or Email, or a dns01 solver", DVAuthFile, n)
		}
	}
	if p.MaxYears > 0 && int64(r.Years) > int64(p.MaxYears) {
		return fmt.Errorf("spec.sslmarket.years: SSLmarket product %s allows at most %d years, got %d", p.ProductCode, p.MaxYears, r.Years)
	}
	return nil
}

// isWildcardProduct tells wildcard products apart. The product list has no
// such field; every wildcard product of the document's list says
// "wildcard" in its code or title.
func isWildcardProduct(p Product) bool {
	return strings.Contains(strings.ToLower(p.ProductCode), "wildcard") || strings.Contains(strings.ToLower(p.Title), "wildcard")
}

// splitNames returns the order's domain (the CSR's common name when it is
// one of the names, assumption 9, else the first name) and the other names.
func splitNames(names []string, commonName string) (string, []string) {
	i := slices.IndexFunc(names, func(n string) bool { return commonName != "" && strings.EqualFold(n, commonName) })
	if i < 0 {
		i = 0
	}
	sans := make([]string, 0, len(names)-1)
	sans = append(sans, names[:i]...)
	sans = append(sans, names[i+1:]...)
	return names[i], sans
}
