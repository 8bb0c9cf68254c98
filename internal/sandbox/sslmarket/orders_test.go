package sslmarket

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
)

func TestHappyPath(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	names := []string{"example.com", "www.example.com", "shop.example.com"}

	products, err := f.alice.Products(ctx)
	require.NoError(t, err)
	byCode := map[string]productEntry{}
	for _, p := range products {
		byCode[p.ProductCode] = p
	}
	for _, code := range []string{"rapidssl-rapidssl-dv", "rapidssl-wildcard-dv", "rapidssl-rapidssl-wildcard-dv", "digicert-standard-ssl"} {
		p, ok := byCode[code]
		require.True(t, ok, code)
		assert.Equal(t, productTypeSSL, p.ProductType)
		assert.Equal(t, "true", p.CSRRequired)
	}
	assert.Equal(t, validateDV, byCode["rapidssl-rapidssl-dv"].ValidateType)
	assert.Equal(t, "100", byCode["rapidssl-rapidssl-dv"].MaxSANValues)
	assert.Equal(t, validateOV, byCode["digicert-standard-ssl"].ValidateType)

	key, csr := newCSR(t, names...)
	id := f.place(f.alice, "rapidssl-rapidssl-dv", orderRequest{
		Domain: "Example.com", DNSNames: []string{"www.example.com", "shop.example.com", "example.com", "WWW.example.com"},
		Years: 1, CSR: csr, DVAuthMethod: dvAuthFile, contacts: testContacts(),
	})
	states := []string{}

	// Listed at once, in the initial state, with its names.
	list, err := f.alice.Orders(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, orderSummary{
		OrderID: id, orderItem: orderItem{ProductType: productTypeSSL, ProductCode: "rapidssl-rapidssl-dv",
			Domain: "example.com", DNSNames: []string{"www.example.com", "shop.example.com"}, SANsOrderCount: 2, Years: 1},
		Inserted: f.clock.Now().UTC().Format("2006-01-02 15:04:05"), State: stateNew,
	}, list[0])
	states = append(states, list[0].State)
	assert.Equal(t, AccountStats{Orders: 1, Pending: 1}, f.srv.Stats()["alice"])
	assert.Empty(t, mustOrders(t, f.bob), "bob sees none of alice's orders")

	// First poll: processing, nothing published yet.
	d := f.poll(f.alice, id)
	states = append(states, d.State)
	assert.Equal(t, stateProcessing, d.State)
	assert.Equal(t, dvAuthFile, d.DVAuthMethod)
	content := d.DVAuthContent
	require.GreaterOrEqual(t, len(content), 20)
	assert.Empty(t, d.Published)
	assert.Nil(t, d.DaysRemaining)
	assert.Contains(t, f.note(id), "fetching http://example.com/.well-known/pki-validation/fileauth.txt: unexpected status 404")

	// Published for two names out of three, one of them with wrong content.
	f.files.Publish("example.com", dcvFilePath, content)
	f.files.Publish("www.example.com", dcvFilePath, "nope")
	d = f.poll(f.alice, id)
	states = append(states, d.State)
	assert.Equal(t, stateProcessing, d.State)
	note := f.note(id)
	assert.Contains(t, note, `http://www.example.com/.well-known/pki-validation/fileauth.txt serves "nope"`)
	assert.Contains(t, note, "shop.example.com")
	assert.NotContains(t, note, "http://example.com/")

	// All published: validated, issued IssueDelay later.
	f.files.Publish("www.example.com", dcvFilePath, content)
	f.files.Publish("shop.example.com", dcvFilePath, content)
	d = f.poll(f.alice, id)
	states = append(states, d.State)
	assert.Equal(t, stateProcessing, d.State)
	assert.Empty(t, f.note(id))
	_, err = f.alice.Download(ctx, id, formatPEMServer)
	assert.True(t, statusOf(err) == 409, "%v", err)

	f.clock.Advance(issueDelay - time.Second)
	assert.Equal(t, stateProcessing, f.poll(f.alice, id).State)
	f.clock.Advance(time.Second)
	d = f.poll(f.alice, id)
	states = append(states, d.State)
	assert.Equal(t, statePublished, d.State)
	assert.Equal(t, f.clock.Now().UTC().Format("2006-01-02 15:04:05"), d.Published)
	assert.Equal(t, f.clock.Now().Add(apienv.DefaultValidity).UTC().Format("2006-01-02"), d.Expired)
	require.NotNil(t, d.DaysRemaining)
	assert.Equal(t, 90, *d.DaysRemaining)
	assert.Nil(t, d.AutoReissue, "one-year order")
	assert.Equal(t, csr, d.CSR)
	assert.Equal(t, "John", d.AuthFirstname)

	// Hosts asked for: each name with its own Host header, never the IP.
	for _, n := range names {
		assert.Contains(t, f.files.Requested(), n+dcvFilePath)
	}
	// Validated names are not fetched again.
	n := len(f.files.Requested())
	f.poll(f.alice, id)
	assert.Len(t, f.files.Requested(), n)

	// Downloads.
	server, err := f.alice.Download(ctx, id, formatPEMServer)
	require.NoError(t, err)
	leafs := sandboxtest.ParseCerts(t, server)
	require.Len(t, leafs, 1)
	f.verify(leafs[0], names, key)
	assert.Equal(t, d.CertificateSerialNumber, strings.ToUpper(leafs[0].SerialNumber.Text(16)))

	chain, err := f.alice.Download(ctx, id, formatPEMIntermediate)
	require.NoError(t, err)
	certs := sandboxtest.ParseCerts(t, chain)
	require.Len(t, certs, 2)
	assert.Equal(t, leafs[0].Raw, certs[0].Raw)
	assert.Equal(t, authority.IntermediateCommonName, certs[1].Subject.CommonName)

	p7b, err := f.alice.Download(ctx, id, formatP7B)
	require.NoError(t, err)
	certs = parsePKCS7(t, p7b)
	require.Len(t, certs, 3)
	assert.Equal(t, leafs[0].Raw, certs[0].Raw)
	assert.Equal(t, f.ca.Intermediate().Raw, certs[1].Raw)
	assert.Equal(t, f.ca.Root().Raw, certs[2].Raw)

	list, err = f.alice.Orders(ctx)
	require.NoError(t, err)
	assert.Equal(t, statePublished, list[0].State)
	assert.Equal(t, d.Published, list[0].Published)
	assert.Equal(t, d.Expired, list[0].Expired)

	// States were reached in the documented order.
	assert.Equal(t, []string{stateNew, stateProcessing, stateProcessing, stateProcessing, statePublished}, states)
	assert.Equal(t, map[string]AccountStats{
		"alice": {Orders: 1, Downloads: 3, Issued: 1},
		"bob":   {},
	}, f.srv.Stats())
	statsJSON, err := json.Marshal(f.srv.Stats()["alice"])
	require.NoError(t, err)
	assert.JSONEq(t, `{"orders":1,"downloads":3,"reissues":0,"autoReissues":0,"issued":1,"pending":0,"mailsSent":0}`, string(statsJSON))
}

func mustOrders(t *testing.T, c *wireClient) []orderSummary {
	t.Helper()
	l, err := c.Orders(context.Background())
	require.NoError(t, err)
	return l
}

// parsePKCS7 extracts the certificates of a certs-only PKCS#7 SignedData.
func parsePKCS7(t *testing.T, der []byte) []*x509.Certificate {
	t.Helper()
	var ci struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue `asn1:"explicit,tag:0"`
	}
	rest, err := asn1.Unmarshal(der, &ci)
	require.NoError(t, err)
	require.Empty(t, rest)
	assert.Equal(t, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}, ci.ContentType)
	var sd struct {
		Version          int
		DigestAlgorithms asn1.RawValue
		ContentInfo      asn1.RawValue
		Certificates     asn1.RawValue `asn1:"optional,tag:0"`
		SignerInfos      asn1.RawValue
	}
	_, err = asn1.Unmarshal(ci.Content.Bytes, &sd)
	require.NoError(t, err)
	assert.Equal(t, 1, sd.Version)
	certs, err := x509.ParseCertificates(sd.Certificates.Bytes)
	require.NoError(t, err)
	return certs
}

func TestPlaceOrderRefused(t *testing.T) {
	f := newFixture(t)
	_, csr := newCSR(t, "example.com")
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	weakCSR := csrFor(t, rsaKey, "example.com")
	valid := func() map[string]any {
		var m map[string]any
		require.NoError(t, json.Unmarshal(mustJSON(orderRequest{Domain: "example.com", Years: 1, CSR: csr, DVAuthMethod: "FILE", contacts: testContacts()}), &m))
		return m
	}
	with := func(k string, v any) map[string]any {
		m := valid()
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		product string
		body    any
		status  int
		typ     string
		desc    string
	}{
		{"unknown product", "nope", valid(), 404, ErrTypeNotFound, "product nope not found"},
		{"client certificate product", "digicert-client-premium-class-1", valid(), 400, ErrTypeNotSupported, "not supported by the sandbox"},
		{"not JSON", "rapidssl-rapidssl-dv", []byte("domain=example.com"), 400, ErrTypeInvalidJSON, "invalid JSON body"},
		{"years as text", "rapidssl-rapidssl-dv", with("years", "one"), 400, ErrTypeInvalidJSON, "years"},
		{"empty body", "rapidssl-rapidssl-dv", []byte{}, 400, ErrTypeMissingParameter, "missing parameter domain"},
		{"no domain", "rapidssl-rapidssl-dv", with("domain", nil), 400, ErrTypeMissingParameter, "missing parameter domain"},
		{"no years", "rapidssl-rapidssl-dv", with("years", nil), 400, ErrTypeMissingParameter, "missing parameter years"},
		{"no csr", "rapidssl-rapidssl-dv", with("csr", nil), 400, ErrTypeMissingParameter, "missing parameter csr"},
		{"no owner_name", "rapidssl-rapidssl-dv", with("owner_name", nil), 400, ErrTypeMissingParameter, "missing parameter owner_name"},
		{"no auth_title", "rapidssl-rapidssl-dv", with("auth_title", nil), 400, ErrTypeMissingParameter, "missing parameter auth_title"},
		{"blank tech_email", "rapidssl-rapidssl-dv", with("tech_email", " "), 400, ErrTypeMissingParameter, "missing parameter tech_email"},
		{"no invoice_email", "rapidssl-rapidssl-dv", with("invoice_email", nil), 400, ErrTypeMissingParameter, "missing parameter invoice_email"},
		{"bad domain", "rapidssl-rapidssl-dv", with("domain", "exa mple.com"), 400, ErrTypeInvalidParameter, "invalid parameter domain"},
		{"ip as domain", "rapidssl-rapidssl-dv", with("domain", "192.168.1.1"), 400, ErrTypeInvalidParameter, "IP address"},
		{"bad san", "rapidssl-rapidssl-dv", with("dns_names", []string{"ok.example.com", "-bad.example.com"}), 400, ErrTypeInvalidParameter, "invalid parameter dns_names[1]"},
		{"too many sans", "rapidssl-rapidssl-dv", with("dns_names", manyNames(101)), 400, ErrTypeInvalidParameter, "allows 0 to 100 SANs, got 101"},
		{"wildcard on non-wildcard product", "rapidssl-rapidssl-dv", with("dns_names", []string{"*.example.com"}), 400, ErrTypeInvalidParameter, "needs a wildcard product"},
		{"wildcard over FILE", "rapidssl-wildcard-dv", with("domain", "*.example.com"), 400, ErrTypeInvalidParameter, "FILE cannot validate the wildcard name *.example.com"},
		{"years above max", "rapidssl-rapidssl-dv", with("years", 7), 400, ErrTypeInvalidParameter, "must be 1 to 6"},
		{"negative years", "rapidssl-rapidssl-dv", with("years", -1), 400, ErrTypeInvalidParameter, "invalid parameter years"},
		{"bad method", "rapidssl-rapidssl-dv", with("dv_auth_method", "HTTP"), 400, ErrTypeInvalidParameter, "invalid parameter dv_auth_method"},
		{"bad country", "rapidssl-rapidssl-dv", with("owner_country", "GBR"), 400, ErrTypeInvalidParameter, "invalid parameter owner_country"},
		{"bad email", "rapidssl-rapidssl-dv", with("auth_email", "john"), 400, ErrTypeInvalidParameter, "invalid parameter auth_email"},
		{"csr not PEM", "rapidssl-rapidssl-dv", with("csr", "hello"), 400, ErrTypeInvalidParameter, "invalid parameter csr"},
		{"csr for another name", "rapidssl-rapidssl-dv", with("domain", "other.example.com"), 400, ErrTypeInvalidParameter, `common name "example.com"`},
		{"weak RSA key", "rapidssl-rapidssl-dv", with("csr", weakCSR), 400, ErrTypeInvalidParameter, "RSA key of 1024 bits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, data := f.raw(http.MethodPost, "/order/certificate/"+tt.product, tokenAlice, tt.body)
			assert.Equal(t, tt.status, status, string(data))
			e := errorBody(t, h, data)
			assert.Equal(t, tt.typ, e.Error)
			assert.Contains(t, e.Description, tt.desc)
		})
	}
	assert.Equal(t, AccountStats{}, f.srv.Stats()["alice"], "no order was placed")
	assert.Empty(t, mustOrders(t, f.alice))

	t.Run("through the client", func(t *testing.T) {
		_, err := f.alice.PlaceOrder(context.Background(), "nope", orderRequest{Domain: "example.com", Years: 1, CSR: csr, contacts: testContacts()})
		assert.True(t, statusOf(err) == 404)
		assert.Equal(t, ErrTypeNotFound, errType(err))
	})
}

func manyNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "n" + itoa(int64(i)) + ".example.com"
	}
	return out
}

func TestResponsesAsDocumented(t *testing.T) {
	f := newFixture(t)
	id := f.issued(f.alice, "z.example.com")
	ids := itoa(id)

	status, h, data := f.raw(http.MethodGet, "/certificate/order_id/"+ids+"/format/pem_intermediate", tokenAlice, nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "text/plain", h.Get("Content-Type"))
	assert.Equal(t, 2, bytes.Count(data, []byte("BEGIN CERTIFICATE")))

	_, csr := newCSR(t, "z.example.com")
	status, _, data = f.raw(http.MethodPost, "/certificate/order_id/"+ids+"/reissue", tokenAlice, reissueRequest{CSR: csr})
	assert.Equal(t, http.StatusAccepted, status, string(data))
	assert.Empty(t, data)
	status, _, data = f.raw(http.MethodPut, "/certificate/order_id/"+ids+"/cancel-reissue", tokenAlice, nil)
	assert.Equal(t, http.StatusAccepted, status, string(data))
	assert.Empty(t, data)

	status, h, data = f.raw(http.MethodPost, "/order/certificate/rapidssl-rapidssl-dv", tokenAlice,
		orderRequest{Domain: "y.example.com", Years: 1, CSR: csrFor(t, mustKey(t), "y.example.com"), contacts: testContacts()})
	assert.Equal(t, http.StatusCreated, status, string(data))
	assert.Equal(t, "application/json", h.Get("Content-Type"))
	assert.JSONEq(t, `{"order_id":`+itoa(id+1)+`}`, string(data))

	// Details carry the documented names only (plus sandbox_note when set).
	status, _, data = f.raw(http.MethodGet, "/order/order_id/"+ids, tokenAlice, nil)
	require.Equal(t, http.StatusOK, status)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	for _, k := range []string{"product_type", "product_code", "domain", "dns_names", "sans_order_count", "years", "csr",
		"certificate_serial_number", "owner_name", "auth_email", "tech_tel", "inserted", "published", "expired",
		"dv_auth_method", "dv_auth_content", "state", "days_remaining", "auto_reissue"} {
		assert.Contains(t, m, k)
	}
	assert.NotContains(t, m, "invoice_name", "invoice fields are not in the documented details")
	assert.NotContains(t, m, "sandbox_note")
}
