package sslmarket

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
)

// mailProvider is the Provider of the sandbox's mails.
const mailProvider = "sslmarket"

// approvers returns the addresses mailed to validate name: as documented,
// "the set of admin, administrator, hostmaster, postmaster and webmaster
// addresses on the affected domain" (the base name for a wildcard).
func approvers(name string) []string {
	base := strings.TrimPrefix(name, "*.")
	locals := []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"}
	out := make([]string, len(locals))
	for i, local := range locals {
		out[i] = local + "@" + base
	}
	return out
}

// sendMails mails the approvers of each of names of the Email order o.
// Call with s.mu held.
func (s *Server) sendMails(o *order, names []string) {
	for _, n := range names {
		m := s.env.Mailbox.Send(mailbox.Mail{
			Provider: mailProvider, Account: o.account, OrderID: strconv.FormatInt(o.id, 10), Name: n, To: approvers(n),
		}, s.approveMail(o.id, n, o.dcvGen))
		s.accounts[o.account].MailsSent++
		s.env.Log.Info("sslmarket validation e-mail sent", "account", o.account, "orderID", o.id, "name", n, "mailID", m.ID)
	}
}

// voidMails voids the mails of order o, whose method left Email. Call with
// s.mu held.
func (s *Server) voidMails(o *order) {
	s.env.Mailbox.Void(mailbox.Filter{Provider: mailProvider, OrderID: strconv.FormatInt(o.id, 10)},
		fmt.Sprintf("order %d now uses %s validation", o.id, o.method))
}

// approveMail returns the approval of the mail sent for name of order id
// while its validation generation was gen: the name passes, and once every
// name passed the order is validated (issued IssueDelay later, on a poll).
func (s *Server) approveMail(id int64, name string, gen int) mailbox.ApproveFunc {
	return func(mailbox.Mail) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		o := s.orders[id]
		switch {
		case o == nil:
			return mailbox.Voidf("order %d does not exist", id)
		case o.dcvGen != gen || o.method != dvAuthEmail:
			return mailbox.Voidf("order %d now uses %s validation", id, o.method)
		case o.passed[name]:
			return nil
		case !o.waitsForValidation():
			return mailbox.Voidf("order %d no longer waits for validation (state %s)", id, o.state)
		}
		o.passed[name] = true
		s.env.Log.Info("sslmarket name validated", "account", o.account, "orderID", o.id, "name", name, "dvAuthMethod", o.method)
		if pending := o.pendingNames(); len(pending) > 0 {
			o.note = emailNote(pending)
		} else if o.validated.IsZero() {
			o.validated = s.env.Now()
			o.note = ""
		}
		return nil
	}
}

// pendingNames returns the names not yet validated. Call with s.mu held.
func (o *order) pendingNames() []string {
	var out []string
	for _, n := range o.names() {
		if !o.passed[n] {
			out = append(out, n)
		}
	}
	return out
}

// emailNote is the sandbox_note of an Email order waiting for approvals.
func emailNote(pending []string) string {
	return "waiting for the approval of the validation e-mail for " + strings.Join(pending, ", ") +
		" (sandbox: GET /sandbox/mail, POST /sandbox/mail/{id}/approve)"
}
