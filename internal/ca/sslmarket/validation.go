package sslmarket

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// waiting makes sure the order's validation is published and says what the
// order waits for.
func (r *Reseller) waiting(ctx context.Context, req ca.Request, id int64, d *OrderDetails, st *ca.State, j ca.Journal) error {
	method := d.DVAuthMethod
	if method == "" {
		method, _ = r.method(req.DNSNames)
	}
	state := strings.TrimSpace(d.State)
	if state == "" {
		state = "in an unnamed state"
	}
	head := fmt.Sprintf("SSLmarket order %d is %s", id, state)
	var awaited string
	var want []ca.Challenge
	switch {
	case strings.EqualFold(method, DVAuthFile) && d.DVAuthContent != "":
		for _, n := range req.DNSNames {
			want = append(want, ca.Challenge{Name: n, Type: ca.HTTP01, Path: DCVFilePath, Content: d.DVAuthContent})
		}
		awaited = fmt.Sprintf("waiting for domain control validation of http://<name>%s on %s", DCVFilePath, strings.Join(req.DNSNames, ", "))
	case strings.EqualFold(method, DVAuthDNS) && d.DVAuthContent != "":
		var records []string
		for _, n := range req.DNSNames {
			rec := strings.TrimPrefix(n, "*.")
			want = append(want, ca.Challenge{Name: n, Type: ca.DNS01, Record: rec, RecordType: "TXT", Content: d.DVAuthContent})
			if !slices.Contains(records, rec) {
				records = append(records, rec)
			}
		}
		awaited = fmt.Sprintf("waiting for domain control validation of the TXT records at %s", strings.Join(records, ", "))
	case strings.EqualFold(method, DVAuthEmail):
		for _, n := range req.DNSNames {
			want = append(want, ca.Challenge{Name: n, Type: ca.Email, Content: approvers(n)})
		}
		awaited = "waiting for the approval email (sent to admin@, administrator@, hostmaster@, postmaster@ or webmaster@ of the domain) to be confirmed"
		note, err := r.resend(ctx, req, id, st, j)
		if err != nil {
			return err
		}
		awaited += note
	case strings.EqualFold(method, DVAuthFile), strings.EqualFold(method, DVAuthDNS):
		awaited = "waiting for SSLmarket to provide dv_auth_content"
	default:
		awaited = fmt.Sprintf("waiting for the certificate (dv_auth_method %q)", method)
	}
	changed := false
	for _, ch := range want {
		ns := st.Name(ch.Name)
		if ns.Challenge == nil || *ns.Challenge != ch || ns.Verified {
			c := ch
			ns.Challenge, ns.Verified, ns.LastError = &c, false, ""
			changed = true
		}
	}
	if changed {
		st.Progress = r.Now()
		if err := j.Save(ctx, st); err != nil {
			return err
		}
	}
	for _, ch := range want {
		if err := r.Publisher.Present(ctx, ch); err != nil {
			return fmt.Errorf("presenting the challenge for %s: %w", ch.Name, err)
		}
	}
	return ca.Pending(head+": "+awaited, ca.Wait(st.Progress, r.Now()))
}

// method is the dv_auth_method of an order for names: the one the solvers
// select, when they agree, else spec.sslmarket.dvAuthMethod.
func (r *Reseller) method(names []string) (string, error) {
	if r.Publisher == nil {
		return r.DVAuthMethod, nil
	}
	chosen, first := "", ""
	for _, n := range names {
		m := dvAuthMethod(r.Publisher.Method(n))
		switch {
		case m == "":
		case chosen == "":
			chosen, first = m, n
		case m != chosen:
			return "", fmt.Errorf("SSLmarket validates every name of an order one way (dv_auth_method), but the solvers select %s for %s and %s for %s: select one solver kind for all names of a certificate", chosen, first, m, n)
		}
	}
	if chosen == "" {
		return r.DVAuthMethod, nil
	}
	return chosen, nil
}

// dvAuthMethod is SSLmarket's name for how a solver publishes; "" when no
// solver decides.
func dvAuthMethod(m ca.Method) string {
	switch m.Type {
	case ca.HTTP01:
		return DVAuthFile
	case ca.DNS01:
		return DVAuthDNS
	case ca.Email:
		return DVAuthEmail
	}
	return ""
}

// approvers are the addresses SSLmarket's CA mails for name (assumptions.go, 7).
func approvers(name string) string {
	d := strings.TrimPrefix(name, "*.")
	var out []string
	for _, box := range []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"} {
		out = append(out, box+"@"+d)
	}
	return strings.Join(out, ", ")
}

// resend asks SSLmarket to mail the approvers again when the request asks
// for it (a new Request.ResendEmail); it returns what to tell the user.
func (r *Reseller) resend(ctx context.Context, req ca.Request, id int64, st *ca.State, j ca.Journal) (string, error) {
	if req.ResendEmail == "" || req.ResendEmail == st.EmailResent {
		return "", nil
	}
	err := r.Client.ResendDCVEmail(ctx, id)
	var apiErr *APIError
	switch {
	case err == nil:
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && !IsTemporary(err):
		// Refused for good: remember the request so it is not repeated.
		st.EmailResent = req.ResendEmail
		if serr := j.Save(ctx, st); serr != nil {
			return "", serr
		}
		return fmt.Sprintf("; SSLmarket refused to send the approval emails again: %s", apiWords(apiErr)), nil
	default:
		return "", classify(fmt.Errorf("SSLmarket PUT /certificate/order_id/%d/resend: %w", id, err), true)
	}
	st.EmailResent = req.ResendEmail
	if err := j.Save(ctx, st); err != nil {
		return "", err
	}
	return "; the approval emails were sent again", nil
}
