package cyberssl_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
)

func TestFlowDNSAndEmailWait(t *testing.T) {
	t.Run("dns", func(t *testing.T) {
		f := newFixture(t)
		f.r.ProductID, f.r.DVMethod = 2, cyberssl.DVMethodDNS
		_, err := f.step(t, request(t, "*.example.com", "example.com"))
		p, pending := ca.IsPending(err)
		require.True(t, pending, "%v", err)
		open := f.journal.Load(t).OpenChallenges()
		require.Len(t, open, 2)
		for _, ch := range open {
			assert.Equal(t, ca.DNS01, ch.Type)
			assert.Equal(t, "CNAME", ch.RecordType)
			assert.True(t, strings.HasSuffix(ch.Record, ".example.com"), ch.Record)
			assert.NotEmpty(t, ch.Content)
		}
		assert.Contains(t, p.Reason, "CNAME")
		assert.Equal(t, 1, f.orders())
	})
	t.Run("email", func(t *testing.T) {
		f := newFixture(t)
		f.r.DVMethod, f.r.Approvers = cyberssl.DVMethodEmail, []string{"admin@example.com"}
		req := request(t, "example.com", "www.example.com")
		_, err := f.step(t, req)
		p, pending := ca.IsPending(err)
		require.True(t, pending, "%v", err)
		assert.Contains(t, p.Reason, "admin@example.com")
		assert.Equal(t, []ca.Challenge{
			{Name: "example.com", Type: ca.Email, Content: "admin@example.com"},
			{Name: "www.example.com", Type: ca.Email, Content: "admin@example.com"},
		}, f.journal.Load(t).OpenChallenges())
		_, err = f.step(t, req)
		require.True(t, isPending(err), "%v", err)
		assert.Equal(t, 1, f.orders())
	})
}

func isPending(err error) bool {
	_, ok := ca.IsPending(err)
	return ok
}

// openMails are the mails not yet approved nor void.
func (f *fixture) openMails() []mailbox.Mail {
	var out []mailbox.Mail
	for _, m := range f.mail.List(mailbox.Filter{}) {
		if !m.Approved && !m.Void {
			out = append(out, m)
		}
	}
	return out
}

func TestFlowEmailApproved(t *testing.T) {
	f := newFixture(t)
	f.r.DVMethod, f.r.Approvers = cyberssl.DVMethodEmail, []string{"admin@example.com"}
	names := []string{"example.com", "www.example.com"}
	req := request(t, names...)
	_, err := f.step(t, req)
	require.True(t, isPending(err), "%v", err)
	mails := f.openMails()
	require.Len(t, mails, 2)
	for _, m := range mails {
		assert.Equal(t, []string{"admin@example.com"}, m.To)
		_, err := f.mail.Approve(m.ID)
		require.NoError(t, err)
	}
	res, err := f.drive(t, req)
	require.NoError(t, err)
	requireIssued(t, res, names...)
	assert.Equal(t, 1, f.orders())
}

// Names whose solver asks for another method than the order's are switched
// with change_dv_method; so are names whose method the Issuer changes later.
func TestFlowPerNameMethods(t *testing.T) {
	f := newFixture(t)
	methods := map[string][2]string{
		"example.com":     {cyberssl.DVMethodHTTP, ""},
		"www.example.com": {cyberssl.DVMethodEmail, "ops@example.com"},
	}
	kinds := map[string]string{cyberssl.DVMethodHTTP: ca.HTTP01, cyberssl.DVMethodDNS: ca.DNS01, cyberssl.DVMethodEmail: ca.Email}
	f.presenter.methods = func(name string) ca.Method { m := methods[name]; return ca.Method{Type: kinds[m[0]], Approver: m[1]} }
	names := []string{"example.com", "www.example.com"}
	req := request(t, names...)
	_, err := f.step(t, req)
	require.True(t, isPending(err), "%v", err)
	mails := f.openMails()
	require.Len(t, mails, 1, "ordered with http for every name, then www switched to email")
	assert.Equal(t, "www.example.com", mails[0].Name)
	assert.Equal(t, []string{"ops@example.com"}, mails[0].To)
	st := f.journal.Load(t)
	assert.Equal(t, "http", st.Name("example.com").Method)
	assert.Equal(t, "email:ops@example.com", st.Name("www.example.com").Method)

	// The Issuer changes its mind: www goes back to http, and the mail is
	// void.
	methods["www.example.com"] = [2]string{cyberssl.DVMethodHTTP, ""}
	res, err := f.drive(t, req)
	require.NoError(t, err)
	requireIssued(t, res, names...)
	_, err = f.mail.Approve(mails[0].ID)
	require.ErrorIs(t, err, mailbox.ErrVoid)
	assert.Equal(t, 1, f.orders())
}
