package sslmarket

import (
	"net/http"
	"strconv"
	"strings"
)

// product is a product of the sandbox's catalog.
type product struct {
	productType  string
	code         string
	ca           string
	title        string
	validateType string
	maxYears     int
	maxSANs      int
	// wildcard: the product may carry wildcard names (not a field of the
	// API).
	wildcard bool
}

// allowsSANs reports whether n SANs (dns_names besides domain) fit.
func (p product) allowsSANs(n int) bool { return n <= p.maxSANs }

// entry renders p as GET /product/list lists it.
func (p product) entry() productEntry {
	return productEntry{
		ProductType: p.productType, ProductCode: p.code, Type: p.ca, Title: p.title, ValidateType: p.validateType,
		CSRRequired: "true", MaxYears: strconv.Itoa(p.maxYears), MinSANValues: "0", MaxSANValues: strconv.Itoa(p.maxSANs),
	}
}

func ssl(code, ca, title, validate string, maxSANs int, wildcard bool) product {
	return product{productType: productTypeSSL, code: code, ca: ca, title: title, validateType: validate,
		maxYears: 6, maxSANs: maxSANs, wildcard: wildcard}
}

// catalog is the sandbox's product list, a subset of the document's
// example (see the package doc for the deviations).
var catalog = []product{
	ssl("digicert-standard-ssl", "DigiCert", "Standard SSL", validateOV, 250, false),
	ssl("digicert-wildcard", "DigiCert", "WildCard", validateOV, 250, true),
	ssl("geotrust-geotrust-standard-dv-ssl", "GeoTrust", "DV SSL", validateDV, 250, false),
	ssl("rapidssl-rapidssl-dv", "RapidSSL", "RapidSSL DV", validateDV, 100, false),
	ssl("rapidssl-rapidssl-wildcard-dv", "RapidSSL", "RapidSSL Wildcard DV", validateDV, 100, true),
	ssl("rapidssl-wildcard-dv", "RapidSSL", "RapidSSL Wildcard DV", validateDV, 100, true),
	{productType: productTypeClient, code: "digicert-client-premium-class-1", ca: "DigiCert",
		title: "Client Premium Class 1", validateType: validateOV, maxYears: 3},
}

func findProduct(code string) (product, bool) {
	for _, p := range catalog {
		if strings.EqualFold(p.code, code) {
			return p, true
		}
	}
	return product{}, false
}

// products answers GET /product/list.
func (s *Server) products(call) (response, *apiError) {
	list := productList{Products: make([]productEntry, len(catalog))}
	for i, p := range catalog {
		list.Products[i] = p.entry()
	}
	return jsonResponse(http.StatusOK, list), nil
}
