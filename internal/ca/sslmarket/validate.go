package sslmarket

import "strings"

// validateProductCode accepts what the document's product codes look like
// (letters, digits, '-', '_'): the code becomes a URL path segment.
func validateProductCode(code string) error {
	if code == "" {
		return provider.InvalidArg("productCode", "must not be empty")
	}
	for _, r := range code {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return provider.InvalidArg("productCode", "%q may only contain letters, digits, '-' and '_'", code)
		}
	}
	return nil
}

// checkToken rejects a token that cannot be sent in the X-Auth-Token header.
func checkToken(token string) error {
	switch {
	case token == "":
		return provider.InvalidArg("token", "must not be empty")
	case strings.TrimSpace(token) != token:
		return provider.InvalidArg("token", "must not start or end with blanks")
	case strings.ContainsFunc(token, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return provider.InvalidArg("token", "must not contain control characters")
	}
	return nil
}

func validDVAuthMethod(m string) bool {
	return m == DVAuthEmail || m == DVAuthFile || m == DVAuthDNS
}

func validCountry(c string) bool {
	if len(c) != 2 {
		return false
	}
	for _, r := range c {
		if (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') {
			return false
		}
	}
	return true
}

// contactFields lists the contact fields with their JSON names, in the
// document's order, and whether order insert requires them.
func (c *Contacts) fields() []contactField {
	return []contactField{
		{"owner_name", &c.OwnerName, true},
		{"owner_street", &c.OwnerStreet, true},
		{"owner_city", &c.OwnerCity, true},
		{"owner_zip", &c.OwnerZip, true},
		{"owner_country", &c.OwnerCountry, true},
		{"owner_tel", &c.OwnerTel, true},
		{"auth_title", &c.AuthTitle, true},
		{"auth_firstname", &c.AuthFirstname, true},
		{"auth_lastname", &c.AuthLastname, true},
		{"auth_tel", &c.AuthTel, true},
		{"auth_email", &c.AuthEmail, true},
		{"tech_title", &c.TechTitle, true},
		{"tech_firstname", &c.TechFirstname, true},
		{"tech_lastname", &c.TechLastname, true},
		{"tech_email", &c.TechEmail, true},
		{"tech_tel", &c.TechTel, true},
		{"invoice_name", &c.InvoiceName, true},
		{"invoice_street", &c.InvoiceStreet, true},
		{"invoice_city", &c.InvoiceCity, true},
		{"invoice_zip", &c.InvoiceZip, true},
		{"invoice_country", &c.InvoiceCountry, true},
		{"invoice_email", &c.InvoiceEmail, true},
		{"invoice_ic", &c.InvoiceIC, false},
		{"invoice_dic", &c.InvoiceDIC, false},
	}
}

type contactField struct {
	name     string
	value    *string
	required bool
}

// ContactFields returns the JSON names and values of every contact field,
// in the document's order, for callers that validate or display them.
func (c Contacts) ContactFields() (names, values []string) {
	for _, f := range c.fields() {
		names = append(names, f.name)
		values = append(values, *f.value)
	}
	return names, values
}

// RequiredContactFields lists the JSON names of the contact fields the
// document marks mandatory for an order insert.
func RequiredContactFields() []string {
	var out []string
	for _, f := range (&Contacts{}).fields() {
		if f.required {
			out = append(out, f.name)
		}
	}
	return out
}

// validateContacts checks the contact fields: with required, every
// mandatory one must be set; set countries must be two letters and set
// e-mail addresses must contain '@'. Values must not contain control
// characters.
func validateContacts(c *Contacts, required bool) error {
	for _, f := range c.fields() {
		v := *f.value
		if strings.TrimSpace(v) == "" {
			if required && f.required {
				return provider.InvalidArg(f.name, "is mandatory")
			}
			if v != "" {
				return provider.InvalidArg(f.name, "must not be blank")
			}
			continue
		}
		if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return provider.InvalidArg(f.name, "must not contain control characters")
		}
		switch {
		case strings.HasSuffix(f.name, "_country") && !validCountry(v):
			return provider.InvalidArg(f.name, "%q is not a two-letter country code (ISO 3166-1 alpha-2)", v)
		case strings.HasSuffix(f.name, "_email") && !strings.Contains(v, "@"):
			return provider.InvalidArg(f.name, "%q is not an e-mail address", v)
		}
	}
	return nil
}
