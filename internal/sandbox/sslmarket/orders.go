package sslmarket

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	api "github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
)

// order is one order of an account. It is only touched under Server.mu.
type order struct {
	id       int64
	account  string
	product  product
	domain   string
	dnsNames []string // distinct, without domain
	years    int
	csr      string
	voucher  string
	contacts api.Contacts
	state    string
	inserted time.Time

	// Domain control validation. dcvGen changes with method or content, so
	// a check started before an edit is not applied after it.
	method    string
	content   string
	dcvGen    int
	passed    map[string]bool
	validated time.Time // when the last name passed; zero: not yet
	note      string    // sandbox_note: why the order is not progressing

	// The issued certificate.
	leafPEM   []byte
	leaf      *x509.Certificate
	published time.Time

	// A running reissue.
	reissueCSR string
	reissueAt  time.Time
}

// names returns domain followed by the dns_names.
func (o *order) names() []string { return append([]string{o.domain}, o.dnsNames...) }

// placeOrder answers POST /order/certificate/{product_code}.
func (s *Server) placeOrder(c call) (response, *apiError) {
	p, ok := findProduct(c.params[0])
	if !ok {
		return response{}, errorf(http.StatusNotFound, ErrTypeNotFound, "product %s not found", c.params[0])
	}
	if p.ProductType != api.ProductTypeSSL {
		return response{}, errorf(http.StatusBadRequest, ErrTypeNotSupported, "product %s (%s) is not supported by the sandbox", p.ProductCode, p.ProductType)
	}
	var req api.Order
	if aerr := decodeBody(c.r, &req); aerr != nil {
		return response{}, aerr
	}
	o, aerr := s.newOrder(c.account, p, req)
	if aerr != nil {
		return response{}, aerr
	}

	s.mu.Lock()
	s.lastID++
	o.id = s.lastID
	s.orders[o.id] = o
	s.accounts[c.account].Orders++
	if o.method == api.DVAuthEmail {
		s.sendMails(o, o.names())
	}
	s.mu.Unlock()

	s.log.Info("sslmarket order placed", "account", c.account, "orderID", o.id, "product", p.ProductCode,
		"names", o.names(), "dvAuthMethod", o.method)
	return jsonResponse(http.StatusCreated, api.PlaceOrderResponse{OrderID: api.Int(o.id)}), nil
}

// newOrder validates an order insert in the document's field order.
func (s *Server) newOrder(account string, p product, req api.Order) (*order, *apiError) {
	if strings.TrimSpace(req.Domain) == "" {
		return nil, missing("domain")
	}
	if req.Years == 0 {
		return nil, missing("years")
	}
	if strings.TrimSpace(req.CSR) == "" && bool(p.CSRRequired) {
		return nil, missing("csr")
	}
	names, values := req.ContactFields()
	required := api.RequiredContactFields()
	for i, n := range names {
		if slices.Contains(required, n) && strings.TrimSpace(values[i]) == "" {
			return nil, missing(n)
		}
	}

	domain, aerr := domainParam("domain", req.Domain, p.wildcard)
	if aerr != nil {
		return nil, aerr
	}
	var sans []string
	seen := map[string]bool{domain: true}
	for i, raw := range req.DNSNames {
		n, aerr := domainParam(fmt.Sprintf("dns_names[%d]", i), raw, p.wildcard)
		if aerr != nil {
			return nil, aerr
		}
		if !seen[n] {
			seen[n] = true
			sans = append(sans, n)
		}
	}
	if !p.AllowsSANs(len(sans)) {
		return nil, invalid("dns_names", "product %s allows %d to %d SANs, got %d", p.ProductCode, p.MinSANValues, p.MaxSANValues, len(sans))
	}
	if req.Years < 1 || int64(req.Years) > int64(p.MaxYears) {
		return nil, invalid("years", "must be 1 to %d for product %s, got %d", p.MaxYears, p.ProductCode, req.Years)
	}
	method, aerr := dvAuthMethod(req.DVAuthMethod)
	if aerr != nil {
		return nil, aerr
	}
	names2 := append([]string{domain}, sans...)
	if method == api.DVAuthFile {
		for _, n := range names2 {
			if strings.HasPrefix(n, "*.") {
				return nil, invalid("dv_auth_method", "%s cannot validate the wildcard name %s, use %s or %s", api.DVAuthFile, n, api.DVAuthDNS, api.DVAuthEmail)
			}
		}
	}
	if aerr := checkContacts(req.Contacts); aerr != nil {
		return nil, aerr
	}
	if req.CSR != "" {
		if aerr := checkCSR("csr", req.CSR, names2); aerr != nil {
			return nil, aerr
		}
	}
	return &order{
		account:  account,
		product:  p,
		domain:   domain,
		dnsNames: sans,
		years:    req.Years,
		csr:      req.CSR,
		voucher:  req.Voucher,
		contacts: req.Contacts,
		state:    api.StateNew,
		inserted: s.now(),
		method:   method,
		content:  randomString(),
		passed:   map[string]bool{},
	}, nil
}

// dvAuthMethod normalises dv_auth_method (case-insensitive, default
// Email) to the document's spelling.
func dvAuthMethod(m string) (string, *apiError) {
	switch strings.ToLower(strings.TrimSpace(m)) {
	case "", "email":
		return api.DVAuthEmail, nil
	case "file":
		return api.DVAuthFile, nil
	case "dns":
		return api.DVAuthDNS, nil
	}
	return "", invalid("dv_auth_method", "must be %s, %s or %s, got %q", api.DVAuthEmail, api.DVAuthFile, api.DVAuthDNS, m)
}

// checkContacts validates the format of the set contact fields.
func checkContacts(c api.Contacts) *apiError {
	names, values := c.ContactFields()
	for i, n := range names {
		v := values[i]
		if v == "" {
			continue
		}
		switch {
		case strings.TrimSpace(v) == "":
			return invalid(n, "must not be blank")
		case strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }):
			return invalid(n, "must not contain control characters")
		case strings.HasSuffix(n, "_country") && !isCountry(v):
			return invalid(n, "%q is not a two-letter country code (ISO 3166-1 alpha-2)", v)
		case strings.HasSuffix(n, "_email") && !strings.Contains(strings.Trim(v, "@"), "@"):
			return invalid(n, "%q is not an e-mail address", v)
		}
	}
	return nil
}

func isCountry(c string) bool {
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

// checkCSR parses a PEM CSR, checks its signature and key, and that its
// common name, if any, is one of names.
func checkCSR(field, csrPEM string, names []string) *apiError {
	csr, err := authority.ParseCSR([]byte(csrPEM))
	if err != nil {
		return invalid(field, "%v", err)
	}
	switch pub := csr.PublicKey.(type) {
	case *ecdsa.PublicKey, ed25519.PublicKey:
	case *rsa.PublicKey:
		if pub.N.BitLen() < 2048 {
			return invalid(field, "RSA key of %d bits, need at least 2048", pub.N.BitLen())
		}
	default:
		return invalid(field, "unsupported public key type %T", csr.PublicKey)
	}
	if cn := strings.TrimSuffix(strings.ToLower(csr.Subject.CommonName), "."); cn != "" && !slices.Contains(names, cn) {
		return invalid(field, "common name %q is neither the domain nor one of the dns_names", csr.Subject.CommonName)
	}
	return nil
}

// ownOrder returns the caller's order of the id path parameter; another
// account's order is reported as not found. Call with s.mu held.
func (s *Server) ownOrder(c call) (*order, *apiError) {
	id, err := strconv.ParseInt(c.params[0], 10, 64)
	if err != nil || id <= 0 {
		return nil, errorf(http.StatusNotFound, ErrTypeNotFound, "order %s not found", c.params[0])
	}
	o := s.orders[id]
	if o == nil || o.account != c.account {
		return nil, errorf(http.StatusNotFound, ErrTypeNotFound, "order %d not found", id)
	}
	return o, nil
}

// orderList answers GET /order/list.
func (s *Server) orderList(c call) (response, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := api.OrderList{Orders: []api.OrderSummary{}}
	for _, o := range s.orders {
		if o.account != c.account {
			continue
		}
		sum := api.OrderSummary{
			OrderID:        api.Int(o.id),
			ProductType:    o.product.ProductType,
			ProductCode:    o.product.ProductCode,
			Domain:         o.domain,
			DNSNames:       append([]string{}, o.dnsNames...),
			SANsOrderCount: api.Int(len(o.dnsNames)),
			Years:          api.Int(o.years),
			Inserted:       formatTime(o.inserted),
			State:          o.state,
		}
		if o.leaf != nil {
			sum.Published = formatTime(o.published)
			sum.Expired = formatDate(o.leaf.NotAfter)
		}
		list.Orders = append(list.Orders, sum)
	}
	sort.Slice(list.Orders, func(i, j int) bool { return list.Orders[i].OrderID < list.Orders[j].OrderID })
	return jsonResponse(http.StatusOK, list), nil
}

// orderDetails is the body of GET /order/order_id/{id}: the documented
// fields plus the sandbox's explanation of a stalled order.
type orderDetails struct {
	api.OrderDetails
	SandboxNote string `json:"sandbox_note,omitempty"`
}

// orderDetails answers GET /order/order_id/{id}. Polling is what moves an
// order on: it is checked (DCV) and issued here.
func (s *Server) orderDetails(c call) (response, *apiError) {
	if aerr := s.advance(c); aerr != nil {
		return response{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, aerr := s.ownOrder(c)
	if aerr != nil {
		return response{}, aerr
	}
	return jsonResponse(http.StatusOK, s.details(o)), nil
}

// details renders o. Call with s.mu held.
func (s *Server) details(o *order) orderDetails {
	ct := o.contacts
	d := api.OrderDetails{
		ProductType:    o.product.ProductType,
		ProductCode:    o.product.ProductCode,
		Domain:         o.domain,
		DNSNames:       append([]string{}, o.dnsNames...),
		SANsOrderCount: api.Int(len(o.dnsNames)),
		Years:          api.Int(o.years),
		CSR:            o.csr,
		OwnerName:      ct.OwnerName, OwnerStreet: ct.OwnerStreet, OwnerCity: ct.OwnerCity,
		OwnerZip: ct.OwnerZip, OwnerCountry: ct.OwnerCountry, OwnerTel: ct.OwnerTel,
		AuthTitle: ct.AuthTitle, AuthFirstname: ct.AuthFirstname, AuthLastname: ct.AuthLastname,
		AuthTel: ct.AuthTel, AuthEmail: ct.AuthEmail,
		TechTitle: ct.TechTitle, TechFirstname: ct.TechFirstname, TechLastname: ct.TechLastname,
		TechEmail: ct.TechEmail, TechTel: ct.TechTel,
		Inserted:     formatTime(o.inserted),
		DVAuthMethod: o.method,
		State:        o.state,
	}
	if o.method == api.DVAuthFile || o.method == api.DVAuthDNS {
		d.DVAuthContent = o.content
	}
	if o.leaf != nil {
		d.CertificateSerialNumber = serialHex(o.leaf)
		d.Published = formatTime(o.published)
		d.Expired = formatDate(o.leaf.NotAfter)
	}
	if o.state == api.StatePublished && o.leaf != nil {
		days := api.Int(max(0, int64((o.leaf.NotAfter.Sub(s.now())+24*time.Hour-1)/(24*time.Hour))))
		d.DaysRemaining = &days
	}
	if o.years > 1 {
		auto := api.Bool(false)
		d.AutoReissue = &auto
	}
	return orderDetails{OrderDetails: d, SandboxNote: o.note}
}

// editOrder answers PUT /order/order_id/{id}: allowed until the
// certificate is issued.
func (s *Server) editOrder(c call) (response, *apiError) {
	var req api.OrderEdit
	if aerr := decodeBody(c.r, &req); aerr != nil {
		return response{}, aerr
	}
	var method string
	if req.DVAuthMethod != "" {
		var aerr *apiError
		if method, aerr = dvAuthMethod(req.DVAuthMethod); aerr != nil {
			return response{}, aerr
		}
	}
	if aerr := checkContacts(req.Contacts); aerr != nil {
		return response{}, aerr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	o, aerr := s.ownOrder(c)
	if aerr != nil {
		return response{}, aerr
	}
	if o.state != api.StateNew && o.state != api.StateProcessing {
		return response{}, errorf(http.StatusConflict, ErrTypeInvalidState, "order %d can no longer be edited (state %s)", o.id, o.state)
	}
	if method == api.DVAuthFile {
		for _, n := range o.names() {
			if strings.HasPrefix(n, "*.") {
				return response{}, invalid("dv_auth_method", "%s cannot validate the wildcard name %s", api.DVAuthFile, n)
			}
		}
	}
	if req.CSR != "" {
		if aerr := checkCSR("csr", req.CSR, o.names()); aerr != nil {
			return response{}, aerr
		}
		o.csr = req.CSR
	}
	if method != "" && method != o.method {
		o.method = method
		o.content = randomString()
		o.dcvGen++
		o.passed = map[string]bool{}
		o.validated = time.Time{}
		o.note = ""
		if method == api.DVAuthEmail {
			s.sendMails(o, o.names())
		} else {
			s.voidMails(o)
		}
	}
	// Set fields replace the stored ones.
	names, values := req.ContactFields()
	for i, n := range names {
		if values[i] != "" {
			setContact(&o.contacts, n, values[i])
		}
	}
	s.log.Info("sslmarket order edited", "account", c.account, "orderID", o.id, "dvAuthMethod", o.method)
	return emptyResponse(http.StatusOK), nil
}

// setContact sets the contact field with JSON name n.
func setContact(c *api.Contacts, n, v string) {
	fields := map[string]*string{
		"owner_name": &c.OwnerName, "owner_street": &c.OwnerStreet, "owner_city": &c.OwnerCity,
		"owner_zip": &c.OwnerZip, "owner_country": &c.OwnerCountry, "owner_tel": &c.OwnerTel,
		"auth_title": &c.AuthTitle, "auth_firstname": &c.AuthFirstname, "auth_lastname": &c.AuthLastname,
		"auth_tel": &c.AuthTel, "auth_email": &c.AuthEmail,
		"tech_title": &c.TechTitle, "tech_firstname": &c.TechFirstname, "tech_lastname": &c.TechLastname,
		"tech_email": &c.TechEmail, "tech_tel": &c.TechTel,
		"invoice_name": &c.InvoiceName, "invoice_street": &c.InvoiceStreet, "invoice_city": &c.InvoiceCity,
		"invoice_zip": &c.InvoiceZip, "invoice_country": &c.InvoiceCountry, "invoice_email": &c.InvoiceEmail,
		"invoice_ic": &c.InvoiceIC, "invoice_dic": &c.InvoiceDIC,
	}
	if p := fields[n]; p != nil {
		*p = v
	}
}

// domainParam normalises (lower case, no trailing dot) and validates a
// domain name parameter.
func domainParam(field, raw string, wildcardOK bool) (string, *apiError) {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(raw)), ".")
	if d == "" {
		return "", invalid(field, "empty domain name")
	}
	if err := validateDomain(d); err != nil {
		return "", invalid(field, "%q %v", raw, err)
	}
	if strings.HasPrefix(d, "*.") && !wildcardOK {
		return "", invalid(field, "wildcard name %s needs a wildcard product", d)
	}
	return d, nil
}

func validateDomain(d string) error {
	if len(d) > 253 {
		return errors.New("is longer than 253 characters")
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 || (labels[0] == "*" && len(labels) < 3) {
		return errors.New("is not a fully qualified domain name")
	}
	for i, l := range labels {
		if i == 0 && l == "*" {
			continue
		}
		if l == "" || len(l) > 63 {
			return errors.New("has an empty or over-long label")
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return errors.New("has a label starting or ending with '-'")
		}
		for _, c := range l {
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return fmt.Errorf("has invalid character %q", c)
			}
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return errors.New("is an IP address, not a domain name")
	}
	return nil
}

// randomString returns 24 random bytes, base64url encoded (32 characters).
func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
