package cyberssl

import (
	"context"
	"net/http"
	"net/url"
)

// ValidateCSRRequest are the parameters of validate_csr.
type ValidateCSRRequest struct {
	// CSR is the PEM certificate request (required).
	CSR string
	// ProductID, if set, checks that the CSR fits the product.
	ProductID ID
	// AddonDomains, if set, are checked as the product's SAN list.
	AddonDomains []string
}

// ValidateCSR decodes a CSR and checks it against a product (POST
// validate_csr). Nothing is ordered.
func (c *Client) ValidateCSR(ctx context.Context, req ValidateCSRRequest) (*ValidateCSRResponse, error) {
	if err := provider.CheckCSR("CSR", []byte(req.CSR)); err != nil {
		return nil, err
	}
	p := url.Values{"csr": {req.CSR}}
	if req.ProductID != 0 {
		if err := provider.CheckID("ProductID", int64(req.ProductID)); err != nil {
			return nil, err
		}
		p.Set("product_id", req.ProductID.String())
	}
	if err := setAddonDomains(p, req.AddonDomains); err != nil {
		return nil, err
	}
	var out ValidateCSRResponse
	if err := c.call(ctx, http.MethodPost, endpointValidateCSR, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
