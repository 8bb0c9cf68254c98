package cyberssl

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// OrderRequest are the parameters of add_ssl_order.
type OrderRequest struct {
	// ProductID is the SSL product (list_products).
	ProductID ID
	// OrderType is OrderTypeNew or OrderTypeRenew.
	OrderType string
	// Period in years.
	Period int
	// DVMethod is DVMethodHTTP, DVMethodHTTPS, DVMethodDNS, or
	// EmailDVMethod(...) with one approver address per domain.
	DVMethod string
	// AddonDomains are the names besides the CSR's common name (multi-domain
	// products); sent comma-separated.
	AddonDomains []string
	// Admin is the administrative contact (all fields required).
	Admin Contact
	// Tech is the technical contact; nil: the API uses Admin.
	Tech *Contact
	// CSR is the PEM certificate request. Leave it empty only to have the
	// API generate key and CSR from GenerateCSR: the key then leaves the
	// API in the answer (PrivateKey).
	CSR string
	// GenerateCSR are the csr_* fields, used (and required) only without
	// CSR.
	GenerateCSR *CSRSubject
	// Org is the org_* block, required by business-validated products.
	Org *Organization
}

// ReissueRequest are the parameters of reissue_ssl_order.
type ReissueRequest struct {
	OrderID      ID
	DVMethod     string
	AddonDomains []string
	CSR          string
	// GenerateCSR are the csr_* fields, used (and all required) only
	// without CSR.
	GenerateCSR *CSRSubject
}

// AddOrderResponse is the answer to add_ssl_order and reissue_ssl_order.
type AddOrderResponse struct {
	Success Bool `json:"success"`
	OrderID ID   `json:"order_id"`
	// CSRCode and PrivateKey are returned only when the API generated the
	// CSR (no csr sent).
	CSRCode    string `json:"csr_code,omitempty"`
	PrivateKey string `json:"private_key,omitempty"`
	// DVOptions are returned for http, https and dns validation.
	DVOptions DVOptions `json:"dv_options,omitzero"`
}

// UnmarshalJSON reads "dv_options", or, if absent, http/https/dns at the
// top level as the document's example shows them (assumptions.go, 6).
func (r *AddOrderResponse) UnmarshalJSON(b []byte) error {
	type plain AddOrderResponse
	if err := json.Unmarshal(b, (*plain)(r)); err != nil {
		return err
	}
	return topLevelOptions(b, &r.DVOptions)
}

// EmailDVMethod returns the dv_method for email validation:
// "email:" + the addresses, comma-separated, one per domain.
func EmailDVMethod(addresses ...string) string {
	return DVMethodEmail + ":" + strings.Join(addresses, ",")
}

// AddOrder places (and pays for) an order (POST add_ssl_order). Arguments
// are checked before anything is sent. An answer without order_id wraps
// rest.ErrMalformedResponse: the order may exist, so look for it in Orders
// before ordering again.
func (c *Client) AddOrder(ctx context.Context, req OrderRequest) (*AddOrderResponse, error) {
	p, err := req.params()
	if err != nil {
		return nil, err
	}
	var out AddOrderResponse
	if err := c.call(ctx, http.MethodPost, endpointAddOrder, p, &out); err != nil {
		return nil, err
	}
	if out.OrderID <= 0 {
		return nil, c.Malformed(endpointAddOrder, nil, `answered "success": true without "order_id"`)
	}
	return &out, nil
}

// Reissue reissues an order within its period with a new CSR (POST
// reissue_ssl_order). The order keeps its id (assumptions.go, 11).
func (c *Client) Reissue(ctx context.Context, req ReissueRequest) (*AddOrderResponse, error) {
	if err := provider.CheckID("OrderID", int64(req.OrderID)); err != nil {
		return nil, err
	}
	p := url.Values{"order_id": {req.OrderID.String()}}
	if err := setDVMethod(p, req.DVMethod); err != nil {
		return nil, err
	}
	if err := setAddonDomains(p, req.AddonDomains); err != nil {
		return nil, err
	}
	if err := setCSR(p, req.CSR, req.GenerateCSR, true); err != nil {
		return nil, err
	}
	var out AddOrderResponse
	if err := c.call(ctx, http.MethodPost, endpointReissue, p, &out); err != nil {
		return nil, err
	}
	if out.OrderID == 0 {
		out.OrderID = req.OrderID
	}
	return &out, nil
}

func (r OrderRequest) params() (url.Values, error) {
	if err := provider.CheckID("ProductID", int64(r.ProductID)); err != nil {
		return nil, err
	}
	if r.OrderType != OrderTypeNew && r.OrderType != OrderTypeRenew {
		return nil, provider.InvalidArg("OrderType", "must be %q or %q, got %q", OrderTypeNew, OrderTypeRenew, r.OrderType)
	}
	if r.Period < 1 || r.Period > 10 {
		return nil, provider.InvalidArg("Period", "must be 1 to 10 years, got %d", r.Period)
	}
	p := url.Values{
		"product_id": {r.ProductID.String()},
		"order_type": {r.OrderType},
		"period":     {strconv.Itoa(r.Period)},
	}
	if err := setDVMethod(p, r.DVMethod); err != nil {
		return nil, err
	}
	if err := setAddonDomains(p, r.AddonDomains); err != nil {
		return nil, err
	}
	if err := setContact(p, "admin", "Admin", r.Admin); err != nil {
		return nil, err
	}
	if r.Tech != nil {
		if err := setContact(p, "tech", "Tech", *r.Tech); err != nil {
			return nil, err
		}
	}
	if err := setCSR(p, r.CSR, r.GenerateCSR, false); err != nil {
		return nil, err
	}
	if r.Org != nil {
		o := r.Org
		for _, f := range []struct{ param, field, v string }{
			{"org_name", "Name", o.Name}, {"org_division", "Division", o.Division},
			{"org_addressline", "AddressLine", o.AddressLine}, {"org_city", "City", o.City},
			{"org_country", "Country", o.Country}, {"org_phone", "Phone", o.Phone},
			{"org_postalcode", "PostalCode", o.PostalCode}, {"org_region", "Region", o.Region},
		} {
			if err := setRequired(p, f.param, "Org."+f.field, f.v); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

func setContact(p url.Values, prefix, field string, c Contact) error {
	for _, f := range []struct{ param, field, v string }{
		{"firstname", "FirstName", c.FirstName}, {"lastname", "LastName", c.LastName},
		{"phone", "Phone", c.Phone}, {"title", "Title", c.Title}, {"email", "Email", c.Email},
	} {
		if err := setRequired(p, prefix+"_"+f.param, field+"."+f.field, f.v); err != nil {
			return err
		}
	}
	return provider.CheckEmail(field+".Email", c.Email)
}

func setRequired(p url.Values, param, field, v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return provider.InvalidArg(field, "must not be empty (%s)", param)
	}
	if strings.ContainsAny(v, "\x00\r\n") {
		return provider.InvalidArg(field, "must be one line (%s)", param)
	}
	p.Set(param, v)
	return nil
}

func setDVMethod(p url.Values, m string) error {
	if err := validateDVMethod("DVMethod", m); err != nil {
		return err
	}
	p.Set("dv_method", m)
	return nil
}

func setAddonDomains(p url.Values, domains []string) error {
	if len(domains) == 0 {
		return nil
	}
	seen := map[string]bool{}
	for i, d := range domains {
		field := fmt.Sprintf("AddonDomains[%d]", i)
		if err := validateDomain(field, d); err != nil {
			return err
		}
		k := strings.ToLower(d)
		if seen[k] {
			return provider.InvalidArg(field, "duplicate %q", d)
		}
		seen[k] = true
	}
	p.Set("addon_domains", strings.Join(domains, ","))
	return nil
}

// setCSR sends csr, or the csr_* fields when csr is empty. For reissue the
// document requires csr_department and csr_email too.
func setCSR(p url.Values, csr string, gen *CSRSubject, reissue bool) error {
	if strings.TrimSpace(csr) != "" {
		if gen != nil {
			return provider.InvalidArg("GenerateCSR", "must be nil when CSR is set")
		}
		if err := provider.CheckCSR("CSR", []byte(csr)); err != nil {
			return err
		}
		p.Set("csr", csr)
		return nil
	}
	if gen == nil {
		return provider.InvalidArg("CSR", "must be set (or GenerateCSR)")
	}
	fields := []struct {
		param, field, v string
		required        bool
	}{
		{"csr_city", "City", gen.City, true}, {"csr_state", "State", gen.State, true},
		{"csr_country", "Country", gen.Country, true}, {"csr_domain", "Domain", gen.Domain, true},
		{"csr_organization", "Organization", gen.Organization, true},
		{"csr_department", "Department", gen.Department, reissue}, {"csr_email", "Email", gen.Email, reissue},
	}
	for _, f := range fields {
		if !f.required && strings.TrimSpace(f.v) == "" {
			continue
		}
		if err := setRequired(p, f.param, "GenerateCSR."+f.field, f.v); err != nil {
			return err
		}
	}
	return validateDomain("GenerateCSR.Domain", gen.Domain)
}

// OrderStatus returns the state of an order, with the certificate once it is
// Activated (GET order_status).
func (c *Client) OrderStatus(ctx context.Context, orderID ID) (*OrderStatus, error) {
	if err := provider.CheckID("orderID", int64(orderID)); err != nil {
		return nil, err
	}
	var out OrderStatus
	if err := c.call(ctx, http.MethodGet, endpointOrderStatus, url.Values{"order_id": {orderID.String()}}, &out); err != nil {
		return nil, err
	}
	if StatusClass(out.Status) == ClassIssued && strings.TrimSpace(out.Certificate) == "" {
		return nil, c.Malformed(endpointOrderStatus, nil, "answered %q without \"certificate\"", out.Status)
	}
	return &out, nil
}

// OrderSummary is one element of my_orders. The document names only the
// list; the fields are assumed to be those of order_status plus product_id
// and date_created (assumptions.go, 12).
type OrderSummary struct {
	OrderID         ID         `json:"order_id"`
	ProductID       ID         `json:"product_id"`
	Status          string     `json:"status"`
	PrimaryDomain   string     `json:"primary_domain"`
	DomainsIncluded StringList `json:"domains_included"`
	Period          Int        `json:"period"`
	Amount          Amount     `json:"amount"`
	DateCreated     string     `json:"date_created"`
	ValidFrom       string     `json:"valid_from"`
	ValidTill       string     `json:"valid_till"`
	DVMethod        string     `json:"dv_method"`
	PartnerOrderID  Text       `json:"partner_order_id"`
}

// Names returns primary_domain followed by domains_included, without
// duplicates.
func (o OrderSummary) Names() []string { return mergeNames(o.PrimaryDomain, o.DomainsIncluded) }

// CreatedAt parses date_created: "2006-01-02 15:04:05" (UTC), RFC 3339, a
// bare date (UTC midnight) or Unix seconds.
func (o OrderSummary) CreatedAt() (time.Time, error) {
	s := strings.TrimSpace(o.DateCreated)
	for _, layout := range []string{DateTimeLayout, time.RFC3339, DateLayout} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("cyberssl: order %d: date_created %q is not a time", o.OrderID, o.DateCreated)
}

// OrderList is the "ssl_orders" list: a JSON array, or an object whose
// values are orders (assumptions.go, 10).
type OrderList []OrderSummary

// UnmarshalJSON implements json.Unmarshaler.
func (l *OrderList) UnmarshalJSON(b []byte) error {
	v, err := decodeList[OrderSummary](b)
	*l = v
	return err
}

// Matching returns the orders for exactly names (compared as sets,
// case-insensitively, ignoring a trailing dot) created at or after
// notBefore. A creation time with only a date matches from that day on; an
// order without a readable date_created never matches a non-zero notBefore.
// Recovery uses it to adopt an order whose answer was lost.
func (l OrderList) Matching(names []string, notBefore time.Time) []OrderSummary {
	want := nameSet(names)
	var out []OrderSummary
	for _, o := range l {
		if !sameSet(want, nameSet(o.Names())) {
			continue
		}
		if !notBefore.IsZero() {
			t, err := o.CreatedAt()
			if err != nil {
				continue
			}
			limit := notBefore
			if len(strings.TrimSpace(o.DateCreated)) == len(DateLayout) {
				limit = notBefore.UTC().Truncate(24 * time.Hour)
			}
			if t.Before(limit) {
				continue
			}
		}
		out = append(out, o)
	}
	return out
}

func nameSet(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		if n = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(n), ".")); n != "" {
			m[n] = true
		}
	}
	return m
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// OrdersResponse is the answer to my_orders.
type OrdersResponse struct {
	Success   Bool      `json:"success"`
	SSLOrders OrderList `json:"ssl_orders"`
}

// Orders lists the account's orders: every page of GET my_orders
// (assumption 20), read until a page brings nothing new.
func (c *Client) Orders(ctx context.Context) (*OrdersResponse, error) {
	first, orders, err := rest.ReadAnswerPages(ctx, "cyberssl GET my_orders", c.MaxPages, c.OrdersPage,
		func(r *OrdersResponse) []OrderSummary { return r.SSLOrders }, func(o OrderSummary) string { return o.OrderID.String() })
	if err != nil {
		return nil, err
	}
	out := *first
	out.SSLOrders = orders
	return &out, nil
}

// OrdersPage returns one page of the account's orders
// (GET my_orders?page=n); page 1 is asked for without the parameter, as
// the document's call.
func (c *Client) OrdersPage(ctx context.Context, page int) (*OrdersResponse, error) {
	var p url.Values
	if page > 1 {
		p = url.Values{rest.PageParam: {strconv.Itoa(page)}}
	}
	var out OrdersResponse
	if err := c.call(ctx, http.MethodGet, endpointMyOrders, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// OrderExtraDomains buys room for n more domains on a multi-domain order
// (GET order_extra_domains). It costs money.
func (c *Client) OrderExtraDomains(ctx context.Context, orderID ID, n int) (*ExtraDomainsResponse, error) {
	if err := provider.CheckID("orderID", int64(orderID)); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, provider.InvalidArg("n", "must be at least 1, got %d", n)
	}
	var out ExtraDomainsResponse
	p := url.Values{"order_id": {orderID.String()}, "extra_domains_nr": {strconv.Itoa(n)}}
	if err := c.call(ctx, http.MethodGet, endpointExtraDomains, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Balance returns the account balance (GET get_balance).
func (c *Client) Balance(ctx context.Context) (*BalanceResponse, error) {
	var out BalanceResponse
	if err := c.call(ctx, http.MethodGet, endpointBalance, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
