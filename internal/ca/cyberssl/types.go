package cyberssl

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Wire types of the CyberSSL API (shared/seeds/cyberssl-api.txt). JSON names
// are the document's; shapes the document shows only as PHP print_r dumps
// are inferred (assumptions.go). The sandbox has its own, written from the
// same document: the two meet only on the wire.

// Order types of add_ssl_order.
const (
	OrderTypeNew   = "new"
	OrderTypeRenew = "renew"
)

// Domain validation methods. add_ssl_order and reissue_ssl_order take
// "email:" followed by approver addresses (EmailDVMethod); get_dv_options
// also takes DVMethodAll.
const (
	DVMethodHTTP  = "http"
	DVMethodHTTPS = "https"
	DVMethodDNS   = "dns"
	DVMethodEmail = "email"
	DVMethodAll   = "all"
)

// Validation types of a product (validation_type).
const (
	ValidationDV = "dv"
	ValidationOV = "ov"
	ValidationEV = "ev"
)

// DateLayout is the layout of valid_from and valid_till (YYYY-MM-DD).
const DateLayout = "2006-01-02"

// DateTimeLayout is the assumed layout of an order's creation time in
// my_orders (assumptions.go, 12).
const DateTimeLayout = "2006-01-02 15:04:05"

// ErrorResponse is the body of a failure: "success": false, "error_code"
// and "error_message". The document does not say whether error_code is a
// number or a string; the client accepts both (APIError.Code), the sandbox
// sends a number.
type ErrorResponse struct {
	Success      bool   `json:"success"`
	ErrorCode    int    `json:"error_code"`
	ErrorMessage string `json:"error_message"`
}

// AuthResponse is the answer to auth.
type AuthResponse struct {
	Success Bool `json:"success"`
	Token   Text `json:"token"`
}

// Product is one SSL product: an element of list_products and
// ssl_certificates, and the "product" of get_ssl_product_details.
type Product struct {
	ProductID            ID     `json:"product_id"`
	Name                 string `json:"name"`
	Type                 string `json:"type"`
	Brand                string `json:"brand"`
	PriceFor1Year        Amount `json:"price_for_1year"`
	PriceFor2Year        Amount `json:"price_for_2year"`
	PriceFor3Year        Amount `json:"price_for_3year"`
	ValidationType       string `json:"validation_type"`
	IsTrial              Bool   `json:"is_trial"`
	IsMultiDomain        Bool   `json:"is_multi_domain"`
	IsWildcard           Bool   `json:"is_wildcard"`
	Warranty             Amount `json:"warranty"`
	WWWIncluded          Bool   `json:"www_included"`
	MultidomainsMaximum  Int    `json:"multidomains_maximum"`
	MultidomainsIncluded Int    `json:"multidomains_included"`
	UnlimitedServer      Bool   `json:"unlimited_server"`
	OrganizationRequired Bool   `json:"organization_required"`
}

// PriceFor returns price_for_<years>year; false if there is none.
func (p Product) PriceFor(years int) (Amount, bool) {
	var a Amount
	switch years {
	case 1:
		a = p.PriceFor1Year
	case 2:
		a = p.PriceFor2Year
	case 3:
		a = p.PriceFor3Year
	}
	return a, a != ""
}

// ProductList is a list of products: a JSON array, or an object whose
// values are products (assumptions.go, 10).
type ProductList []Product

// UnmarshalJSON implements json.Unmarshaler.
func (l *ProductList) UnmarshalJSON(b []byte) error {
	v, err := decodeList[Product](b)
	*l = v
	return err
}

// ProductsResponse is the answer to list_products and ssl_certificates.
type ProductsResponse struct {
	Success     Bool        `json:"success"`
	SSLProducts ProductList `json:"ssl_products"`
}

// Find returns the product with id.
func (r *ProductsResponse) Find(id ID) (Product, bool) {
	for _, p := range r.SSLProducts {
		if p.ProductID == id {
			return p, true
		}
	}
	return Product{}, false
}

// ProductDetailsResponse is the answer to get_ssl_product_details.
type ProductDetailsResponse struct {
	Success Bool    `json:"success"`
	Product Product `json:"product"`
}

// PriceResponse is the answer to get_ssl_product_price.
type PriceResponse struct {
	Success Bool   `json:"success"`
	Amount  Amount `json:"amount"`
}

// BalanceResponse is the answer to get_balance.
type BalanceResponse struct {
	Success Bool   `json:"success"`
	Balance Amount `json:"balance"`
}

// Contact is an administrative or technical contact of an order.
type Contact struct {
	FirstName string
	LastName  string
	Phone     string
	Title     string
	Email     string
}

// Organization is the org_* block of a business-validated (OV) order.
type Organization struct {
	Name        string
	Division    string
	AddressLine string
	City        string
	Country     string
	Phone       string
	PostalCode  string
	Region      string
}

// CSRSubject are the csr_* fields: the API generates key and CSR from them
// when no CSR is sent, and returns the key (csr_code, private_key).
type CSRSubject struct {
	City         string
	State        string
	Country      string
	Domain       string
	Organization string
	Department   string
	Email        string
}

// Contacts is the "contacts" object of order_status: flat admin_*, tech_*
// and org_* fields.
type Contacts struct {
	AdminFirstName string `json:"admin_firstname"`
	AdminLastName  string `json:"admin_lastname"`
	AdminPhone     Text   `json:"admin_phone"`
	AdminTitle     string `json:"admin_title"`
	AdminEmail     string `json:"admin_email"`
	TechFirstName  string `json:"tech_firstname"`
	TechLastName   string `json:"tech_lastname"`
	TechPhone      Text   `json:"tech_phone"`
	TechTitle      string `json:"tech_title"`
	TechEmail      string `json:"tech_email"`
	OrgName        string `json:"org_name"`
	OrgDivision    string `json:"org_division"`
	OrgAddressLine string `json:"org_addressline"`
	OrgCity        string `json:"org_city"`
	OrgCountry     string `json:"org_country"`
	OrgPhone       Text   `json:"org_phone"`
	OrgPostalCode  Text   `json:"org_postalcode"`
	OrgRegion      string `json:"org_region"`
}

// UnmarshalJSON accepts an empty PHP array ([]) for "no contacts".
func (c *Contacts) UnmarshalJSON(b []byte) error {
	type plain Contacts
	if isNothing(b) {
		*c = Contacts{}
		return nil
	}
	return json.Unmarshal(b, (*plain)(c))
}

// Admin returns the admin_* fields.
func (c Contacts) Admin() Contact {
	return Contact{c.AdminFirstName, c.AdminLastName, string(c.AdminPhone), c.AdminTitle, c.AdminEmail}
}

// Tech returns the tech_* fields.
func (c Contacts) Tech() Contact {
	return Contact{c.TechFirstName, c.TechLastName, string(c.TechPhone), c.TechTitle, c.TechEmail}
}

// Organization returns the org_* fields.
func (c Contacts) Organization() Organization {
	return Organization{c.OrgName, c.OrgDivision, c.OrgAddressLine, c.OrgCity, c.OrgCountry,
		string(c.OrgPhone), string(c.OrgPostalCode), c.OrgRegion}
}

// OrderStatus is the answer to order_status.
type OrderStatus struct {
	Success       Bool   `json:"success"`
	OrderID       ID     `json:"order_id"`
	Status        string `json:"status"`
	ValidFrom     string `json:"valid_from"`
	ValidTill     string `json:"valid_till"`
	Amount        Amount `json:"amount"`
	PrimaryDomain string `json:"primary_domain"`
	Period        Int    `json:"period"`
	CSR           string `json:"csr"`
	// Certificate is the leaf, PEM, once Activated.
	Certificate string `json:"certificate"`
	// CertificateChain is the CA bundle, PEM: intermediates, possibly the
	// root (assumptions.go, 8).
	CertificateChain string     `json:"certificate_chain"`
	DomainsIncluded  StringList `json:"domains_included"`
	SoftwareName     string     `json:"software_name"`
	DVMethod         string     `json:"dv_method"`
	PartnerOrderID   Text       `json:"partner_order_id"`
	Contacts         Contacts   `json:"contacts"`
	OrderLink        string     `json:"order_link"`
}

// Class is StatusClass(Status).
func (s *OrderStatus) Class() string { return StatusClass(s.Status) }

// Names returns primary_domain followed by domains_included, without
// duplicates (compared case-insensitively).
func (s *OrderStatus) Names() []string { return mergeNames(s.PrimaryDomain, s.DomainsIncluded) }

// ValidFromTime parses valid_from (YYYY-MM-DD, UTC midnight).
func (s *OrderStatus) ValidFromTime() (time.Time, error) { return parseDate("valid_from", s.ValidFrom) }

// ValidTillTime parses valid_till (YYYY-MM-DD, UTC midnight).
func (s *OrderStatus) ValidTillTime() (time.Time, error) { return parseDate("valid_till", s.ValidTill) }

func parseDate(field, v string) (time.Time, error) {
	t, err := time.Parse(DateLayout, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, fmt.Errorf("cyberssl: %s %q is not YYYY-MM-DD", field, v)
	}
	return t, nil
}

func mergeNames(primary string, more []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range append([]string{primary}, more...) {
		n = strings.TrimSpace(n)
		k := strings.ToLower(strings.TrimSuffix(n, "."))
		if n == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, n)
	}
	return out
}

// CSRInfo is the "csr" object of validate_csr.
type CSRInfo struct {
	CommonName   string     `json:"common_name"`
	Organization string     `json:"organization"`
	Department   string     `json:"department"`
	City         string     `json:"city"`
	State        string     `json:"state"`
	Country      string     `json:"country"`
	Email        string     `json:"email"`
	SAN          StringList `json:"san"`
	Type         string     `json:"type"`
	KeySize      Int        `json:"keysize"`
	TotalDomains Int        `json:"total_domains"`
}

// ValidateCSRResponse is the answer to validate_csr.
type ValidateCSRResponse struct {
	Success Bool    `json:"success"`
	CSR     CSRInfo `json:"csr"`
}

// ExtraDomainsResponse is the answer to order_extra_domains.
type ExtraDomainsResponse struct {
	Success Bool   `json:"success"`
	Amount  Amount `json:"amount"`
	OrderID ID     `json:"order_id"`
}

// SuccessResponse is an answer carrying nothing but "success" (revalidate).
type SuccessResponse struct {
	Success Bool `json:"success"`
}
