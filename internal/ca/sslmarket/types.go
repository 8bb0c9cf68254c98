package sslmarket

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Wire types of the SSLmarket REST API (shared/seeds/sslmarket-api.txt).
// JSON names are exactly the document's. The sandbox has its own, written
// from the same document: the two meet only on the wire.

// Product types of GET /product/list.
const (
	ProductTypeSSL    = "ssl_certificate"
	ProductTypeClient = "client_certificate"
)

// Validation types of GET /product/list.
const (
	ValidateDV = "dv"
	ValidateOV = "ov"
	ValidateEV = "ev"
)

// Domain control validation methods (dv_auth_method), spelled as the
// document spells them. The API's default is DVAuthEmail.
const (
	DVAuthEmail = "Email"
	DVAuthFile  = "FILE"
	DVAuthDNS   = "DNS"
)

// DCVFilePath is where the FILE method's dv_auth_content is published on
// every name of the order (assumption 7, DigiCert's convention): the body of
// http://<name>/.well-known/pki-validation/fileauth.txt is the content.
const DCVFilePath = "/.well-known/pki-validation/fileauth.txt"

// Download formats of GET /certificate/order_id/{id}/format/{format}.
const (
	// FormatPEMServer is the leaf certificate alone, PEM.
	FormatPEMServer = "pem_server"
	// FormatPEMIntermediate is the leaf followed by its issuing
	// intermediate, PEM.
	FormatPEMIntermediate = "pem_intermediate"
	// FormatP7B is the leaf with its chain (intermediate + root) as binary
	// PKCS#7.
	FormatP7B = "p7b"
)

// OCSP outcomes of POST /tool/ocsp.
const (
	OCSPGood    = "good"
	OCSPRevoked = "revoked"
)

// ProductList is the body of GET /product/list.
type ProductList struct {
	Products []Product `json:"products"`
}

// Product is one orderable product. The document's table and example
// disagree on some types (min_san_values is "int" but "0" in the example),
// so numbers and booleans are decoded leniently (Int, Bool).
type Product struct {
	ProductType  string `json:"product_type"`
	ProductCode  string `json:"product_code"`
	Title        string `json:"title"`
	Type         string `json:"type"`
	ValidateType string `json:"validate_type"`
	CSRRequired  Bool   `json:"csr_required"`
	MaxYears     Int    `json:"max_years"`
	MinSANValues Int    `json:"min_san_values"`
	MaxSANValues Int    `json:"max_san_values"`
}

// Contacts are the owner_, auth_, tech_ and invoice_ fields shared by order
// insert (where the document marks all but invoice_ic and invoice_dic
// mandatory) and order edit (where all are optional). Empty fields are left
// out of the request.
type Contacts struct {
	OwnerName    string `json:"owner_name,omitempty"`
	OwnerStreet  string `json:"owner_street,omitempty"`
	OwnerCity    string `json:"owner_city,omitempty"`
	OwnerZip     string `json:"owner_zip,omitempty"`
	OwnerCountry string `json:"owner_country,omitempty"`
	OwnerTel     string `json:"owner_tel,omitempty"`

	AuthTitle     string `json:"auth_title,omitempty"`
	AuthFirstname string `json:"auth_firstname,omitempty"`
	AuthLastname  string `json:"auth_lastname,omitempty"`
	AuthTel       string `json:"auth_tel,omitempty"`
	AuthEmail     string `json:"auth_email,omitempty"`

	TechTitle     string `json:"tech_title,omitempty"`
	TechFirstname string `json:"tech_firstname,omitempty"`
	TechLastname  string `json:"tech_lastname,omitempty"`
	TechEmail     string `json:"tech_email,omitempty"`
	TechTel       string `json:"tech_tel,omitempty"`

	InvoiceName    string `json:"invoice_name,omitempty"`
	InvoiceStreet  string `json:"invoice_street,omitempty"`
	InvoiceCity    string `json:"invoice_city,omitempty"`
	InvoiceZip     string `json:"invoice_zip,omitempty"`
	InvoiceCountry string `json:"invoice_country,omitempty"`
	InvoiceEmail   string `json:"invoice_email,omitempty"`
	InvoiceIC      string `json:"invoice_ic,omitempty"`
	InvoiceDIC     string `json:"invoice_dic,omitempty"`
}

// Order is the body of POST /order/certificate/{product_code}. Domain is
// the certificate's main name; DNSNames are the additional names (SANs).
type Order struct {
	Domain       string   `json:"domain"`
	DNSNames     []string `json:"dns_names,omitempty"`
	Years        int      `json:"years"`
	CSR          string   `json:"csr,omitempty"`
	Voucher      string   `json:"voucher,omitempty"`
	DVAuthMethod string   `json:"dv_auth_method,omitempty"`
	Contacts
}

// PlaceOrderResponse is the answer (201) to an order insert.
type PlaceOrderResponse struct {
	OrderID Int `json:"order_id"`
}

// OrderList is the body of GET /order/list.
type OrderList struct {
	Orders []OrderSummary `json:"orders"`
}

// OrderSummary is one order of the list. Published and Expired are empty
// until the certificate is issued.
type OrderSummary struct {
	OrderID Int `json:"order_id"`
	OrderItem
	Inserted  string `json:"inserted"`
	Published string `json:"published,omitempty"`
	Expired   string `json:"expired,omitempty"`
	State     string `json:"state"`
}

// OrderItem is what was ordered: the fields that open both an entry of
// GET /order/list and the body of GET /order/order_id/{id}, in the
// documents' order.
type OrderItem struct {
	ProductType    string   `json:"product_type"`
	ProductCode    string   `json:"product_code"`
	Domain         string   `json:"domain"`
	DNSNames       []string `json:"dns_names"`
	SANsOrderCount Int      `json:"sans_order_count"`
	Years          Int      `json:"years"`
}

// Names returns Domain followed by the DNSNames that differ from it and
// from each other (case-insensitively), in order.
func (o OrderItem) Names() []string { return orderNames(o.Domain, o.DNSNames) }

// InsertedAt parses Inserted (see ParseTime).
func (o OrderSummary) InsertedAt() (time.Time, error) { return ParseTime(o.Inserted) }

// OrderDetails is the body of GET /order/order_id/{id}. The document lists
// no order_id in it. DVAuthContent is present only for FILE and DNS,
// DaysRemaining only in the issued state, AutoReissue only for multi-year
// orders.
type OrderDetails struct {
	OrderItem
	CSR                     string `json:"csr"`
	CertificateSerialNumber string `json:"certificate_serial_number"`

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

	Inserted      string `json:"inserted"`
	Published     string `json:"published,omitempty"`
	Expired       string `json:"expired,omitempty"`
	DVAuthMethod  string `json:"dv_auth_method,omitempty"`
	DVAuthContent string `json:"dv_auth_content,omitempty"`
	State         string `json:"state"`
	DaysRemaining *Int   `json:"days_remaining,omitempty"`
	AutoReissue   *Bool  `json:"auto_reissue,omitempty"`
}

// InsertedAt parses Inserted (see ParseTime).
func (o OrderDetails) InsertedAt() (time.Time, error) { return ParseTime(o.Inserted) }

// OrderEdit is the body of PUT /order/order_id/{id}. Every field is
// optional; empty fields are left out and stay unchanged.
type OrderEdit struct {
	CSR          string `json:"csr,omitempty"`
	DVAuthMethod string `json:"dv_auth_method,omitempty"`
	Contacts
}

// ReissueRequest is the body of POST /certificate/order_id/{id}/reissue.
type ReissueRequest struct {
	CSR string `json:"csr"`
}

// DecodeCSRRequest is the body of POST /tool/decoder/csr.
type DecodeCSRRequest struct {
	CSR string `json:"csr"`
}

// DecodeCSRResponse is the answer of POST /tool/decoder/csr.
type DecodeCSRResponse struct {
	CSR DecodedCSR `json:"csr"`
}

// DecodedCSR is what the CSR decoder read from a CSR.
type DecodedCSR struct {
	Subject CSRSubject `json:"subject"`
	PKey    PublicKey  `json:"pkey"`
	SANs    []string   `json:"sans"`
}

// CSRSubject is the subject of a decoded CSR.
type CSRSubject struct {
	CN string `json:"CN,omitempty"`
	O  string `json:"O,omitempty"`
	L  string `json:"L,omitempty"`
	ST string `json:"ST,omitempty"`
	C  string `json:"C,omitempty"`
	OU string `json:"OU,omitempty"`
}

// PublicKey describes a decoded public key. "alghoritm" is the document's
// spelling; its value is a name in the CSR decoder and an int in the
// certificate decoder, so it is decoded as Text.
type PublicKey struct {
	Length    Text   `json:"length"`
	Algorithm Text   `json:"alghoritm"`
	PKey      string `json:"pkey"`
}

// DecodeCertificateRequest is the body of POST /tool/decoder/certificate.
type DecodeCertificateRequest struct {
	Certificate string `json:"certificate"`
}

// DecodeCertificateResponse is the answer of POST /tool/decoder/certificate.
type DecodeCertificateResponse struct {
	Certificate DecodedCertificate `json:"certificate"`
}

// DecodedCertificate is what the certificate decoder read from a
// certificate. PKey's shape is not documented beyond "array" and is kept
// raw.
type DecodedCertificate struct {
	Owner           CertificateOwner `json:"owner"`
	Length          Text             `json:"length"`
	Algorithm       Text             `json:"alghoritm"`
	PKey            json.RawMessage  `json:"pkey,omitempty"`
	SANs            []string         `json:"sans"`
	ValidFrom       string           `json:"valid_from"`
	ValidTo         string           `json:"valid_to"`
	SerialNumber    Text             `json:"serial_number"`
	SerialNumberHex string           `json:"serial_number_hex"`
}

// CertificateOwner is the subject of a decoded certificate.
type CertificateOwner struct {
	Domain       string `json:"domain"`
	Organization string `json:"organization,omitempty"`
	City         string `json:"city,omitempty"`
	Locality     string `json:"locality,omitempty"`
	Country      string `json:"country,omitempty"`
}

// OCSPRequest is the body of POST /tool/ocsp.
type OCSPRequest struct {
	Certificate string `json:"certificate"`
}

// OCSPResponse is the answer of POST /tool/ocsp: Status is OCSPGood or
// OCSPRevoked.
type OCSPResponse struct {
	Status     string `json:"status"`
	ThisUpdate string `json:"this_update"`
	NextUpdate string `json:"next_update"`
}

// ErrorResponse is the body of a 4XX answer. The document says only that
// it holds "the type of error (string) and its description"; the field
// names are assumed (assumption 3).
type ErrorResponse struct {
	Error       string `json:"error"`
	Description string `json:"description"`
}

// Int is an integer that decodes from a JSON number, a numeric string
// ("250"), "" or null (both 0). It encodes as a number.
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*n = 0
			return nil
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// Tolerate "6.0" but not "6.5".
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return fmt.Errorf("sslmarket: %s is not an integer", b)
		}
		v = int64(f)
	}
	*n = Int(v)
	return nil
}

// Bool is a boolean that decodes from true/false, "true"/"false", "1"/"0",
// 1/0, "" or null (both false). It encodes as a JSON boolean.
type Bool bool

// UnmarshalJSON implements json.Unmarshaler.
func (v *Bool) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.TrimSpace(string(b)), `"`)
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes":
		*v = true
	case "false", "0", "no", "", "null":
		*v = false
	default:
		return fmt.Errorf("sslmarket: %s is not a boolean", b)
	}
	return nil
}

// Text is a string that also decodes from a JSON number or boolean (kept as
// written) and from null (""). It encodes as a string.
type Text string

// UnmarshalJSON implements json.Unmarshaler.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*t = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	case len(b) > 0 && (b[0] == '{' || b[0] == '['):
		return fmt.Errorf("sslmarket: expected a string or number, got %.20s", b)
	default:
		*t = Text(b)
	}
	return nil
}

// Time layouts tried by ParseTime, most specific first.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"02.01.2006 15:04:05",
	"02.01.2006",
}

// ParseTime parses a datetime or date field (inserted, published, expired).
// The document does not give the format; RFC 3339 and "2006-01-02
// 15:04:05" (and a few more) are accepted. A value without a zone offset is
// taken as UTC (assumption 11: the server's zone is unknown, callers
// comparing it with their own clock must allow slack).
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("sslmarket: empty time")
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("sslmarket: unrecognized time %q", s)
}

// orderNames returns domain followed by the names of sans that differ from
// it and from each other, ignoring case and a trailing dot.
func orderNames(domain string, sans []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		k := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(n)), ".")
		if k == "" || seen[k] {
			return
		}
		seen[k] = true
		out = append(out, strings.TrimSpace(n))
	}
	add(domain)
	for _, n := range sans {
		add(n)
	}
	return out
}
