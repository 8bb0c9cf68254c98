package sslmarket

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
)

// mails returns the mails of order id.
func (f *fixture) mails(id int64) []mailbox.Mail {
	return f.srv.env.Mailbox.List(mailbox.Filter{Provider: "sslmarket", OrderID: itoa(id)})
}

// approve approves mail m and requires success.
func (f *fixture) approve(m mailbox.Mail) {
	f.t.Helper()
	got, err := f.srv.env.Mailbox.Approve(m.ID)
	require.NoError(f.t, err)
	assert.True(f.t, got.Approved)
}

func mailNames(mails []mailbox.Mail) []string {
	out := []string{}
	for _, m := range mails {
		out = append(out, m.Name)
	}
	return out
}

func TestEmailValidation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	names := []string{"*.example.com", "example.com", "www.example.org"}
	key, csr := newCSR(t, names...)
	id := f.place(f.alice, "rapidssl-rapidssl-wildcard-dv", orderRequest{
		Domain: names[0], DNSNames: names[1:], Years: 1, CSR: csr, DVAuthMethod: dvAuthEmail, contacts: testContacts(),
	})

	// One mail per name, to the five documented addresses of the name (the
	// base name for the wildcard).
	sent := f.mails(id)
	require.Len(t, sent, 3)
	assert.Equal(t, names, mailNames(sent))
	recipients := map[string][]string{
		"*.example.com":   {"admin@example.com", "administrator@example.com", "hostmaster@example.com", "postmaster@example.com", "webmaster@example.com"},
		"example.com":     {"admin@example.com", "administrator@example.com", "hostmaster@example.com", "postmaster@example.com", "webmaster@example.com"},
		"www.example.org": {"admin@www.example.org", "administrator@www.example.org", "hostmaster@www.example.org", "postmaster@www.example.org", "webmaster@www.example.org"},
	}
	for _, m := range sent {
		assert.Equal(t, recipients[m.Name], m.To, m.Name)
		assert.Equal(t, "alice", m.Account)
		assert.Equal(t, f.clock.Now(), m.SentAt)
		assert.False(t, m.Approved || m.Void)
	}
	d := f.poll(f.alice, id)
	assert.Equal(t, stateProcessing, d.State)
	assert.Empty(t, d.DVAuthContent)
	assert.Contains(t, f.note(id), "waiting for the approval of the validation e-mail for *.example.com, example.com, www.example.org")

	// Resend: a new mail for every name; the first ones stay approvable.
	status, _, data := f.raw(http.MethodPut, "/certificate/order_id/"+itoa(id)+"/resend", tokenAlice, nil)
	assert.Equal(t, http.StatusAccepted, status, string(data))
	assert.Empty(t, data)
	resent := f.mails(id)[3:]
	require.Len(t, resent, 3)
	assert.Equal(t, names, mailNames(resent))
	f.approve(sent[0])
	f.approve(resent[1])
	f.approve(sent[0]) // again: fine
	f.approve(resent[0])
	assert.Contains(t, f.note(id), "waiting for the approval of the validation e-mail for www.example.org")

	// Resend now mails the one name left.
	require.NoError(t, f.alice.ResendDCVEmail(ctx, id))
	last := f.mails(id)[6:]
	require.Len(t, last, 1)
	assert.Equal(t, "www.example.org", last[0].Name)

	// The last approval validates the order: it is issued IssueDelay later,
	// as FILE and DNS orders are.
	f.approve(last[0])
	assert.Equal(t, stateProcessing, f.poll(f.alice, id).State)
	assert.Empty(t, f.note(id))
	f.clock.Advance(issueDelay / 2)
	assert.Equal(t, stateProcessing, f.poll(f.alice, id).State)
	f.clock.Advance(issueDelay / 2)
	require.Equal(t, statePublished, f.poll(f.alice, id).State)
	leaf := sandboxtest.ParseCerts(t, must(f.alice.Download(ctx, id, formatPEMServer)))[0]
	f.verify(leaf, names, key)
	assert.Empty(t, f.files.Requested(), "no file is fetched for Email")
	assert.Empty(t, f.dns.Queries(), "no DNS record is asked for Email")

	// An unapproved mail of a validated name is harmless.
	f.approve(sent[2])
	assert.Equal(t, AccountStats{Orders: 1, Downloads: 1, Issued: 1, MailsSent: 7}, f.srv.Stats()["alice"])
	assert.Contains(t, f.logs.String(), "sslmarket validation e-mail sent")
}

func TestEmailApprovalBeforeFirstPoll(t *testing.T) {
	f := newFixture(t)
	_, csr := newCSR(t, "a.example.com")
	id := f.place(f.alice, "rapidssl-rapidssl-dv", orderRequest{Domain: "a.example.com", Years: 1, CSR: csr, contacts: testContacts()})
	sent := f.mails(id)
	require.Len(t, sent, 1, "Email is the default method")
	f.approve(sent[0])
	f.clock.Advance(issueDelay)
	assert.Equal(t, statePublished, f.poll(f.alice, id).State)
}

func TestResendRefused(t *testing.T) {
	f := newFixture(t)
	place := func(method string) int64 {
		_, csr := newCSR(t, "r.example.com")
		return f.place(f.alice, "rapidssl-rapidssl-dv", orderRequest{Domain: "r.example.com", Years: 1, CSR: csr, DVAuthMethod: method, contacts: testContacts()})
	}
	fileID := place(dvAuthFile)
	f.poll(f.alice, fileID)
	dnsID := place(dvAuthDNS)
	publishedID := f.issued(f.alice, "p.example.com")
	validatedID := place(dvAuthEmail)
	f.approve(f.mails(validatedID)[0])

	tests := []struct {
		name       string
		token      string
		id         string
		wantStatus int
		wantType   string
		wantDesc   string
	}{
		{"file-validated order", tokenAlice, itoa(fileID), http.StatusBadRequest, ErrTypeInvalidParameter,
			"invalid parameter dv_auth_method: order " + itoa(fileID) + " uses FILE validation, there is no e-mail to resend"},
		{"dns-validated order", tokenAlice, itoa(dnsID), http.StatusBadRequest, ErrTypeInvalidParameter, "uses DNS validation"},
		{"published order", tokenAlice, itoa(publishedID), http.StatusConflict, ErrTypeInvalidState, "is not waiting for validation (state published)"},
		{"every name validated", tokenAlice, itoa(validatedID), http.StatusConflict, ErrTypeInvalidState, "is validated already"},
		{"unknown order", tokenAlice, "999999", http.StatusNotFound, ErrTypeNotFound, "order 999999 not found"},
		{"another account's order", tokenBob, itoa(validatedID), http.StatusNotFound, ErrTypeNotFound, "not found"},
	}
	before := len(f.srv.env.Mailbox.List(mailbox.Filter{}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, data := f.raw(http.MethodPut, "/certificate/order_id/"+tt.id+"/resend", tt.token, nil)
			assert.Equal(t, tt.wantStatus, status, string(data))
			e := errorBody(t, h, data)
			assert.Equal(t, tt.wantType, e.Error)
			assert.Contains(t, e.Description, tt.wantDesc)
		})
	}
	assert.Len(t, f.srv.env.Mailbox.List(mailbox.Filter{}), before, "no mail is sent by a refused resend")
}

func TestEditVoidsMails(t *testing.T) {
	tests := []struct {
		name string
		// to is the method the Email order is edited to.
		to        string
		wantVoid  bool
		wantMails int
	}{
		{name: "to FILE", to: dvAuthFile, wantVoid: true, wantMails: 1},
		{name: "to DNS", to: dvAuthDNS, wantVoid: true, wantMails: 1},
		{name: "to Email again (no change)", to: dvAuthEmail, wantVoid: false, wantMails: 1},
		{name: "contacts only", to: "", wantVoid: false, wantMails: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			_, csr := newCSR(t, "e.example.com")
			id := f.place(f.alice, "rapidssl-rapidssl-dv", orderRequest{Domain: "e.example.com", Years: 1, CSR: csr, DVAuthMethod: dvAuthEmail, contacts: testContacts()})
			require.NoError(t, f.alice.EditOrder(ctx, id, orderEdit{DVAuthMethod: tt.to, contacts: contacts{people: people{TechEmail: "ops@example.com"}}}))
			mails := f.mails(id)
			require.Len(t, mails, tt.wantMails)
			assert.Equal(t, tt.wantVoid, mails[0].Void)
			_, err := f.srv.env.Mailbox.Approve(mails[0].ID)
			if tt.wantVoid {
				require.ErrorIs(t, err, mailbox.ErrVoid)
				assert.Contains(t, err.Error(), "order "+itoa(id)+" now uses")
				assert.NotEqual(t, statePublished, f.poll(f.alice, id).State)
				return
			}
			require.NoError(t, err)
			f.poll(f.alice, id)
			f.clock.Advance(issueDelay)
			assert.Equal(t, statePublished, f.poll(f.alice, id).State)
		})
	}
}

func TestEditToEmailSendsMails(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	names := []string{"a.example.com", "b.example.com"}
	_, csr := newCSR(t, names...)
	id := f.place(f.alice, "rapidssl-rapidssl-dv", orderRequest{Domain: names[0], DNSNames: names[1:], Years: 1, CSR: csr, DVAuthMethod: dvAuthEmail, contacts: testContacts()})
	first := f.mails(id)
	require.Len(t, first, 2)
	f.approve(first[0])

	// Email -> FILE voids both; FILE -> Email mails both names again, the
	// approval of the first round no longer counts.
	require.NoError(t, f.alice.EditOrder(ctx, id, orderEdit{DVAuthMethod: dvAuthFile}))
	require.NoError(t, f.alice.EditOrder(ctx, id, orderEdit{DVAuthMethod: dvAuthEmail}))
	all := f.mails(id)
	require.Len(t, all, 4)
	assert.True(t, all[0].Void && all[0].Approved, "approved, then voided")
	assert.True(t, all[1].Void)
	second := all[2:]
	assert.Equal(t, names, mailNames(second))
	_, err := f.srv.env.Mailbox.Approve(first[1].ID)
	assert.ErrorIs(t, err, mailbox.ErrVoid)

	f.approve(second[0])
	f.clock.Advance(issueDelay)
	assert.Equal(t, stateProcessing, f.poll(f.alice, id).State, "b.example.com is not approved yet")
	f.approve(second[1])
	f.clock.Advance(issueDelay)
	assert.Equal(t, statePublished, f.poll(f.alice, id).State)
	assert.Equal(t, 4, f.srv.Stats()["alice"].MailsSent)
}

// TestConcurrentResendAndApprove runs resends (which send under the
// server's lock) against approvals (which take it from the mailbox) and
// polls: no deadlock, and the order is issued once.
func TestConcurrentResendAndApprove(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	names := []string{"a.example.com", "b.example.com", "c.example.com"}
	_, csr := newCSR(t, names...)
	id := f.place(f.alice, "rapidssl-rapidssl-dv", orderRequest{Domain: names[0], DNSNames: names[1:], Years: 1, CSR: csr, contacts: testContacts()})

	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5 {
				// Refused with 409 once every name is validated.
				if err := f.alice.ResendDCVEmail(ctx, id); err != nil {
					assert.True(t, statusOf(err) == 409, "%v", err)
				}
			}
		})
		wg.Go(func() {
			for range 5 {
				for _, m := range f.mails(id) {
					_, err := f.srv.env.Mailbox.Approve(m.ID)
					assert.NoError(t, err)
				}
				_, err := f.alice.Order(ctx, id)
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	for _, m := range f.mails(id) {
		_, err := f.srv.env.Mailbox.Approve(m.ID)
		require.NoError(t, err)
	}
	f.clock.Advance(issueDelay)
	assert.Equal(t, statePublished, f.poll(f.alice, id).State)
	assert.Equal(t, len(f.mails(id)), f.srv.Stats()["alice"].MailsSent)
}
