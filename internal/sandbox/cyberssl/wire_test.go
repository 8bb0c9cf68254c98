package cyberssl

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
)

func document(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(data)
}

// printRExample returns the print_r dump of a response description: what
// follows "Example...:" or "Response example:".
func printRExample(t *testing.T, text string) string {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "Example") || strings.HasPrefix(line, "Response example") {
			_, dump, _ := strings.Cut(line, ":")
			return dump
		}
	}
	t.Fatalf("no example in %q", text)
	return ""
}

// topLevel keeps the paths without a dot.
func topLevel(paths []string) []string {
	var out []string
	for _, p := range paths {
		if !strings.Contains(p, ".") {
			out = append(out, p)
		}
	}
	return out
}

// under keeps the paths below prefix (prefix itself included).
func under(paths []string, prefix string) []string {
	var out []string
	for _, p := range paths {
		if p == prefix || strings.HasPrefix(p, prefix+".") {
			out = append(out, p)
		}
	}
	return out
}

// prefixed puts prefix before every path.
func prefixed(prefix string, paths []string) []string {
	out := []string{prefix}
	for _, p := range paths {
		out = append(out, prefix+"."+p)
	}
	sort.Strings(out)
	return out
}

// TestAnswersAsDocumented calls every method of the API and compares each
// answer's fields with the document: the top-level names with the
// method's "Response:" list, the nested ones with its print_r example.
func TestAnswersAsDocumented(t *testing.T) {
	f := newFixture(t, 0)
	tok := f.token()
	csr := newCSR(t, "test.com")
	generated := orderParams("")
	generated.Del("csr")
	for k, v := range map[string]string{"csr_city": "x", "csr_state": "x", "csr_country": "US", "csr_domain": "test.com", "csr_organization": "x"} {
		generated.Set(k, v)
	}
	withToken := func(p url.Values) url.Values {
		p.Set("token", tok)
		return p
	}
	call := func(method, endpoint string, p url.Values) []string {
		t.Helper()
		status, raw := f.raw(method, endpoint, withToken(p))
		require.Equal(t, http.StatusOK, status, "%s: %s", endpoint, raw)
		return sandboxtest.KeyPaths(t, raw)
	}
	listed := func(method string) []string {
		return sandboxtest.ListedFields(t, document(t, method+".response.txt"))
	}
	example := func(method string) []string {
		return sandboxtest.KeyPaths(t, sandboxtest.PrintR(t, printRExample(t, document(t, method+".response.txt"))))
	}

	status, raw := f.raw(http.MethodGet, "auth", url.Values{"apikey": {keyAlice}})
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, listed("auth"), sandboxtest.KeyPaths(t, raw))
	assert.Equal(t, listed("list_products"), topLevel(call(http.MethodGet, "list_products", url.Values{})))
	assert.Equal(t, listed("ssl_certificates"), topLevel(call(http.MethodGet, "ssl_certificates", url.Values{})))
	details := call(http.MethodGet, "get_ssl_product_details", url.Values{"product_id": {"1"}})
	assert.Equal(t, listed("get_ssl_product_details"), topLevel(details))
	assert.Equal(t, example("get_ssl_product_details"), under(details, "product"))
	assert.Equal(t, listed("get_ssl_product_price"), call(http.MethodGet, "get_ssl_product_price", url.Values{"product_id": {"1"}, "period": {"1"}}))
	assert.Equal(t, listed("get_balance"), call(http.MethodGet, "get_balance", url.Values{}))
	validated := call(http.MethodPost, "validate_csr", url.Values{"csr": {csr.pem}})
	assert.Equal(t, listed("validate_csr"), topLevel(validated))
	assert.Equal(t, example("validate_csr"), under(validated, "csr"))

	// An order with a generated CSR answers every documented field.
	status, raw = f.raw(http.MethodPost, "add_ssl_order", withToken(generated))
	require.Equal(t, http.StatusOK, status, string(raw))
	added := sandboxtest.KeyPaths(t, raw)
	assert.Equal(t, listed("add_ssl_order"), topLevel(added))
	// The example prints dv_options' content without the key; the sandbox
	// adds email approvers for no method but email (see get_dv_options).
	assert.Equal(t, prefixed("dv_options", example("add_ssl_order")), under(added, "dv_options"))
	var o addOrderResponse
	sandboxtest.DecodeStrict(t, raw, &o)
	order := url.Values{"order_id": {id(o.OrderID)}}

	dv := call(http.MethodGet, "get_dv_options", url.Values{"order_id": order["order_id"], "dv_method": {dvAll}})
	assert.Equal(t, listed("get_dv_options"), topLevel(dv))
	assert.Equal(t, example("get_dv_options"), under(dv, "dv_options"))
	changed := call(http.MethodPost, "change_dv_method", url.Values{"order_id": order["order_id"], "dv_method": {dvHTTP}})
	assert.Equal(t, listed("change_dv_method"), topLevel(changed))
	assert.Equal(t, prefixed("dv_options", example("change_dv_method")), under(changed, "dv_options"))
	assert.Equal(t, listed("revalidate"), call(http.MethodGet, "revalidate", url.Values{"order_id": order["order_id"], "domain_name": {"test.com"}}))

	var st orderStatusResponse
	f.publish(o.DVOptions)
	status, raw = f.raw(http.MethodGet, "order_status", withToken(url.Values{"order_id": order["order_id"]}))
	require.Equal(t, http.StatusOK, status, string(raw))
	sandboxtest.DecodeStrict(t, raw, &st)
	require.Equal(t, statusActivated, st.Status)
	orderStatus := sandboxtest.KeyPaths(t, raw)
	assert.Equal(t, listed("order_status"), topLevel(orderStatus))
	assert.Equal(t, example("order_status"), under(orderStatus, "contacts"))

	reissue := withToken(url.Values{"order_id": order["order_id"], "dv_method": {dvHTTP}})
	for _, k := range []string{"csr_city", "csr_state", "csr_country", "csr_domain", "csr_organization"} {
		reissue.Set(k, generated.Get(k))
	}
	reissue.Set("csr_department", "x")
	reissue.Set("csr_email", "x@test.com")
	status, raw = f.raw(http.MethodPost, "reissue_ssl_order", reissue)
	require.Equal(t, http.StatusOK, status, string(raw))
	reissued := sandboxtest.KeyPaths(t, raw)
	assert.Equal(t, listed("reissue_ssl_order"), topLevel(reissued))
	assert.Equal(t, prefixed("dv_options", example("reissue_ssl_order")), under(reissued, "dv_options"))

	assert.Equal(t, listed("my_orders"), topLevel(call(http.MethodGet, "my_orders", url.Values{})))
	assert.Equal(t, listed("order_extra_domains"), call(http.MethodGet, "order_extra_domains", url.Values{"order_id": order["order_id"], "extra_domains_nr": {"1"}}))
}

// TestRequestsAsDocumented sends every documented parameter of the paid
// methods, named as the document names them: the sandbox reads them all.
func TestRequestsAsDocumented(t *testing.T) {
	f := newFixture(t, 0)
	tok := f.token()
	values := map[string]string{
		"token": tok, "product_id": "3", "order_type": orderTypeNew, "period": "1", "dv_method": dvHTTP,
		"addon_domains": "www.test.com", "csr": newCSR(t, "test.com").pem,
		"admin_phone": "+1.5551234", "tech_phone": "+1.5551234", "admin_email": "a@test.com", "tech_email": "t@test.com",
		"org_country": "US", "csr_country": "US", "csr_email": "c@test.com",
	}
	sample := func(method string) url.Values {
		p := url.Values{}
		for _, name := range sandboxtest.ListedFields(t, document(t, method+".request.txt")) {
			v, ok := values[name]
			if !ok {
				v = "x"
			}
			p.Set(name, v)
		}
		return p
	}
	p := sample("add_ssl_order")
	status, raw := f.raw(http.MethodPost, "add_ssl_order", p)
	require.Equal(t, http.StatusOK, status, string(raw))
	var o addOrderResponse
	sandboxtest.DecodeStrict(t, raw, &o)
	st, err := f.client(keyAlice).OrderStatus(o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, orderContacts{
		AdminFirstName: "x", AdminLastName: "x", AdminPhone: "+1.5551234", AdminTitle: "x", AdminEmail: "a@test.com",
		TechFirstName: "x", TechLastName: "x", TechPhone: "+1.5551234", TechTitle: "x", TechEmail: "t@test.com",
		OrgName: "x", OrgDivision: "x", OrgAddressLine: "x", OrgCity: "x", OrgCountry: "US", OrgPhone: "x", OrgPostalCode: "x", OrgRegion: "x",
	}, st.Contacts, "every contact field as sent")
	assert.Equal(t, "test.com,www.test.com", st.DomainsIncluded)
}
