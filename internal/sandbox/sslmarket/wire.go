package sslmarket

import "reflect"

// Wire types of the SSLmarket REST API, written from its document
// (shared/seeds/sslmarket-api.txt; its example and field tables are in
// testdata/, and wire_test.go checks these types against them). The
// issuer's client has its own; the two meet only on the wire.

// tokenHeader carries the API key ("X-Auth-Token").
const tokenHeader = "X-Auth-Token" //nolint:gosec // a header name, not a credential

// Product types and validation types of GET /product/list.
const (
	productTypeSSL    = "ssl_certificate"
	productTypeClient = "client_certificate"
	validateDV        = "dv"
	validateOV        = "ov"
)

// dv_auth_method values, spelled as the document spells them; the
// default is Email.
const (
	dvAuthEmail = "Email"
	dvAuthFile  = "FILE"
	dvAuthDNS   = "DNS"
)

// Download formats of GET /certificate/order_id/{id}/format/{format}.
const (
	formatPEMServer       = "pem_server"
	formatPEMIntermediate = "pem_intermediate"
	formatP7B             = "p7b"
)

// ocspGood is the OCSP outcome of a valid certificate ("good or revoked").
const ocspGood = "good"

// productList is the answer to GET /product/list. The document's example
// writes every number and flag as a string ("max_years": "6",
// "csr_required": "true"), and so does the sandbox.
type productList struct {
	Products []productEntry `json:"products"`
}

type productEntry struct {
	ProductType  string `json:"product_type"`
	ProductCode  string `json:"product_code"`
	Type         string `json:"type"`
	Title        string `json:"title"`
	ValidateType string `json:"validate_type"`
	CSRRequired  string `json:"csr_required"`
	MaxYears     string `json:"max_years"`
	MinSANValues string `json:"min_san_values"`
	MaxSANValues string `json:"max_san_values"`
}

// contacts are the owner_, auth_, tech_ and invoice_ fields of an order
// insert (all mandatory but invoice_ic and invoice_dic) and of an edit
// (all optional).
type contacts struct {
	people
	InvoiceName    string `json:"invoice_name"`
	InvoiceStreet  string `json:"invoice_street"`
	InvoiceCity    string `json:"invoice_city"`
	InvoiceZip     string `json:"invoice_zip"`
	InvoiceCountry string `json:"invoice_country"`
	InvoiceEmail   string `json:"invoice_email"`
	InvoiceIC      string `json:"invoice_ic"`
	InvoiceDIC     string `json:"invoice_dic"`
}

// people are the owner_, auth_ and tech_ fields: the contacts order
// details show (they leave out the invoice).
type people struct {
	OwnerName    string `json:"owner_name"`
	OwnerStreet  string `json:"owner_street"`
	OwnerCity    string `json:"owner_city"`
	OwnerZip     string `json:"owner_zip"`
	OwnerCountry string `json:"owner_country"`
	OwnerTel     string `json:"owner_tel"`

	AuthTitle     string `json:"auth_title"`
	AuthFirstname string `json:"auth_firstname"`
	AuthLastname  string `json:"auth_lastname"`
	AuthTel       string `json:"auth_tel"`
	AuthEmail     string `json:"auth_email"`

	TechTitle     string `json:"tech_title"`
	TechFirstname string `json:"tech_firstname"`
	TechLastname  string `json:"tech_lastname"`
	TechEmail     string `json:"tech_email"`
	TechTel       string `json:"tech_tel"`
}

// optionalContacts are the contact fields an order insert may leave out.
var optionalContacts = map[string]bool{"invoice_ic": true, "invoice_dic": true}

// contactField is one contact field: its JSON name and value.
type contactField struct {
	name  string
	value *string
}

// fields returns every contact field in the document's order.
func (c *contacts) fields() []contactField {
	var out []contactField
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		for i := range v.NumField() {
			if f := v.Field(i); f.Kind() == reflect.Struct {
				walk(f)
			} else {
				out = append(out, contactField{name: v.Type().Field(i).Tag.Get("json"), value: f.Addr().Interface().(*string)})
			}
		}
	}
	walk(reflect.ValueOf(c).Elem())
	return out
}

// orderRequest is the body of POST /order/certificate/{product_code}.
type orderRequest struct {
	Domain       string   `json:"domain"`
	DNSNames     []string `json:"dns_names"`
	Years        int      `json:"years"`
	CSR          string   `json:"csr"`
	Voucher      string   `json:"voucher"`
	DVAuthMethod string   `json:"dv_auth_method"`
	contacts
}

// placeOrderResponse is the answer (201) to an order insert.
type placeOrderResponse struct {
	OrderID int64 `json:"order_id"`
}

// orderListResponse is the answer to GET /order/list. published and
// expired are left out until the certificate is issued.
type orderListResponse struct {
	Orders []orderSummary `json:"orders"`
}

type orderSummary struct {
	OrderID int64 `json:"order_id"`
	orderItem
	Inserted  string `json:"inserted"`
	Published string `json:"published,omitempty"`
	Expired   string `json:"expired,omitempty"`
	State     string `json:"state"`
}

// orderItem is what was ordered: the fields that open both an order/list
// entry and the order details, in the documents' order.
type orderItem struct {
	ProductType    string   `json:"product_type"`
	ProductCode    string   `json:"product_code"`
	Domain         string   `json:"domain"`
	DNSNames       []string `json:"dns_names"`
	SANsOrderCount int      `json:"sans_order_count"`
	Years          int      `json:"years"`
}

// detailsResponse is the answer to GET /order/order_id/{id}: no order_id
// and no invoice fields, as documented. dv_auth_content is there for FILE
// and DNS only, days_remaining in the issued state only, auto_reissue for
// multi-year orders only. sandbox_note is the sandbox's addition: why the
// order is not progressing.
type detailsResponse struct {
	orderItem
	CSR                     string `json:"csr"`
	CertificateSerialNumber string `json:"certificate_serial_number"`

	people

	Inserted      string `json:"inserted"`
	Published     string `json:"published,omitempty"`
	Expired       string `json:"expired,omitempty"`
	DVAuthMethod  string `json:"dv_auth_method,omitempty"`
	DVAuthContent string `json:"dv_auth_content,omitempty"`
	State         string `json:"state"`
	DaysRemaining *int   `json:"days_remaining,omitempty"`
	AutoReissue   *bool  `json:"auto_reissue,omitempty"`

	SandboxNote string `json:"sandbox_note,omitempty"`
}

// orderEdit is the body of PUT /order/order_id/{id}: every field optional,
// empty ones unchanged.
type orderEdit struct {
	CSR          string `json:"csr"`
	DVAuthMethod string `json:"dv_auth_method"`
	contacts
}

// reissueRequest is the body of POST /certificate/order_id/{id}/reissue.
type reissueRequest struct {
	CSR string `json:"csr"`
}

// csrRequest is the body of POST /tool/decoder/csr.
type csrRequest struct {
	CSR string `json:"csr"`
}

// certificateRequest is the body of POST /tool/decoder/certificate and
// POST /tool/ocsp.
type certificateRequest struct {
	Certificate string `json:"certificate"`
}

// decodedCSRResponse is the answer of the CSR decoder.
type decodedCSRResponse struct {
	CSR decodedCSR `json:"csr"`
}

type decodedCSR struct {
	Subject csrSubject `json:"subject"`
	PKey    publicKey  `json:"pkey"`
	SANs    []string   `json:"sans"`
}

type csrSubject struct {
	CN string `json:"CN,omitempty"`
	O  string `json:"O,omitempty"`
	L  string `json:"L,omitempty"`
	ST string `json:"ST,omitempty"`
	C  string `json:"C,omitempty"`
	OU string `json:"OU,omitempty"`
}

// publicKey is a decoded key; "alghoritm" is the document's spelling.
type publicKey struct {
	Length    string `json:"length"`
	Algorithm string `json:"alghoritm"`
	PKey      string `json:"pkey"`
}

// decodedCertificateResponse is the answer of the certificate decoder.
type decodedCertificateResponse struct {
	Certificate decodedCertificate `json:"certificate"`
}

// decodedCertificate: "alghoritm" is an int as documented (PHP's
// OPENSSL_KEYTYPE_*: 0 RSA, 3 EC; -1 for other keys); pkey, documented as
// "array", is an object like the CSR decoder's.
type decodedCertificate struct {
	Owner           certificateOwner `json:"owner"`
	Length          string           `json:"length"`
	Algorithm       int              `json:"alghoritm"`
	PKey            publicKey        `json:"pkey"`
	SANs            []string         `json:"sans"`
	ValidFrom       string           `json:"valid_from"`
	ValidTo         string           `json:"valid_to"`
	SerialNumber    string           `json:"serial_number"`
	SerialNumberHex string           `json:"serial_number_hex"`
}

type certificateOwner struct {
	Domain       string `json:"domain"`
	Organization string `json:"organization,omitempty"`
	City         string `json:"city,omitempty"`
	Locality     string `json:"locality,omitempty"`
	Country      string `json:"country,omitempty"`
}

// ocspResponse is the answer of POST /tool/ocsp.
type ocspResponse struct {
	Status     string `json:"status"`
	ThisUpdate string `json:"this_update"`
	NextUpdate string `json:"next_update"`
}

// errorResponse is the body of a 4XX answer: the document says it holds
// "the type of error (string) and its description"; the names are assumed.
type errorResponse struct {
	Error       string `json:"error"`
	Description string `json:"description"`
}

// Order states ("state"). The document names only the issued one
// ("state=published"); the others are the sandbox's (see the package doc).
const (
	stateNew        = "new"
	stateProcessing = "processing"
	statePublished  = "published"
	stateReissue    = "reissue"
	stateRejected   = "rejected"
	stateExpired    = "expired"
)
