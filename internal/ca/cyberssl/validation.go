package cyberssl

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// want is the method name should be validated with, as a name's
// NameState.Method holds it: "http", "https", "dns" or "email:<address>"
// ("email:" when no address is known).
func (r *Reseller) want(names []string, name string) string {
	method, approver := r.DVMethod, ""
	if r.Publisher != nil {
		if m := r.Publisher.Method(name); dvMethod(m) != "" {
			method, approver = dvMethod(m), m.Approver
		}
	}
	if method != DVMethodEmail {
		return method
	}
	if approver == "" {
		switch i := slices.Index(names, name); {
		case len(r.Approvers) == 1:
			approver = r.Approvers[0]
		case len(r.Approvers) == len(names) && i >= 0:
			approver = r.Approvers[i]
		}
	}
	return EmailDVMethod(approver)
}

// dvMethod is CyberSSL's name for how a solver publishes; "" when no solver
// decides.
func dvMethod(m ca.Method) string {
	switch m.Type {
	case ca.HTTP01:
		return DVMethodHTTP
	case ca.DNS01:
		return DVMethodDNS
	case ca.Email:
		return DVMethodEmail
	}
	return ""
}

// orderMethod is the dv_method of the order: the primary name's method; for
// email, an address for every name (its own when it is validated by email
// too, else the primary's, until change_dv_method switches it).
func (r *Reseller) orderMethod(names []string, primary string) (string, error) {
	first := r.want(names, primary)
	if normalizeMethod(first) != DVMethodEmail {
		return first, nil
	}
	fallback := strings.TrimPrefix(first, DVMethodEmail+":")
	var addrs []string
	for _, n := range names {
		addr := fallback
		if w := r.want(names, n); normalizeMethod(w) == DVMethodEmail {
			addr = strings.TrimPrefix(w, DVMethodEmail+":")
		}
		if addr == "" {
			return "", fmt.Errorf("email validation of %s needs an approver address: set spec.cyberssl.approverEmails (one, or one per name: %d) or the email solver's approvers", n, len(names))
		}
		addrs = append(addrs, addr)
	}
	return EmailDVMethod(addrs...), nil
}

// placed records, per name, the method the order (or reissue) was placed
// with, and the challenge of every name its dv_options hold. A malformed
// option is not worth losing the order id for: the challenges are fetched
// again while polling.
func (r *Reseller) placed(st *ca.State, names []string, method string, opts DVOptions) {
	st.Names = nil
	addrs := strings.Split(strings.TrimPrefix(method, DVMethodEmail+":"), ",")
	for i, n := range names {
		m := method
		if normalizeMethod(method) == DVMethodEmail && i < len(addrs) {
			m = EmailDVMethod(addrs[i])
		}
		st.Name(n).Method = m
	}
	_ = setChallenges(st, opts)
}

// fetchChallenges reads the order's dv_options into st (not saved).
func (r *Reseller) fetchChallenges(ctx context.Context, id ID, st *ca.State) error {
	resp, err := r.Client.DVOptions(ctx, id, DVMethodAll)
	if err != nil {
		return classify(fmt.Errorf("reading the validation options of CyberSSL order %s: %w", id, err), true)
	}
	return setChallenges(st, resp.DVOptions)
}

// setChallenges records the challenge of every name from dv_options, each
// with the method the name is validated with.
func setChallenges(st *ca.State, opts DVOptions) error {
	var errs []error
	for i := range st.Names {
		ns := &st.Names[i]
		ch, ok, err := challengeOf(ns.Name, ns.Method, opts)
		if err != nil {
			errs = append(errs, err)
		}
		if ok {
			ns.Challenge = &ch
		}
	}
	return errors.Join(errs...)
}

// challengeOf is the challenge of name validated with method: the approver
// address for email, else the option dv_options holds for it.
func challengeOf(name, method string, opts DVOptions) (ca.Challenge, bool, error) {
	if normalizeMethod(method) == DVMethodEmail {
		return ca.Challenge{Name: name, Type: ca.Email, Content: strings.TrimPrefix(method, DVMethodEmail+":")}, true, nil
	}
	c, ok, err := opts.Challenge(method, name)
	if err != nil || !ok {
		return ca.Challenge{}, false, err
	}
	switch {
	case c.File != nil:
		return ca.Challenge{Name: name, Type: ca.HTTP01, Path: c.File.Path, Content: c.File.Content}, true, nil
	case c.Record != nil:
		return ca.Challenge{Name: name, Type: ca.DNS01, Record: c.Record.Name, RecordType: c.Record.Type, Content: c.Record.Value}, true, nil
	}
	return ca.Challenge{}, false, nil
}

// align switches, with change_dv_method, every name still open whose method
// is not the one the Issuer now selects for it.
func (r *Reseller) align(ctx context.Context, req ca.Request, id ID, st *ca.State, j ca.Journal) error {
	changed := false
	for i := range st.Names {
		ns := &st.Names[i]
		want := r.want(req.DNSNames, ns.Name)
		if ns.Verified || ns.Method == want || want == EmailDVMethod("") {
			continue
		}
		if ns.Method == "" {
			ns.Method, changed = want, true
			continue
		}
		change := ChangeDVMethodRequest{OrderID: id, Domain: ns.Name, DVMethod: normalizeMethod(want)}
		if change.DVMethod == DVMethodEmail {
			change.Email = strings.TrimPrefix(want, DVMethodEmail+":")
		}
		method := change.DVMethod
		resp, err := r.Client.ChangeDVMethod(ctx, change)
		if err != nil {
			if !refused(err) {
				return classify(fmt.Errorf("change_dv_method of %s in CyberSSL order %s: %w", ns.Name, id, err), true)
			}
			words := fmt.Sprintf("CyberSSL refused to switch %s to %s: %s", ns.Name, method, apiMessage(err))
			if ns.LastError != words {
				ns.LastError, changed = words, true
			}
			continue
		}
		ch, ok, _ := challengeOf(ns.Name, want, resp.DVOptions)
		if !ok && method != DVMethodEmail {
			if opts, err := r.Client.DVOptions(ctx, id, method); err == nil {
				ch, ok, _ = challengeOf(ns.Name, want, opts.DVOptions)
			}
		}
		ns.Method, ns.LastError, ns.Challenge, changed = want, "", nil, true
		if ok {
			ns.Challenge = &ch
		}
	}
	if !changed {
		return nil
	}
	st.Progress = r.Now()
	return j.Save(ctx, st)
}

func (r *Reseller) present(ctx context.Context, open []ca.Challenge) error {
	for _, ch := range open {
		if err := r.Publisher.Present(ctx, ch); err != nil {
			return fmt.Errorf("presenting the challenge for %s: %w", ch.Name, err)
		}
	}
	return nil
}

// awaited says what a waiting order waits for.
func (r *Reseller) awaited(status string, open []ca.Challenge) string {
	switch strings.ToLower(strings.Join(strings.Fields(status), " ")) {
	case strings.ToLower(StatusProcessing):
		return "domain control is validated, waiting for CyberSSL to issue the certificate"
	case strings.ToLower(StatusAwaitingActivation):
		return "waiting for CyberSSL to activate the order"
	}
	if len(open) == 0 {
		return "waiting for CyberSSL"
	}
	var shown []string
	for _, ch := range open[:min(len(open), maxListed)] {
		shown = append(shown, describe(r.DVMethod, ch))
	}
	more := ""
	if len(open) > maxListed {
		more = fmt.Sprintf(" and %d more", len(open)-maxListed)
	}
	return "waiting for CyberSSL to see " + strings.Join(shown, "; ") + more
}

func describe(method string, ch ca.Challenge) string {
	switch ch.Type {
	case ca.DNS01:
		return fmt.Sprintf("%s %s %s", ch.Record, ch.RecordType, ch.Content)
	case ca.Email:
		return fmt.Sprintf("the approval of %s by %s (by email)", ch.Name, ch.Content)
	}
	scheme := "http"
	if method == DVMethodHTTPS {
		scheme = "https"
	}
	return scheme + "://" + ch.Name + ch.Path
}
