package cyberssl

import (
	"strconv"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
)

// mailProvider is the Provider of the sandbox's mails.
const mailProvider = "cyberssl"

// sendMail mails the approver address of the email-validated name n of o;
// the new mail replaces any earlier one of n. Called with s.mu held.
func (s *Server) sendMail(o *order, n string) {
	d := o.dcv[n]
	m := s.env.Mailbox.Send(mailbox.Mail{
		Provider: mailProvider, Account: o.account, OrderID: orderIDString(o.id), Name: n, To: []string{d.email},
	}, s.approveMail(o.id, n, d))
	d.mail = m.ID
	s.accounts[o.account].stats.MailsSent++
	s.env.Log.Info("cyberssl validation email sent", "account", o.account, "orderID", o.id, "domain", n, "mailID", m.ID)
}

// sendMails mails every email-validated name of o. Called with s.mu held.
func (s *Server) sendMails(o *order) {
	for _, n := range o.names {
		if o.dcv[n].method == dvEmail {
			s.sendMail(o, n)
		}
	}
}

// voidMails voids the mails of order o: of name n only, if set. Called
// with s.mu held.
func (s *Server) voidMails(o *order, n, reason string) {
	s.env.Mailbox.Void(mailbox.Filter{Provider: mailProvider, OrderID: orderIDString(o.id), Name: n}, reason)
}

// approveMail returns the approval of the mail sent for name n of order id
// with validation state d: n is validated, and the order moves on at its
// next order_status as with the other methods. The mail is void once d is
// no longer n's validation, or no longer by this mail.
func (s *Server) approveMail(id int64, n string, d *dcv) mailbox.ApproveFunc {
	return func(m mailbox.Mail) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		o := s.orders[id]
		switch {
		case o == nil:
			return mailbox.Voidf("order %d does not exist", id)
		case o.dcv[n] != d:
			return mailbox.Voidf("order %d was reissued", id)
		case d.method != dvEmail:
			return mailbox.Voidf("%s of order %d now uses %s validation", n, id, d.method)
		case d.mail != m.ID:
			return mailbox.Voidf("a newer mail (%s) replaced it", d.mail)
		case d.validated:
			return nil
		case o.status != statusValidating:
			return mailbox.Voidf("order %d is %s", id, o.status)
		}
		d.validated = true
		s.env.Log.Info("cyberssl domain validated", "account", o.account, "orderID", id, "domain", n, "dvMethod", d.method)
		return nil
	}
}

func orderIDString(id int64) string { return strconv.FormatInt(id, 10) }
