package cyberssl

import "encoding/json"

// Wire types of the CyberSSL API, written from its document
// (shared/seeds/cyberssl-api.txt; its response lists and print_r examples
// are in testdata/, and wire_test.go checks these types against them). The
// issuer's client has its own; the two meet only on the wire. Requests are
// GET query or POST form parameters, read by name where they are handled.
//
// Scalars the document does not type are written as the sandbox chose:
// ids, counts and flags as JSON numbers and booleans, money as a JSON
// number with two decimals, lists of names as one comma-joined string.

// order_type values of add_ssl_order.
const (
	orderTypeNew   = "new"
	orderTypeRenew = "renew"
)

// dv_method values; add_ssl_order and reissue_ssl_order take "email:"
// followed by the approver addresses, get_dv_options also "all".
const (
	dvHTTP  = "http"
	dvHTTPS = "https"
	dvDNS   = "dns"
	dvEmail = "email"
	dvAll   = "all"
)

// validation_type values of a product.
const (
	validationDV = "dv"
	validationOV = "ov"
)

// Order statuses of order_status, as documented.
const (
	statusProcessing         = "Processing"
	statusActivated          = "Activated"
	statusAwaitingValidation = "Awaiting Validation"
	statusExpired            = "Expired"
)

// dateLayout is valid_from and valid_till ("Format(YYYY-MM-DD)");
// dateTimeLayout is my_orders' date_created (not documented; assumed).
const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04:05"
)

// errorResponse is a failure: "'error_code' and 'error_message' variables
// are returned"; the sandbox writes error_code as a number.
type errorResponse struct {
	Success      bool   `json:"success"`
	ErrorCode    int    `json:"error_code"`
	ErrorMessage string `json:"error_message"`
}

// successResponse is an answer carrying nothing but "success" (revalidate).
type successResponse struct {
	Success bool `json:"success"`
}

// authResponse is the answer to auth.
type authResponse struct {
	Success bool   `json:"success"`
	Token   string `json:"token"`
}

// productEntry is one product: the "product" of get_ssl_product_details,
// and (assumed) the elements of ssl_products.
type productEntry struct {
	ProductID            int64       `json:"product_id"`
	Name                 string      `json:"name"`
	Type                 string      `json:"type"`
	Brand                string      `json:"brand"`
	PriceFor3Year        json.Number `json:"price_for_3year"`
	PriceFor2Year        json.Number `json:"price_for_2year"`
	PriceFor1Year        json.Number `json:"price_for_1year"`
	ValidationType       string      `json:"validation_type"`
	IsTrial              bool        `json:"is_trial"`
	IsMultiDomain        bool        `json:"is_multi_domain"`
	IsWildcard           bool        `json:"is_wildcard"`
	Warranty             json.Number `json:"warranty"`
	WWWIncluded          bool        `json:"www_included"`
	MultidomainsMaximum  int         `json:"multidomains_maximum"`
	MultidomainsIncluded int         `json:"multidomains_included"`
	UnlimitedServer      bool        `json:"unlimited_server"`
	OrganizationRequired bool        `json:"organization_required"`
}

// productsResponse is the answer to list_products and ssl_certificates.
type productsResponse struct {
	Success     bool           `json:"success"`
	SSLProducts []productEntry `json:"ssl_products"`
}

// productDetailsResponse is the answer to get_ssl_product_details.
type productDetailsResponse struct {
	Success bool         `json:"success"`
	Product productEntry `json:"product"`
}

// priceResponse is the answer to get_ssl_product_price.
type priceResponse struct {
	Success bool        `json:"success"`
	Amount  json.Number `json:"amount"`
}

// balanceResponse is the answer to get_balance.
type balanceResponse struct {
	Success bool        `json:"success"`
	Balance json.Number `json:"balance"`
}

// dvOptions is "dv_options": per method, per domain, what proves control
// (the print_r examples: http and https files, a dns record line, email
// approver lists).
type dvOptions struct {
	HTTP  map[string]fileOption `json:"http,omitempty"`
	HTTPS map[string]fileOption `json:"https,omitempty"`
	DNS   map[string]dnsOption  `json:"dns,omitempty"`
	Email map[string][]string   `json:"email,omitempty"`
}

type fileOption struct {
	Filename string `json:"filename"`
	Content  string `json:"content"`
	Link     string `json:"link"`
}

type dnsOption struct {
	Record string `json:"record"`
}

// addOrderResponse is the answer to add_ssl_order and reissue_ssl_order:
// csr_code and private_key only when the sandbox generated the CSR,
// dv_options only for http, https and dns.
type addOrderResponse struct {
	Success    bool       `json:"success"`
	OrderID    int64      `json:"order_id"`
	CSRCode    string     `json:"csr_code,omitempty"`
	PrivateKey string     `json:"private_key,omitempty"`
	DVOptions  *dvOptions `json:"dv_options,omitempty"`
}

// csrInfo is the "csr" of validate_csr; san is comma-joined.
type csrInfo struct {
	CommonName   string `json:"common_name"`
	Organization string `json:"organization"`
	Department   string `json:"department"`
	City         string `json:"city"`
	State        string `json:"state"`
	Country      string `json:"country"`
	Email        string `json:"email"`
	SAN          string `json:"san"`
	Type         string `json:"type"`
	KeySize      int    `json:"keysize"`
	TotalDomains int    `json:"total_domains"`
}

// validateCSRResponse is the answer to validate_csr.
type validateCSRResponse struct {
	Success bool    `json:"success"`
	CSR     csrInfo `json:"csr"`
}

// dvOptionsResponse is the answer to get_dv_options.
type dvOptionsResponse struct {
	Success   bool      `json:"success"`
	OrderID   int64     `json:"order_id"`
	DVOptions dvOptions `json:"dv_options"`
}

// changeDVMethodResponse is the answer to change_dv_method.
type changeDVMethodResponse struct {
	Success   bool       `json:"success"`
	DVOptions *dvOptions `json:"dv_options,omitempty"`
}

// orderContacts is the "contacts" of order_status.
type orderContacts struct {
	AdminFirstName string `json:"admin_firstname"`
	AdminPhone     string `json:"admin_phone"`
	AdminLastName  string `json:"admin_lastname"`
	AdminTitle     string `json:"admin_title"`
	AdminEmail     string `json:"admin_email"`
	TechFirstName  string `json:"tech_firstname"`
	TechPhone      string `json:"tech_phone"`
	TechLastName   string `json:"tech_lastname"`
	TechTitle      string `json:"tech_title"`
	TechEmail      string `json:"tech_email"`
	OrgName        string `json:"org_name"`
	OrgDivision    string `json:"org_division"`
	OrgAddressLine string `json:"org_addressline"`
	OrgCity        string `json:"org_city"`
	OrgCountry     string `json:"org_country"`
	OrgPhone       string `json:"org_phone"`
	OrgPostalCode  string `json:"org_postalcode"`
	OrgRegion      string `json:"org_region"`
}

// orderStatusResponse is the answer to order_status; domains_included is
// comma-joined.
type orderStatusResponse struct {
	Success          bool          `json:"success"`
	OrderID          int64         `json:"order_id"`
	Status           string        `json:"status"`
	ValidFrom        string        `json:"valid_from"`
	ValidTill        string        `json:"valid_till"`
	Amount           json.Number   `json:"amount"`
	PrimaryDomain    string        `json:"primary_domain"`
	Period           int           `json:"period"`
	CSR              string        `json:"csr"`
	Certificate      string        `json:"certificate"`
	CertificateChain string        `json:"certificate_chain"`
	DomainsIncluded  string        `json:"domains_included"`
	SoftwareName     string        `json:"software_name"`
	DVMethod         string        `json:"dv_method"`
	PartnerOrderID   string        `json:"partner_order_id"`
	Contacts         orderContacts `json:"contacts"`
	OrderLink        string        `json:"order_link"`
}

// orderSummary is one element of my_orders' ssl_orders. The document
// says only "List of your ssl orders"; the sandbox writes order_status's
// fields that identify and date an order, plus product_id and
// date_created (UTC, dateTimeLayout).
type orderSummary struct {
	OrderID         int64       `json:"order_id"`
	ProductID       int64       `json:"product_id"`
	Status          string      `json:"status"`
	PrimaryDomain   string      `json:"primary_domain"`
	DomainsIncluded string      `json:"domains_included"`
	Period          int         `json:"period"`
	Amount          json.Number `json:"amount"`
	DateCreated     string      `json:"date_created"`
	ValidFrom       string      `json:"valid_from"`
	ValidTill       string      `json:"valid_till"`
	DVMethod        string      `json:"dv_method"`
	PartnerOrderID  string      `json:"partner_order_id"`
}

// ordersResponse is the answer to my_orders.
type ordersResponse struct {
	Success   bool           `json:"success"`
	SSLOrders []orderSummary `json:"ssl_orders"`
}

// extraDomainsResponse is the answer to order_extra_domains.
type extraDomainsResponse struct {
	Success bool        `json:"success"`
	Amount  json.Number `json:"amount"`
	OrderID int64       `json:"order_id"`
}
