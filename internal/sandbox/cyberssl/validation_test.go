package cyberssl

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOtherValidationMethods(t *testing.T) {
	f := newFixture(t, 0)
	c := f.client(keyAlice)
	csr := newCSR(t, "a.example.com")

	// dns: options are returned, the order waits for its records.
	p := orderParams(csr.pem, "*.example.com")
	p.Set("product_id", "2")
	p.Set("dv_method", dvDNS)
	o, err := c.AddOrder(p)
	require.NoError(t, err)
	require.NotNil(t, o.DVOptions)
	require.Len(t, o.DVOptions.DNS, 2)
	owner, _ := cnameOf(t, o.DVOptions, "*.example.com")
	assert.True(t, strings.HasSuffix(owner, ".example.com"))
	assert.NotContains(t, owner, "*")
	assert.NotContains(t, o.DVOptions.HTTP, "*.example.com", "no file validation for a wildcard")
	st, err := c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, statusAwaitingValidation, st.Status)

	// get_dv_options per method.
	opts, err := c.DVOptions(o.OrderID, dvEmail)
	require.NoError(t, err)
	assert.Empty(t, opts.DVOptions.DNS)
	assert.Contains(t, opts.DVOptions.Email["*.example.com"], "hostmaster@example.com")
	opts, err = c.DVOptions(o.OrderID, dvDNS)
	require.NoError(t, err)
	assert.Equal(t, o.DVOptions.DNS, opts.DVOptions.DNS)
	assert.Empty(t, opts.DVOptions.HTTP)

	// Switching the plain name to http is allowed, the wildcard is not.
	_, err = c.ChangeDVMethod(o.OrderID, "*.example.com", dvHTTP, "")
	require.Error(t, err)
	ch, err := c.ChangeDVMethod(o.OrderID, "", dvHTTP, "")
	require.NoError(t, err)
	require.NotNil(t, ch.DVOptions)
	assert.Len(t, ch.DVOptions.HTTP, 1)
	f.publish(ch.DVOptions)
	require.NoError(t, c.Revalidate(o.OrderID, "a.example.com"))
	st, err = c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, statusAwaitingValidation, st.Status, "the wildcard still waits for dns")

	// email: no options, waits; change_dv_method to email needs an address.
	p = orderParams(newCSR(t, "b.example.com").pem)
	p.Set("dv_method", "email:admin@b.example.com")
	eo, err := c.AddOrder(p)
	require.NoError(t, err)
	assert.Nil(t, eo.DVOptions)
	st, err = c.OrderStatus(eo.OrderID)
	require.NoError(t, err)
	assert.Equal(t, statusAwaitingValidation, st.Status)
	assert.Equal(t, "email:admin@b.example.com", st.DVMethod)
	_, err = c.ChangeDVMethod(eo.OrderID, "", dvEmail, "")
	assert.Equal(t, 400, statusOf(err), "%v", err)
	sw, err := c.ChangeDVMethod(eo.OrderID, "", dvEmail, "webmaster@b.example.com")
	require.NoError(t, err)
	assert.Nil(t, sw.DVOptions)
	assert.Equal(t, 2, f.srv.Stats()["alice"].Pending)
}

func TestDNSValidation(t *testing.T) {
	f := newFixture(t, 0)
	c := f.client(keyAlice)
	names := []string{"example.com", "*.example.com"}
	csr := newCSR(t, names[0])
	p := orderParams(csr.pem, names[1])
	p.Set("product_id", "2")
	p.Set("dv_method", dvDNS)
	o, err := c.AddOrder(p)
	require.NoError(t, err)
	wildName, wildValue := cnameOf(t, o.DVOptions, "*.example.com")
	baseName, baseValue := cnameOf(t, o.DVOptions, "example.com")
	assert.Regexp(t, `^[0-9A-F]{32}\.example\.com$`, wildName)
	assert.Regexp(t, `^[0-9a-f]{40}\.dcv\.cyberssl-sandbox\.invalid$`, wildValue)
	assert.NotEqual(t, wildName, baseName)

	// Wrong target, and the right target at the wrong name: still waiting;
	// the log names the record, the expected and the found targets.
	f.dns.AddCNAME(wildName, "wrong.example.net.")
	f.dns.AddCNAME("_acme-challenge.example.com", baseValue)
	st, err := c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, statusAwaitingValidation, st.Status)
	logs := f.logs.String()
	lower := strings.ToLower
	assert.Contains(t, logs, "CNAME record "+lower(wildName)+`: want \"`+wildValue+`\", found \"wrong.example.net\"`)
	assert.Contains(t, logs, "CNAME record "+lower(baseName)+`: want \"`+baseValue+`\", found none`)

	// The wildcard's record: revalidate checks it at once; the base name
	// still waits.
	f.dns.Remove(wildName)
	f.publishDNS(o.DVOptions, "*.example.com")
	require.NoError(t, c.Revalidate(o.OrderID, "*.example.com"))
	assert.Contains(t, f.logs.String(), `msg="cyberssl domain validated" account=alice orderID=`+fmt.Sprint(o.OrderID)+` domain=*.example.com`)
	st, err = c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, statusAwaitingValidation, st.Status)

	f.publishDNS(o.DVOptions)
	st, err = c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	f.verifyIssued(st, csr.key, names)
	assert.Equal(t, dvDNS, st.DVMethod)
	assert.Empty(t, f.files.Requested(), "no file is fetched for dns")
	queries := f.dns.Queries()
	assert.Contains(t, queries, "CNAME "+lower(wildName)+".")
	assert.Contains(t, queries, "CNAME "+lower(baseName)+".")
}

func TestDNSValidationWithoutServer(t *testing.T) {
	f := newFixture(t, 0)
	f.srv.env.DNSServer = ""
	c := f.client(keyAlice)
	p := orderParams(newCSR(t, "a.example.com").pem)
	p.Set("dv_method", dvDNS)
	o, err := c.AddOrder(p)
	require.NoError(t, err)
	f.publishDNS(o.DVOptions)
	st, err := c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, statusAwaitingValidation, st.Status)
	assert.Contains(t, f.logs.String(), "no DNS server")
	assert.Empty(t, f.dns.Queries())
}
