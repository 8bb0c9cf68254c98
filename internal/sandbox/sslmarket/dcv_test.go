package sslmarket

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/webcheck"
)

func TestOtherMethodsWait(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	// DNS, on a wildcard product with a wildcard name, no record published.
	_, csr := newCSR(t, "*.example.com", "example.com")
	dnsID := f.place(f.alice, "rapidssl-wildcard-dv", orderRequest{
		Domain: "*.example.com", DNSNames: []string{"example.com"}, Years: 1, CSR: csr,
		DVAuthMethod: dvAuthDNS, contacts: testContacts(),
	})
	// Email is the default method.
	_, csr = newCSR(t, "mail.example.com")
	mailID := f.place(f.alice, "digicert-standard-ssl", orderRequest{Domain: "mail.example.com", Years: 1, CSR: csr, contacts: testContacts()})

	var dnsContent string
	for range 3 {
		d := f.poll(f.alice, dnsID)
		dnsContent = d.DVAuthContent
		assert.Equal(t, stateProcessing, d.State)
		assert.Equal(t, dvAuthDNS, d.DVAuthMethod)
		assert.NotEmpty(t, d.DVAuthContent)
		d = f.poll(f.alice, mailID)
		assert.Equal(t, stateProcessing, d.State)
		assert.Equal(t, dvAuthEmail, d.DVAuthMethod)
		assert.Empty(t, d.DVAuthContent, "no content for Email")
		f.clock.Advance(24 * time.Hour)
	}
	// The wildcard and its base name share one record, told once.
	assert.Equal(t, `TXT record example.com: want "`+dnsContent+`", found none (asked `+f.dns.Addr+`)`, f.note(dnsID))
	assert.Contains(t, f.note(mailID), "waiting for the approval of the validation e-mail for mail.example.com")
	assert.Empty(t, f.files.Requested(), "no file is fetched for DNS or Email")

	require.NoError(t, f.alice.ResendDCVEmail(ctx, mailID))
	err := f.alice.ResendDCVEmail(ctx, dnsID)
	assert.True(t, statusOf(err) == 400, "%v", err)

	// Switching the Email order to FILE makes it issuable.
	require.NoError(t, f.alice.EditOrder(ctx, mailID, orderEdit{DVAuthMethod: dvAuthFile, contacts: contacts{people: people{TechEmail: "ops@example.com"}}}))
	d := f.poll(f.alice, mailID)
	assert.Equal(t, dvAuthFile, d.DVAuthMethod)
	assert.Equal(t, "ops@example.com", d.TechEmail)
	assert.Equal(t, "Jane", d.TechFirstname)
	f.files.Publish("mail.example.com", dcvFilePath, d.DVAuthContent)
	f.poll(f.alice, mailID)
	f.clock.Advance(issueDelay)
	assert.Equal(t, statePublished, f.poll(f.alice, mailID).State)

	// Published orders can be neither edited nor have e-mails resent.
	err = f.alice.EditOrder(ctx, mailID, orderEdit{contacts: contacts{people: people{TechEmail: "x@example.com"}}})
	assert.True(t, statusOf(err) == 409, "%v", err)
	err = f.alice.ResendDCVEmail(ctx, mailID)
	assert.True(t, statusOf(err) == 409, "%v", err)
	// FILE cannot be chosen for the wildcard order.
	err = f.alice.EditOrder(ctx, dnsID, orderEdit{DVAuthMethod: dvAuthFile})
	assert.True(t, statusOf(err) == 400, "%v", err)

	assert.Equal(t, AccountStats{Orders: 2, Issued: 1, Pending: 1, MailsSent: 2}, f.srv.Stats()["alice"])
}

func TestDNSValidation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	names := []string{"*.example.com", "example.com", "www.example.org"}
	key, csr := newCSR(t, names...)
	id := f.place(f.alice, "rapidssl-rapidssl-wildcard-dv", orderRequest{
		Domain: names[0], DNSNames: names[1:], Years: 1, CSR: csr, DVAuthMethod: dvAuthDNS, contacts: testContacts(),
	})
	d := f.poll(f.alice, id)
	assert.Equal(t, stateProcessing, d.State)
	assert.Equal(t, dvAuthDNS, d.DVAuthMethod)
	content := d.DVAuthContent
	require.NotEmpty(t, content)

	// Wrong values: the note names each record, the expected and the found
	// values; nothing passes.
	f.dns.AddTXT("example.com", "stale", "v=spf1 -all")
	f.dns.AddTXT("_acme-challenge.www.example.org", content)
	f.poll(f.alice, id)
	note := f.note(id)
	assert.Contains(t, note, `TXT record example.com: want "`+content+`", found "stale", "v=spf1 -all"`)
	assert.Contains(t, note, `TXT record www.example.org: want "`+content+`", found none`)
	assert.Equal(t, 1, strings.Count(note, "TXT record example.com"), note)
	f.clock.Advance(issueDelay)
	assert.Equal(t, stateProcessing, f.poll(f.alice, id).State)

	// The base name's record validates the wildcard and the base name.
	f.dns.AddTXT("example.com", content)
	f.poll(f.alice, id)
	note = f.note(id)
	assert.NotContains(t, note, "example.com:")
	assert.Contains(t, note, "TXT record www.example.org")
	assert.Contains(t, f.logs.String(), "name=*.example.com")

	f.dns.AddTXT("www.example.org", content)
	f.poll(f.alice, id)
	assert.Empty(t, f.note(id))
	queries := f.dns.Queries()
	assert.Contains(t, queries, "TXT example.com.")
	assert.Contains(t, queries, "TXT www.example.org.")
	assert.NotContains(t, queries, "TXT *.example.com.")
	assert.Empty(t, f.files.Requested(), "no file is fetched for DNS")

	f.clock.Advance(issueDelay)
	require.Equal(t, statePublished, f.poll(f.alice, id).State)
	leaf := sandboxtest.ParseCerts(t, must(f.alice.Download(ctx, id, formatPEMServer)))[0]
	f.verify(leaf, names, key)
}

func TestDNSValidationWithoutServer(t *testing.T) {
	f := newFixture(t)
	f.srv.env.DNSServer = ""
	_, csr := newCSR(t, "*.example.com")
	id := f.place(f.alice, "rapidssl-wildcard-dv", orderRequest{
		Domain: "*.example.com", Years: 1, CSR: csr, DVAuthMethod: dvAuthDNS, contacts: testContacts(),
	})
	content := f.poll(f.alice, id).DVAuthContent
	f.dns.AddTXT("example.com", content)
	f.poll(f.alice, id)
	note := f.note(id)
	assert.Contains(t, note, `TXT record example.com (want "`+content+`"): `)
	assert.Contains(t, note, "no DNS server")
	assert.Empty(t, f.dns.Queries())
	f.clock.Advance(issueDelay)
	assert.Equal(t, stateProcessing, f.poll(f.alice, id).State)
}

func TestEditChangesContent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, csr := newCSR(t, "a.example.com")
	id := f.place(f.alice, "rapidssl-rapidssl-dv", orderRequest{Domain: "a.example.com", Years: 1, CSR: csr, DVAuthMethod: dvAuthDNS, contacts: testContacts()})
	dnsContent := f.poll(f.alice, id).DVAuthContent
	require.NoError(t, f.alice.EditOrder(ctx, id, orderEdit{DVAuthMethod: dvAuthFile}))
	d := f.poll(f.alice, id)
	assert.NotEqual(t, dnsContent, d.DVAuthContent)

	// The old content does not validate; a new CSR is used at issuance.
	f.files.Publish("a.example.com", dcvFilePath, dnsContent)
	f.poll(f.alice, id)
	assert.Contains(t, f.note(id), "serves")
	key2, csr2 := newCSR(t, "a.example.com")
	require.NoError(t, f.alice.EditOrder(ctx, id, orderEdit{CSR: csr2}))
	f.files.Publish("a.example.com", dcvFilePath, d.DVAuthContent)
	f.poll(f.alice, id)
	f.clock.Advance(issueDelay)
	require.Equal(t, statePublished, f.poll(f.alice, id).State)
	leaf := sandboxtest.ParseCerts(t, must(f.alice.Download(ctx, id, formatPEMServer)))[0]
	f.verify(leaf, []string{"a.example.com"}, key2)

	// Invalid edits.
	status, h, data := f.raw(http.MethodPut, "/order/order_id/"+itoa(id), tokenAlice, map[string]string{"owner_country": "United Kingdom"})
	assert.Equal(t, 400, status)
	assert.Equal(t, ErrTypeInvalidParameter, errorBody(t, h, data).Error)
}

func TestDCVFailures(t *testing.T) {
	f := newFixture(t)
	_, csr := newCSR(t, "r.example.com")
	id := f.place(f.alice, "rapidssl-rapidssl-dv", orderRequest{Domain: "r.example.com", Years: 1, CSR: csr, DVAuthMethod: dvAuthFile, contacts: testContacts()})
	content := f.poll(f.alice, id).DVAuthContent

	// Published for another host only.
	f.files.Publish("other.example.com", dcvFilePath, content)
	f.poll(f.alice, id)
	assert.Contains(t, f.note(id), "unexpected status 404")

	// A redirect is not followed.
	redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, f.files.URL+r.URL.Path, http.StatusFound)
	}))
	defer redir.Close()
	f.srv.env.Web = webcheck.New(redir.Listener.Addr().String())
	f.files.Publish("r.example.com", dcvFilePath, content)
	f.poll(f.alice, id)
	assert.Contains(t, f.note(id), "unexpected status 302")

	// Nothing listening.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f.srv.env.Web = webcheck.New(ln.Addr().String())
	require.NoError(t, ln.Close())
	f.poll(f.alice, id)
	assert.Contains(t, f.note(id), "fetching http://r.example.com/.well-known/pki-validation/fileauth.txt")

	f.clock.Advance(24 * time.Hour)
	assert.Equal(t, stateProcessing, f.poll(f.alice, id).State)
	assert.Equal(t, AccountStats{Orders: 1, Pending: 1}, f.srv.Stats()["alice"])
}

func TestConcurrentPollsIssueOnce(t *testing.T) {
	f := newFixture(t)
	f.srv.env.IssueDelay = 0
	names := []string{"c.example.com", "d.example.com"}
	_, csr := newCSR(t, names...)
	id := f.place(f.alice, "rapidssl-rapidssl-dv", orderRequest{Domain: names[0], DNSNames: names[1:], Years: 1, CSR: csr, DVAuthMethod: dvAuthFile, contacts: testContacts()})
	content := f.poll(f.alice, id).DVAuthContent
	for _, n := range names {
		f.files.Publish(n, dcvFilePath, content)
	}
	var wg sync.WaitGroup
	serials := make([]string, 8)
	for i := range serials {
		wg.Go(func() {
			d, err := f.alice.Order(context.Background(), id)
			if assert.NoError(t, err) {
				serials[i] = d.CertificateSerialNumber
			}
		})
	}
	wg.Wait()
	d := f.poll(f.alice, id)
	require.Equal(t, statePublished, d.State)
	for _, s := range serials {
		assert.Equal(t, d.CertificateSerialNumber, s, "one certificate only")
	}
	assert.Equal(t, 1, strings.Count(f.logs.String(), "sslmarket certificate issued"))
}
