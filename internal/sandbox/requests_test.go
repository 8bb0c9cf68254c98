package sandbox

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// Request bodies of the paid calls, as the documents describe them, for
// the tests of the sandbox as a whole (each API's own tests use its wire
// types).

// sslmarketOrderBody is the JSON body of an SSLmarket order insert for
// names with dvAuthMethod ("" leaves the API's default, Email).
func sslmarketOrderBody(t *testing.T, csr, dvAuthMethod string, names ...string) string {
	t.Helper()
	body := map[string]any{
		"domain": names[0], "dns_names": names[1:], "years": 1, "csr": csr,
		"owner_name": "Example Ltd", "owner_street": "1 High Street", "owner_city": "London", "owner_zip": "SW1A 1AA",
		"owner_country": "GB", "owner_tel": "+44.123456789",
		"auth_title": "Mr", "auth_firstname": "John", "auth_lastname": "Smith", "auth_tel": "+44.123456789", "auth_email": "john@example.com",
		"tech_title": "Ms", "tech_firstname": "Jane", "tech_lastname": "Doe", "tech_email": "jane@example.com", "tech_tel": "+44.987654321",
		"invoice_name": "Example Ltd", "invoice_street": "1 High Street", "invoice_city": "London", "invoice_zip": "SW1A 1AA",
		"invoice_country": "GB", "invoice_email": "billing@example.com",
	}
	if dvAuthMethod != "" {
		body["dv_auth_method"] = dvAuthMethod
	}
	data, err := json.Marshal(body)
	require.NoError(t, err)
	return string(data)
}

// cybersslOrderForm is the form of a CyberSSL add_ssl_order of product 1
// for the CSR's name.
func cybersslOrderForm(token, csr, dvMethod string) url.Values {
	return url.Values{
		"token": {token}, "product_id": {"1"}, "order_type": {"new"}, "period": {"1"}, "dv_method": {dvMethod},
		"admin_firstname": {"John"}, "admin_lastname": {"Smith"}, "admin_phone": {"1"}, "admin_title": {"IT"},
		"admin_email": {"john@example.com"}, "csr": {csr},
	}
}
