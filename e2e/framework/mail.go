package framework

import (
	"context"
	"encoding/json"
	"net/url"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
)

// Mails returns the domain validation e-mails the sandbox sent
// (GET /sandbox/mail), in the order sent, selected by filter: its empty
// fields match every mail; OrderID is the provider's order id, Name the
// DNS name validated.
func (s *Stack) Mails(ctx context.Context, filter mailbox.Filter) ([]mailbox.Mail, error) {
	q := url.Values{}
	for key, v := range map[string]string{"provider": filter.Provider, "account": filter.Account, "order": filter.OrderID, "name": filter.Name} {
		if v != "" {
			q.Set(key, v)
		}
	}
	path := sandbox.MailPath
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var mails []mailbox.Mail
	return mails, s.getJSON(ctx, path, &mails)
}

// ApproveMail "clicks the link" of one mail (POST /sandbox/mail/{id}/approve):
// the provider that sent it marks that name of that order validated.
// Approving an approved mail again is fine; an unknown id or a void mail
// is an error.
func (s *Stack) ApproveMail(ctx context.Context, id string) (mailbox.Mail, error) {
	var m mailbox.Mail
	body, err := s.post(ctx, sandbox.MailPath+"/"+url.PathEscape(id)+"/approve", nil)
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(body, &m)
}

// ApproveMails approves every mail selected by filter that is neither
// approved nor void, and returns them as approved.
func (s *Stack) ApproveMails(ctx context.Context, filter mailbox.Filter) ([]mailbox.Mail, error) {
	mails, err := s.Mails(ctx, filter)
	if err != nil {
		return nil, err
	}
	var approved []mailbox.Mail
	for _, m := range mails {
		if m.Approved || m.Void {
			continue
		}
		m, err := s.ApproveMail(ctx, m.ID)
		if err != nil {
			return approved, err
		}
		approved = append(approved, m)
	}
	return approved, nil
}
