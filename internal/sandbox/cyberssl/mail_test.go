package cyberssl

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
)

// mails returns the mails of order id (of domain only, if set).
func (f *fixture) mails(id int64, domain string) []mailbox.Mail {
	return f.srv.env.Mailbox.List(mailbox.Filter{Provider: "cyberssl", OrderID: orderIDString(id), Name: domain})
}

// approve approves mail m and requires success.
func (f *fixture) approve(m mailbox.Mail) {
	f.t.Helper()
	got, err := f.srv.env.Mailbox.Approve(m.ID)
	require.NoError(f.t, err)
	assert.True(f.t, got.Approved)
}

// emailOrder places an order for names with dv_method.
func (f *fixture) emailOrder(c *wireClient, dvMethod string, names ...string) (int64, keyCSR) {
	f.t.Helper()
	csr := newCSR(f.t, names[0])
	p := orderParams(csr.pem, names[1:]...)
	p.Set("dv_method", dvMethod)
	o, err := c.AddOrder(p)
	require.NoError(f.t, err)
	assert.Nil(f.t, o.DVOptions, "no dv_options for email")
	return o.OrderID, csr
}

func TestEmailValidation(t *testing.T) {
	names := []string{"a.example.com", "b.example.com", "c.example.com"}
	tests := []struct {
		name     string
		dvMethod string
		wantTo   map[string]string
	}{
		{
			name:     "one address for every domain",
			dvMethod: "email:hostmaster@example.com",
			wantTo:   map[string]string{"a.example.com": "hostmaster@example.com", "b.example.com": "hostmaster@example.com", "c.example.com": "hostmaster@example.com"},
		},
		{
			name:     "one address per domain",
			dvMethod: "email:admin@a.example.com,webmaster@b.example.com,postmaster@c.example.com",
			wantTo:   map[string]string{"a.example.com": "admin@a.example.com", "b.example.com": "webmaster@b.example.com", "c.example.com": "postmaster@c.example.com"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0)
			c := f.client(keyAlice)
			id, csr := f.emailOrder(c, tt.dvMethod, names...)

			mails := f.mails(id, "")
			require.Len(t, mails, len(names))
			for i, m := range mails {
				assert.Equal(t, names[i], m.Name)
				assert.Equal(t, []string{tt.wantTo[m.Name]}, m.To, m.Name)
				assert.Equal(t, "alice", m.Account)
				assert.False(t, m.Approved || m.Void)
			}

			// Each approval validates its domain; the order moves on when
			// the last one is approved.
			for _, m := range mails[:2] {
				f.approve(m)
				st, err := c.OrderStatus(id)
				require.NoError(t, err)
				assert.Equal(t, statusAwaitingValidation, st.Status)
			}
			f.approve(mails[0]) // again: fine
			f.approve(mails[2])
			st, err := c.OrderStatus(id)
			require.NoError(t, err)
			f.verifyIssued(st, csr.key, names)
			assert.Empty(t, f.files.Requested(), "no file is fetched for email")
			assert.Equal(t, AccountStats{Orders: 1, Activated: 1, MailsSent: 3}, f.srv.Stats()["alice"])
		})
	}
}

func TestEmailIssueDelay(t *testing.T) {
	const delay = 5 * time.Minute
	f := newFixture(t, delay)
	c := f.client(keyAlice)
	id, _ := f.emailOrder(c, "email:admin@a.example.com", "a.example.com")
	f.approve(f.mails(id, "")[0])
	st, err := c.OrderStatus(id)
	require.NoError(t, err)
	assert.Equal(t, statusProcessing, st.Status)
	f.clock.Advance(delay)
	st, err = c.OrderStatus(id)
	require.NoError(t, err)
	assert.Equal(t, statusActivated, st.Status)
}

func TestChangeDVMethodMails(t *testing.T) {
	tests := []struct {
		name string
		// from is the dv_method of add_ssl_order, to the change of
		// b.example.com (email: an address).
		from, to, email string
		// wantOld is whether b's first mail (if any) can still be
		// approved; wantNew whether a new mail went to email.
		wantOld, wantNew bool
	}{
		{name: "email to dns voids the mail", from: "email:admin@example.com", to: dvDNS},
		{name: "email to http voids the mail", from: "email:admin@example.com", to: dvHTTP},
		{name: "email to email replaces the mail", from: "email:admin@example.com", to: dvEmail, email: "webmaster@b.example.com", wantNew: true},
		{name: "dns to email sends a mail", from: dvDNS, to: dvEmail, email: "hostmaster@b.example.com", wantNew: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0)
			c := f.client(keyAlice)
			csr := newCSR(t, "a.example.com")
			p := orderParams(csr.pem, "b.example.com")
			p.Set("dv_method", tt.from)
			o, err := c.AddOrder(p)
			require.NoError(t, err)
			oldB := f.mails(o.OrderID, "b.example.com")

			_, err = c.ChangeDVMethod(o.OrderID, "b.example.com", tt.to, tt.email)
			require.NoError(t, err)

			// b's earlier mails are void: approving is refused.
			for _, m := range oldB {
				_, err := f.srv.env.Mailbox.Approve(m.ID)
				require.ErrorIs(t, err, mailbox.ErrVoid)
				assert.Contains(t, err.Error(), "change_dv_method set the method of b.example.com to "+tt.to)
			}
			all := f.mails(o.OrderID, "b.example.com")
			for _, m := range all[:len(oldB)] {
				assert.True(t, m.Void, m.ID)
			}
			newB := all[len(oldB):]
			if !tt.wantNew {
				assert.Empty(t, newB)
				return
			}
			require.Len(t, newB, 1)
			assert.Equal(t, []string{tt.email}, newB[0].To)
			assert.False(t, newB[0].Void)

			// a is untouched: its mail (if email) still validates it.
			for _, m := range f.mails(o.OrderID, "a.example.com") {
				assert.False(t, m.Void)
				f.approve(m)
			}
			if tt.from == dvDNS {
				f.publishDNS(o.DVOptions, "a.example.com")
			}
			f.approve(newB[0])
			st, err := c.OrderStatus(o.OrderID)
			require.NoError(t, err)
			f.verifyIssued(st, csr.key, []string{"a.example.com", "b.example.com"})
		})
	}
}

func TestReissueVoidsMails(t *testing.T) {
	f := newFixture(t, 0)
	c := f.client(keyAlice)
	id, _ := f.emailOrder(c, "email:admin@a.example.com", "a.example.com")
	first := f.mails(id, "")
	require.Len(t, first, 1)
	f.approve(first[0])
	st, err := c.OrderStatus(id)
	require.NoError(t, err)
	require.Equal(t, statusActivated, st.Status)

	// A reissue by email mails again and voids the earlier mails.
	csr := newCSR(t, "a.example.com")
	_, err = c.Reissue(reissueParams(id, "email:postmaster@a.example.com", csr.pem))
	require.NoError(t, err)
	all := f.mails(id, "")
	require.Len(t, all, 2)
	assert.True(t, all[0].Void && all[0].Approved)
	assert.Equal(t, []string{"postmaster@a.example.com"}, all[1].To)
	_, err = f.srv.env.Mailbox.Approve(all[0].ID)
	require.ErrorIs(t, err, mailbox.ErrVoid)
	st, err = c.OrderStatus(id)
	require.NoError(t, err)
	assert.Equal(t, statusAwaitingValidation, st.Status)
	f.approve(all[1])
	st, err = c.OrderStatus(id)
	require.NoError(t, err)
	f.verifyIssued(st, csr.key, []string{"a.example.com"})

	// A reissue by http voids the mail, sends none.
	_, err = c.Reissue(reissueParams(id, dvHTTP, newCSR(t, "a.example.com").pem))
	require.NoError(t, err)
	all = f.mails(id, "")
	require.Len(t, all, 2)
	assert.True(t, all[1].Void)
	assert.Equal(t, AccountStats{Orders: 1, Reissues: 2, Pending: 1, MailsSent: 2}, f.srv.Stats()["alice"])
}

func TestApproveUnknownMail(t *testing.T) {
	f := newFixture(t, 0)
	_, err := f.srv.env.Mailbox.Approve("m1")
	assert.ErrorIs(t, err, mailbox.ErrNotFound)
}
