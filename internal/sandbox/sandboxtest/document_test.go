package sandboxtest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKeyPaths(t *testing.T) {
	got := KeyPaths(t, []byte(`{"a":1,"b":{"c":[{"d":1},{"e":2}]},"dv":{"x.example.com":{"f":1}},"l":{"0":"v","1":"w"}}`))
	assert.Equal(t, []string{"a", "b", "b.c", "b.c.d", "b.c.e", "dv", "dv.{name}", "dv.{name}.f", "l"}, got)
}

func TestTableFields(t *testing.T) {
	table := `Name | Type | Description |
---|---|---|
products | array | |
.. product_code | string | Product code |
.. pkey | array | |
.. .. length | string | |
order_id | int | Order Number |`
	assert.Equal(t, []string{"order_id", "products", "products.pkey", "products.pkey.length", "products.product_code"}, TableFields(t, table))
}

func TestListedFields(t *testing.T) {
	list := `Response:
- order_id - unique order id
- Contacts - array
- success=true`
	assert.Equal(t, []string{"contacts", "order_id", "success"}, ListedFields(t, list))
}

func TestPrintR(t *testing.T) {
	dump := `Array ( [http] => Array ( [test.com] => Array ( [filename] => F5.txt [link] => http://test.com/F5.txt ) ) [dns] => Array ( [test.com] => Array ( [record] => F5.test.com. CNAME b0.comodoca.com. ) ) }`
	assert.JSONEq(t, `{"http":{"test.com":{"filename":"F5.txt","link":"http://test.com/F5.txt"}},"dns":{"test.com":{"record":"F5.test.com. CNAME b0.comodoca.com."}}}`, string(PrintR(t, dump)))
	members := `[csr] => Array ( [common_name] => test.com [san] => [keysize] => 2048 )`
	assert.JSONEq(t, `{"csr":{"common_name":"test.com","san":"","keysize":"2048"}}`, string(PrintR(t, members)))
}

func TestTableSample(t *testing.T) {
	table := `Name | Mandatory | Type | Description |
---|---|---|---|
csr | yes | string | CSR |
years | yes | int | |
dns_names | no | array | |
.. nested | no | string | |`
	assert.JSONEq(t, `{"csr":"x","years":1,"dns_names":["x"]}`, string(TableSample(t, table)))
}
