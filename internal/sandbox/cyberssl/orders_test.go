package cyberssl

import (
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
)

var adminContact = orderContacts{
	AdminFirstName: "John", AdminLastName: "Smith", AdminPhone: "0042321313", AdminTitle: "IT manager", AdminEmail: "admin@example.com",
	TechFirstName: "John", TechLastName: "Smith", TechPhone: "0042321313", TechTitle: "IT manager", TechEmail: "admin@example.com",
}

func TestWholeFlow(t *testing.T) {
	f := newFixture(t, 10*time.Minute)
	c := f.client(keyAlice)
	names := []string{"app.example.com", "www.example.com"}

	bal, err := c.Balance()
	require.NoError(t, err)
	assert.Equal(t, json.Number("1000.00"), bal.Balance)

	csr := newCSR(t, "App.Example.com", "ignored.example.org")
	v, err := c.ValidateCSR(url.Values{"csr": {csr.pem}, "product_id": {"1"}, "addon_domains": {names[1]}})
	require.NoError(t, err)
	assert.Equal(t, csrInfo{CommonName: "App.Example.com", SAN: "ignored.example.org", Type: "EC", KeySize: 256, TotalDomains: 2}, v.CSR)

	price, err := c.Price(1, 1, 2)
	require.NoError(t, err)
	assert.Equal(t, json.Number("7.00"), price.Amount)

	// Order.
	before := f.clock.Now()
	o, err := c.AddOrder(orderParams(csr.pem, names[1:]...))
	require.NoError(t, err)
	assert.Equal(t, int64(100001), o.OrderID)
	assert.Empty(t, o.PrivateKey)
	assert.Empty(t, o.CSRCode)
	require.NotNil(t, o.DVOptions)
	for _, n := range names {
		file := o.DVOptions.HTTP[n]
		assert.Regexp(t, `^[0-9A-F]{32}\.txt$`, file.Filename)
		assert.Equal(t, "http://"+n+"/.well-known/pki-validation/"+file.Filename, file.Link)
		assert.Regexp(t, `^[0-9a-f]{40}$`, file.Content)
		assert.Equal(t, "https://"+n+"/.well-known/pki-validation/"+file.Filename, o.DVOptions.HTTPS[n].Link)
		owner, target := cnameOf(t, o.DVOptions, n)
		assert.True(t, strings.HasSuffix(owner, "."+n), owner)
		assert.Equal(t, file.Content+".dcv.cyberssl-sandbox.invalid", target)
	}

	bal, err = c.Balance()
	require.NoError(t, err)
	assert.Equal(t, json.Number("993.00"), bal.Balance)
	assert.Equal(t, AccountStats{Orders: 1, Pending: 1, BalanceReads: 2}, f.srv.Stats()["alice"])

	// Nothing published: still waiting; the sandbox asked with the right Host.
	st, err := c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, statusAwaitingValidation, st.Status)
	assert.Empty(t, st.Certificate)
	assert.Equal(t, names, f.hostsAsked())

	// One name published: still waiting.
	f.publish(o.DVOptions, names[0])
	st, err = c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, statusAwaitingValidation, st.Status)

	// Both: Processing until the issue delay has passed.
	f.publish(o.DVOptions)
	st, err = c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, statusProcessing, st.Status)
	f.clock.Advance(9 * time.Minute)
	st, err = c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, statusProcessing, st.Status)
	f.clock.Advance(time.Minute)
	st, err = c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	leaf := f.verifyIssued(st, csr.key, names)
	assert.Equal(t, o.OrderID, st.OrderID)
	assert.Equal(t, "app.example.com", st.PrimaryDomain)
	assert.Equal(t, "app.example.com,www.example.com", st.DomainsIncluded)
	assert.Equal(t, json.Number("7.00"), st.Amount)
	assert.Equal(t, 1, st.Period)
	assert.Equal(t, dvHTTP, st.DVMethod)
	assert.Equal(t, csr.pem, st.CSR)
	assert.Equal(t, adminContact, st.Contacts, "tech defaults to admin")
	assert.Equal(t, AccountStats{Orders: 1, Activated: 1, BalanceReads: 2}, f.srv.Stats()["alice"])

	// Polling again returns the same certificate.
	again, err := c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, st.Certificate, again.Certificate)

	// my_orders lists it with its creation time.
	orders, err := c.Orders()
	require.NoError(t, err)
	assert.Equal(t, []orderSummary{{
		OrderID: o.OrderID, ProductID: 1, Status: statusActivated, PrimaryDomain: "app.example.com",
		DomainsIncluded: "app.example.com,www.example.com", Period: 1, Amount: "7.00", DateCreated: before.Format(dateTimeLayout),
		ValidFrom: st.ValidFrom, ValidTill: st.ValidTill, DVMethod: dvHTTP,
	}}, orders.SSLOrders)

	// Reissue with a new key: free, same order, validated again.
	csr2 := newCSR(t, "app.example.com")
	re, err := c.Reissue(reissueParams(o.OrderID, dvHTTP, csr2.pem, names[1:]...))
	require.NoError(t, err)
	assert.Equal(t, o.OrderID, re.OrderID)
	require.NotNil(t, re.DVOptions)
	assert.NotEqual(t, o.DVOptions.HTTP[names[0]].Content, re.DVOptions.HTTP[names[0]].Content, "new validation content")
	st, err = c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, statusAwaitingValidation, st.Status, "old files do not validate a reissue")
	assert.Equal(t, AccountStats{Orders: 1, Reissues: 1, Pending: 1, BalanceReads: 2}, f.srv.Stats()["alice"])
	f.publish(re.DVOptions)
	_, err = c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	f.clock.Advance(10 * time.Minute)
	st, err = c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	leaf2 := f.verifyIssued(st, csr2.key, names)
	assert.NotEqual(t, leaf.SerialNumber, leaf2.SerialNumber)

	bal, err = c.Balance()
	require.NoError(t, err)
	assert.Equal(t, json.Number("993.00"), bal.Balance, "reissue is free")
	assert.Equal(t, map[string]AccountStats{
		"alice": {Orders: 1, Reissues: 1, Activated: 1, BalanceReads: 3},
		"bob":   {},
	}, f.srv.Stats())

	// Bob cannot see or touch alice's order.
	bob := f.client(keyBob)
	_, err = bob.OrderStatus(o.OrderID)
	assert.Equal(t, 404, statusOf(err), "%v", err)
	bobOrders, err := bob.Orders()
	require.NoError(t, err)
	assert.Empty(t, bobOrders.SSLOrders)

	// The certificate expires.
	f.clock.Advance(apienv.DefaultValidity + time.Hour)
	st, err = f.client(keyAlice).OrderStatus(o.OrderID) // the old session has expired too
	require.NoError(t, err)
	assert.Equal(t, statusExpired, st.Status)
	assert.Equal(t, AccountStats{Orders: 1, Reissues: 1, BalanceReads: 3}, f.srv.Stats()["alice"])
	assert.Contains(t, f.logs.String(), "cyberssl certificate issued")
}

func TestZeroIssueDelay(t *testing.T) {
	f := newFixture(t, 0)
	c := f.client(keyAlice)
	csr := newCSR(t, "a.example.com")
	o, err := c.AddOrder(orderParams(csr.pem))
	require.NoError(t, err)
	f.publish(o.DVOptions)
	st, err := c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	f.verifyIssued(st, csr.key, []string{"a.example.com"})
}

func TestStateConflicts(t *testing.T) {
	f := newFixture(t, 0)
	c := f.client(keyAlice)
	o, err := c.AddOrder(orderParams(newCSR(t, "a.example.com").pem))
	require.NoError(t, err)

	_, err = c.Reissue(reissueParams(o.OrderID, dvHTTP, newCSR(t, "a.example.com").pem))
	assert.Equal(t, 409, statusOf(err), "%v", err)
	assert.Contains(t, messageOf(err), "only Activated or Expired orders can be reissued")

	f.publish(o.DVOptions)
	_, err = c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	_, err = c.ChangeDVMethod(o.OrderID, "", dvDNS, "")
	assert.Equal(t, 409, statusOf(err), "%v", err)

	// A reissue with more names than paid for needs extra domains.
	_, err = c.Reissue(reissueParams(o.OrderID, dvHTTP, newCSR(t, "a.example.com").pem, "b.example.com"))
	assert.Contains(t, messageOf(err), "use order_extra_domains first")
	extra, err := c.OrderExtraDomains(o.OrderID, 1)
	require.NoError(t, err)
	assert.Equal(t, json.Number("2.00"), extra.Amount)
	assert.Equal(t, o.OrderID, extra.OrderID)
	_, err = c.Reissue(reissueParams(o.OrderID, dvHTTP, newCSR(t, "a.example.com").pem, "b.example.com"))
	require.NoError(t, err)
	bal, err := c.Balance()
	require.NoError(t, err)
	assert.Equal(t, json.Number("993.00"), bal.Balance)
	st, err := c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, json.Number("7.00"), st.Amount)

	// Another account's order.
	bob := f.client(keyBob)
	_, err = bob.OrderExtraDomains(o.OrderID, 1)
	assert.Equal(t, 404, statusOf(err))
	_, err = bob.Reissue(reissueParams(o.OrderID, dvHTTP, newCSR(t, "a.example.com").pem))
	assert.Equal(t, 404, statusOf(err))
	_, err = bob.DVOptions(o.OrderID, dvAll)
	assert.Equal(t, 404, statusOf(err))
	assert.Equal(t, 404, statusOf(bob.Revalidate(o.OrderID, "a.example.com")))
}

func TestGeneratedCSRAndOV(t *testing.T) {
	f := newFixture(t, 0)
	c := f.client(keyAlice)
	p := orderParams("", "www.example.com")
	p.Del("csr")
	p.Set("product_id", "3")
	p.Set("period", "2")
	for k, v := range map[string]string{
		"csr_city": "Portland", "csr_state": "Oregon", "csr_country": "US", "csr_domain": "example.com", "csr_organization": "John LLC",
		"org_name": "John LLC", "org_division": "IT", "org_addressline": "Avenue 25", "org_city": "Portland",
		"org_country": "US", "org_phone": "+155152333", "org_postalcode": "1551", "org_region": "Oregon",
	} {
		p.Set(k, v)
	}
	o, err := c.AddOrder(p)
	require.NoError(t, err)
	require.NotEmpty(t, o.PrivateKey)
	require.NotEmpty(t, o.CSRCode)
	f.publish(o.DVOptions)
	st, err := c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	block, _ := pem.Decode([]byte(o.PrivateKey))
	require.NotNil(t, block)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	f.verifyIssued(st, key.(crypto.Signer), []string{"example.com", "www.example.com"})
	assert.Equal(t, "John LLC", st.Contacts.OrgName)
	assert.Equal(t, json.Number("75.00"), st.Amount, "65.00 for two years + one extra name at 5.00 a year")
}

func TestConcurrentPolling(t *testing.T) {
	f := newFixture(t, 0)
	c := f.client(keyAlice)
	csr := newCSR(t, "a.example.com")
	o, err := c.AddOrder(orderParams(csr.pem))
	require.NoError(t, err)
	f.publish(o.DVOptions)

	var wg sync.WaitGroup
	certs := make([]string, 6)
	for i := range certs {
		wg.Go(func() {
			st, err := c.OrderStatus(o.OrderID)
			if assert.NoError(t, err) && st.Status == statusActivated {
				certs[i] = st.Certificate
			}
		})
	}
	wg.Wait()
	st, err := c.OrderStatus(o.OrderID)
	require.NoError(t, err)
	for _, cert := range certs {
		if cert != "" {
			assert.Equal(t, st.Certificate, cert, "one certificate per order")
		}
	}
	assert.Equal(t, AccountStats{Orders: 1, Activated: 1}, f.srv.Stats()["alice"])
}
