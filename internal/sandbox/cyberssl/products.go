package cyberssl

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// product is a catalog entry; money in cents.
type product struct {
	productEntry
	prices      map[int]int64 // period -> price
	extraDomain int64         // per extra name and year
}

// catalog is the sandbox's product list.
var catalog = []*product{
	{
		productEntry: productEntry{
			ProductID: 1, Name: "PositiveSSL", Type: "SSL", Brand: "sectigo", ValidationType: validationDV,
			PriceFor1Year: "5.00", PriceFor2Year: "10.00", PriceFor3Year: "20.00", Warranty: "10000",
			IsMultiDomain: true, WWWIncluded: false, MultidomainsMaximum: 100, MultidomainsIncluded: 1, UnlimitedServer: true,
		},
		prices: map[int]int64{1: 5_00, 2: 10_00, 3: 20_00}, extraDomain: 2_00,
	},
	{
		productEntry: productEntry{
			ProductID: 2, Name: "PositiveSSL Wildcard", Type: "SSL", Brand: "sectigo", ValidationType: validationDV,
			PriceFor1Year: "55.00", PriceFor2Year: "105.00", PriceFor3Year: "150.00", Warranty: "10000",
			IsMultiDomain: true, IsWildcard: true, MultidomainsMaximum: 100, MultidomainsIncluded: 1, UnlimitedServer: true,
		},
		prices: map[int]int64{1: 55_00, 2: 105_00, 3: 150_00}, extraDomain: 2_00,
	},
	{
		productEntry: productEntry{
			ProductID: 3, Name: "InstantSSL", Type: "SSL", Brand: "sectigo", ValidationType: validationOV,
			PriceFor1Year: "35.00", PriceFor2Year: "65.00", PriceFor3Year: "90.00", Warranty: "250000",
			IsMultiDomain: true, MultidomainsMaximum: 100, MultidomainsIncluded: 1, UnlimitedServer: true,
			OrganizationRequired: true,
		},
		prices: map[int]int64{1: 35_00, 2: 65_00, 3: 90_00}, extraDomain: 5_00,
	},
}

func findProduct(id int64) *product {
	for _, p := range catalog {
		if p.ProductID == id {
			return p
		}
	}
	return nil
}

// price is the cost of names for period years.
func (p *product) price(period, names int) int64 {
	extra := max(names-p.MultidomainsIncluded, 0)
	return p.prices[period] + int64(extra)*p.extraDomain*int64(period)
}

func (s *Server) listProducts(*http.Request, url.Values) (any, *apiError) {
	return catalogResponse(), nil
}

func (s *Server) sslCertificates(*http.Request, url.Values) (any, *apiError) {
	return catalogResponse(), nil
}

func catalogResponse() productsResponse {
	out := productsResponse{Success: true, SSLProducts: []productEntry{}}
	for _, p := range catalog {
		out.SSLProducts = append(out.SSLProducts, p.productEntry)
	}
	return out
}

func (s *Server) productDetails(_ *http.Request, p url.Values) (any, *apiError) {
	prod, aerr := productParam(p)
	if aerr != nil {
		return nil, aerr
	}
	return productDetailsResponse{Success: true, Product: prod.productEntry}, nil
}

func (s *Server) productPrice(_ *http.Request, p url.Values) (any, *apiError) {
	prod, aerr := productParam(p)
	if aerr != nil {
		return nil, aerr
	}
	period, aerr := periodParam(p, prod)
	if aerr != nil {
		return nil, aerr
	}
	n := 1
	if v := p.Get("nr_domains"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			return nil, invalid("nr_domains", "must be a positive number, got %q", v)
		}
		if n > prod.MultidomainsMaximum {
			return nil, invalid("nr_domains", "product %d secures at most %d domains", prod.ProductID, prod.MultidomainsMaximum)
		}
	}
	return priceResponse{Success: true, Amount: money(prod.price(period, n))}, nil
}

// money formats cents as an amount with two decimals.
func money(cents int64) json.Number {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return json.Number(fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100))
}
