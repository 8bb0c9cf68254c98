package cyberssl

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// wireClient calls the API as the document describes it (GET query or
// POST form parameters, a session token from auth), with the sandbox's
// wire types, so the tests see exactly what goes over the wire (the
// issuer's client is tested against the sandbox in its own package).
type wireClient struct {
	f     *fixture
	key   string
	token string
}

// wireError is a failure answer.
type wireError struct {
	status int
	body   errorResponse
}

func (e *wireError) Error() string {
	return fmt.Sprintf("HTTP %d, error_code %d: %s", e.status, e.body.ErrorCode, e.body.ErrorMessage)
}

// statusOf is the HTTP status of a wireError, 0 for any other error.
func statusOf(err error) int {
	var we *wireError
	if errors.As(err, &we) {
		return we.status
	}
	return 0
}

// messageOf is the error_message of a wireError.
func messageOf(err error) string {
	var we *wireError
	if errors.As(err, &we) {
		return we.body.ErrorMessage
	}
	return ""
}

// session opens a session for the client's key once.
func (c *wireClient) session() error {
	if c.token != "" {
		return nil
	}
	var a authResponse
	if err := c.send(http.MethodGet, "auth", url.Values{"apikey": {c.key}}, &a); err != nil {
		return err
	}
	c.token = a.Token
	return nil
}

// call sends p (plus the session token) to method and decodes the answer
// into out.
func (c *wireClient) call(httpMethod, method string, p url.Values, out any) error {
	if err := c.session(); err != nil {
		return err
	}
	q := url.Values{"token": {c.token}}
	for k, v := range p {
		q[k] = v
	}
	return c.send(httpMethod, method, q, out)
}

func (c *wireClient) send(httpMethod, method string, p url.Values, out any) error {
	status, raw := c.f.raw(httpMethod, method, p)
	if status != http.StatusOK {
		we := &wireError{status: status}
		if err := json.Unmarshal(raw, &we.body); err != nil {
			return fmt.Errorf("HTTP %d with a body that is not the error shape: %q", status, raw)
		}
		return we
	}
	return json.Unmarshal(raw, out)
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func (c *wireClient) Balance() (*balanceResponse, error) {
	var out balanceResponse
	return &out, c.call(http.MethodGet, "get_balance", nil, &out)
}

func (c *wireClient) Products() (*productsResponse, error) {
	var out productsResponse
	return &out, c.call(http.MethodGet, "list_products", nil, &out)
}

// Certificates calls ssl_certificates, which documents no token.
func (c *wireClient) Certificates() (*productsResponse, error) {
	var out productsResponse
	return &out, c.send(http.MethodGet, "ssl_certificates", nil, &out)
}

func (c *wireClient) ProductDetails(product int64) (*productDetailsResponse, error) {
	var out productDetailsResponse
	return &out, c.call(http.MethodGet, "get_ssl_product_details", url.Values{"product_id": {id(product)}}, &out)
}

func (c *wireClient) Price(product int64, period, domains int) (*priceResponse, error) {
	p := url.Values{"product_id": {id(product)}, "period": {strconv.Itoa(period)}}
	if domains > 0 {
		p.Set("nr_domains", strconv.Itoa(domains))
	}
	var out priceResponse
	return &out, c.call(http.MethodGet, "get_ssl_product_price", p, &out)
}

func (c *wireClient) ValidateCSR(p url.Values) (*validateCSRResponse, error) {
	var out validateCSRResponse
	return &out, c.call(http.MethodPost, "validate_csr", p, &out)
}

func (c *wireClient) AddOrder(p url.Values) (*addOrderResponse, error) {
	var out addOrderResponse
	return &out, c.call(http.MethodPost, "add_ssl_order", p, &out)
}

func (c *wireClient) Reissue(p url.Values) (*addOrderResponse, error) {
	var out addOrderResponse
	return &out, c.call(http.MethodPost, "reissue_ssl_order", p, &out)
}

func (c *wireClient) OrderStatus(order int64) (*orderStatusResponse, error) {
	var out orderStatusResponse
	return &out, c.call(http.MethodGet, "order_status", url.Values{"order_id": {id(order)}}, &out)
}

func (c *wireClient) Orders() (*ordersResponse, error) {
	var out ordersResponse
	return &out, c.call(http.MethodGet, "my_orders", nil, &out)
}

func (c *wireClient) DVOptions(order int64, method string) (*dvOptionsResponse, error) {
	var out dvOptionsResponse
	return &out, c.call(http.MethodGet, "get_dv_options", url.Values{"order_id": {id(order)}, "dv_method": {method}}, &out)
}

// ChangeDVMethod changes the method of domain ("": the primary); email is
// the approver of the email method.
func (c *wireClient) ChangeDVMethod(order int64, domain, method, email string) (*changeDVMethodResponse, error) {
	p := url.Values{"order_id": {id(order)}, "dv_method": {method}}
	if domain != "" {
		p.Set("domain", domain)
	}
	if email != "" {
		p.Set("email", email)
	}
	var out changeDVMethodResponse
	return &out, c.call(http.MethodPost, "change_dv_method", p, &out)
}

func (c *wireClient) Revalidate(order int64, domain string) error {
	var out successResponse
	return c.call(http.MethodGet, "revalidate", url.Values{"order_id": {id(order)}, "domain_name": {domain}}, &out)
}

func (c *wireClient) OrderExtraDomains(order int64, n int) (*extraDomainsResponse, error) {
	var out extraDomainsResponse
	return &out, c.call(http.MethodGet, "order_extra_domains", url.Values{"order_id": {id(order)}, "extra_domains_nr": {strconv.Itoa(n)}}, &out)
}

// orderParams are the parameters of an http-validated add_ssl_order of
// product 1 for one year, with the admin contact.
func orderParams(csr string, addons ...string) url.Values {
	p := url.Values{
		"product_id": {"1"}, "order_type": {orderTypeNew}, "period": {"1"}, "dv_method": {dvHTTP}, "csr": {csr},
		"admin_firstname": {"John"}, "admin_lastname": {"Smith"}, "admin_phone": {"0042321313"},
		"admin_title": {"IT manager"}, "admin_email": {"admin@example.com"},
	}
	if len(addons) > 0 {
		p.Set("addon_domains", strings.Join(addons, ","))
	}
	return p
}

// reissueParams are the parameters of a reissue_ssl_order.
func reissueParams(order int64, dvMethod, csr string, addons ...string) url.Values {
	p := url.Values{"order_id": {id(order)}, "dv_method": {dvMethod}, "csr": {csr}}
	if len(addons) > 0 {
		p.Set("addon_domains", strings.Join(addons, ","))
	}
	return p
}

// fileOf returns the host, path and content of name's http option.
func fileOf(t *testing.T, opts *dvOptions, name string) (host, path, content string) {
	t.Helper()
	require.NotNil(t, opts)
	o, ok := opts.HTTP[name]
	require.True(t, ok, "no http option for %s", name)
	u, err := url.Parse(o.Link)
	require.NoError(t, err)
	return u.Host, u.Path, o.Content
}

// cnameOf splits name's dns option "<owner>. CNAME <target>." into owner
// and target, without the final dots.
func cnameOf(t *testing.T, opts *dvOptions, name string) (owner, target string) {
	t.Helper()
	require.NotNil(t, opts)
	fields := strings.Fields(opts.DNS[name].Record)
	require.Len(t, fields, 3, opts.DNS[name].Record)
	require.Equal(t, "CNAME", fields[1])
	return strings.TrimSuffix(fields[0], "."), strings.TrimSuffix(fields[2], ".")
}

// readAll reads a response body for raw requests.
func readAll(t *testing.T, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return b
}
