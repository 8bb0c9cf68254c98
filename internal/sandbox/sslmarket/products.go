package sslmarket

import (
	"net/http"
	"strings"

	api "github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
)

// product is a product of the sandbox: the listed fields plus whether it
// may carry wildcard names (not a field of the API).
type product struct {
	api.Product
	wildcard bool
}

func ssl(code, ca, title, validate string, maxSANs int64, wildcard bool) product {
	return product{Product: api.Product{
		ProductType: api.ProductTypeSSL, ProductCode: code, Type: ca, Title: title, ValidateType: validate,
		CSRRequired: true, MaxYears: 6, MinSANValues: 0, MaxSANValues: api.Int(maxSANs),
	}, wildcard: wildcard}
}

// catalog is the sandbox's product list, a subset of the document's
// example (see the package doc for the deviations).
var catalog = []product{
	ssl("digicert-standard-ssl", "DigiCert", "Standard SSL", api.ValidateOV, 250, false),
	ssl("digicert-wildcard", "DigiCert", "WildCard", api.ValidateOV, 250, true),
	ssl("geotrust-geotrust-standard-dv-ssl", "GeoTrust", "DV SSL", api.ValidateDV, 250, false),
	ssl("rapidssl-rapidssl-dv", "RapidSSL", "RapidSSL DV", api.ValidateDV, 100, false),
	ssl("rapidssl-rapidssl-wildcard-dv", "RapidSSL", "RapidSSL Wildcard DV", api.ValidateDV, 100, true),
	ssl("rapidssl-wildcard-dv", "RapidSSL", "RapidSSL Wildcard DV", api.ValidateDV, 100, true),
	{Product: api.Product{
		ProductType: api.ProductTypeClient, ProductCode: "digicert-client-premium-class-1", Type: "DigiCert",
		Title: "Client Premium Class 1", ValidateType: api.ValidateOV, CSRRequired: true, MaxYears: 3,
	}},
}

func findProduct(code string) (product, bool) {
	for _, p := range catalog {
		if strings.EqualFold(p.ProductCode, code) {
			return p, true
		}
	}
	return product{}, false
}

// products answers GET /product/list.
func (s *Server) products(call) (response, *apiError) {
	list := api.ProductList{Products: make([]api.Product, len(catalog))}
	for i, p := range catalog {
		list.Products[i] = p.Product
	}
	return jsonResponse(http.StatusOK, list), nil
}
