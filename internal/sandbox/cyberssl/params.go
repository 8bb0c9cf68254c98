package cyberssl

import (
	"errors"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnsname"
)

func productParam(p url.Values) (*product, *apiError) {
	id, aerr := positiveParam(p, "product_id")
	if aerr != nil {
		return nil, aerr
	}
	prod := findProduct(id)
	if prod == nil {
		return nil, errorf(codeNotFound, "product %d not found", id)
	}
	return prod, nil
}

func periodParam(p url.Values, prod *product) (int, *apiError) {
	raw := p.Get("period")
	if raw == "" {
		return 0, missing("period")
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, invalid("period", "must be a number of years, got %q", raw)
	}
	if _, ok := prod.prices[n]; !ok {
		return 0, invalid("period", "product %d is sold for 1, 2 or 3 years, not %d", prod.ProductID, n)
	}
	return n, nil
}

func orderIDParam(p url.Values) (int64, *apiError) {
	return positiveParam(p, "order_id")
}

// positiveParam reads a required parameter that is a positive number.
func positiveParam(p url.Values, param string) (int64, *apiError) {
	raw := p.Get(param)
	if raw == "" {
		return 0, missing(param)
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 1 {
		return 0, invalid(param, "must be a positive number, got %q", raw)
	}
	return n, nil
}

// oneOfParam reads a required parameter that takes one of values.
func oneOfParam(p url.Values, param string, values ...string) (string, *apiError) {
	v := p.Get(param)
	if v == "" {
		return "", missing(param)
	}
	if !slices.Contains(values, v) {
		return "", invalid(param, "must be one of %s", strings.Join(values, ", "))
	}
	return v, nil
}

// dvMethodParam parses http, https, dns or "email:<addresses>".
func dvMethodParam(raw string) (string, []string, *apiError) {
	switch raw {
	case "":
		return "", nil, missing("dv_method")
	case dvHTTP, dvHTTPS, dvDNS:
		return raw, nil, nil
	}
	list, ok := strings.CutPrefix(raw, dvEmail+":")
	if !ok {
		return "", nil, invalid("dv_method", "must be http, https, dns or email:<addresses>")
	}
	var emails []string
	for _, a := range strings.Split(list, ",") {
		a = strings.TrimSpace(a)
		if aerr := emailParam("dv_method", a); aerr != nil {
			return "", nil, aerr
		}
		emails = append(emails, a)
	}
	return dvEmail, emails, nil
}

func emailParam(param, a string) *apiError {
	addr, err := mail.ParseAddress(a)
	if err != nil || addr.Address != a {
		return invalid(param, "%q is not an email address", a)
	}
	return nil
}

// contactParams reads admin_* (required), tech_* (default: admin) and, for
// products that require an organization, org_* (all required).
func contactParams(p url.Values, prod *product) (orderContacts, *apiError) {
	var c orderContacts
	admin := []*string{&c.AdminFirstName, &c.AdminLastName, nil, &c.AdminTitle, &c.AdminEmail}
	for i, f := range []string{"firstname", "lastname", "phone", "title", "email"} {
		v := strings.TrimSpace(p.Get("admin_" + f))
		if v == "" {
			return c, missing("admin_" + f)
		}
		if admin[i] != nil {
			*admin[i] = v
		} else {
			c.AdminPhone = v
		}
	}
	if aerr := emailParam("admin_email", c.AdminEmail); aerr != nil {
		return c, aerr
	}
	pick := func(param, def string) string {
		if v := strings.TrimSpace(p.Get(param)); v != "" {
			return v
		}
		return def
	}
	c.TechFirstName = pick("tech_firstname", c.AdminFirstName)
	c.TechLastName = pick("tech_lastname", c.AdminLastName)
	c.TechPhone = pick("tech_phone", c.AdminPhone)
	c.TechTitle = pick("tech_title", c.AdminTitle)
	c.TechEmail = pick("tech_email", c.AdminEmail)
	if !prod.OrganizationRequired {
		return c, nil
	}
	org := []struct {
		param string
		set   func(string)
	}{
		{"org_name", func(v string) { c.OrgName = v }},
		{"org_division", func(v string) { c.OrgDivision = v }},
		{"org_addressline", func(v string) { c.OrgAddressLine = v }},
		{"org_city", func(v string) { c.OrgCity = v }},
		{"org_country", func(v string) { c.OrgCountry = v }},
		{"org_phone", func(v string) { c.OrgPhone = v }},
		{"org_postalcode", func(v string) { c.OrgPostalCode = v }},
		{"org_region", func(v string) { c.OrgRegion = v }},
	}
	for _, f := range org {
		v := strings.TrimSpace(p.Get(f.param))
		if v == "" {
			return c, errorf(codeBadRequest, "missing parameter %s (required for product %d)", f.param, prod.ProductID)
		}
		f.set(v)
	}
	return c, nil
}

// csrParams returns the CSR (sent, or generated from csr_*), the generated
// key (nil when a CSR was sent) and the primary domain.
func csrParams(p url.Values, reissue bool, addons string) (csrPEM string, keyPEM []byte, primary string, aerr *apiError) {
	if raw := p.Get("csr"); raw != "" {
		csr, err := authority.ParseCSR([]byte(raw))
		if err != nil {
			return "", nil, "", invalid("csr", "%v", err)
		}
		primary = csrPrimary(csr)
		if primary == "" {
			return "", nil, "", invalid("csr", "no common name and no DNS name")
		}
		if primary, aerr = domainParam("csr", primary); aerr != nil {
			return "", nil, "", aerr
		}
		return raw, nil, primary, nil
	}
	fields := []string{"csr_city", "csr_state", "csr_country", "csr_domain", "csr_organization"}
	if reissue {
		fields = append(fields, "csr_department", "csr_email")
	}
	for _, f := range fields {
		if strings.TrimSpace(p.Get(f)) == "" {
			return "", nil, "", errorf(codeBadRequest, "missing parameter csr (or %s)", f)
		}
	}
	primary, aerr = domainParam("csr_domain", p.Get("csr_domain"))
	if aerr != nil {
		return "", nil, "", aerr
	}
	names := []string{primary}
	for _, d := range splitList(addons) {
		if n, aerr := domainParam("addon_domains", d); aerr == nil {
			names = appendName(names, n)
		}
	}
	keyPEM, csr, err := authority.GenerateKeyAndCSR(names)
	if err != nil {
		return "", nil, "", errorf(codeInternal, "generating key: %v", err)
	}
	return string(csr), keyPEM, primary, nil
}

// domainParam normalises (lower case, no trailing dot) and validates a
// domain name parameter.
func domainParam(param, raw string) (string, *apiError) {
	d, err := dnsname.Normalize(raw)
	switch {
	case errors.Is(err, dnsname.ErrEmpty):
		return "", missing(param)
	case err != nil:
		return "", invalid(param, "%q %v", raw, err)
	}
	return d, nil
}
