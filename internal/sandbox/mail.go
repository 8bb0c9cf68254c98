package sandbox

// Domain validation by e-mail: SSLmarket and CyberSSL "send" their
// approval mails into the sandbox's mailbox; end-to-end tests list them on
// GET /sandbox/mail and "click the link" of one with
// POST /sandbox/mail/{id}/approve.

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
)

// MailPath is the mailbox endpoint:
//
//	GET MailPath[?provider=&account=&order=&name=]
//	    200, a JSON array of mailbox.Mail in the order sent: {"id",
//	    "provider", "account", "orderID", "name", "to", "sentAt",
//	    "approved", "void"}; every given filter must match ("order" is the
//	    provider's order id, "name" the DNS name validated); 400 for an
//	    unknown parameter or provider
//	POST MailPath/{id}/approve
//	    200 with the approved mail (approving again is fine), 404 for an
//	    unknown id, 409 for a void mail (its name changed method, a newer
//	    mail replaced it, or its order no longer waits for validation)
//
// Errors are {"error": "..."}.
const MailPath = "/sandbox/mail"

// serveMails serves GET MailPath.
func (s *Sandbox) serveMails(w http.ResponseWriter, r *http.Request) {
	f, err := mailFilter(r)
	if err != nil {
		writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeControlJSON(w, http.StatusOK, s.mailbox.List(f))
}

// mailFilter reads the filter of GET MailPath from the query.
func mailFilter(r *http.Request) (mailbox.Filter, error) {
	var f mailbox.Filter
	fields := map[string]*string{"provider": &f.Provider, "account": &f.Account, "order": &f.OrderID, "name": &f.Name}
	for key, values := range r.URL.Query() {
		field, ok := fields[key]
		if !ok {
			names := make([]string, 0, len(fields))
			for n := range fields {
				names = append(names, n)
			}
			sort.Strings(names)
			return f, fmt.Errorf("unknown query parameter %q: the filters are %s", key, strings.Join(names, ", "))
		}
		if len(values) > 1 {
			return f, fmt.Errorf("query parameter %q given %d times", key, len(values))
		}
		*field = strings.TrimSpace(values[0])
	}
	switch f.Provider {
	case "", ProviderSSLmarket, ProviderCyberSSL:
	default:
		return f, fmt.Errorf("provider %q: want %q or %q (the providers that validate by e-mail)", f.Provider, ProviderSSLmarket, ProviderCyberSSL)
	}
	f.Name = strings.TrimSuffix(strings.ToLower(f.Name), ".")
	return f, nil
}

// serveApproveMail serves POST MailPath/{id}/approve.
func (s *Sandbox) serveApproveMail(w http.ResponseWriter, r *http.Request) {
	m, err := s.mailbox.Approve(r.PathValue("id"))
	switch {
	case errors.Is(err, mailbox.ErrNotFound):
		writeControlJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	case errors.Is(err, mailbox.ErrVoid):
		writeControlJSON(w, http.StatusConflict, map[string]string{"error": err.Error()})
	case err != nil:
		writeControlJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
	default:
		writeControlJSON(w, http.StatusOK, m)
	}
}
