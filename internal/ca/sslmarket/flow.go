package sslmarket

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// stepOrder is the intent recorded before the paid order insert.
const stepOrder = "order"

// adoptSlack is how long before a stale intent an order found in the order
// list may have been inserted and still be adopted: the server's clock and
// zone are unknown (assumption 11, probably Czech local time, UTC+1/+2), so
// the window is generous and names, product and CSR key decide.
const adoptSlack = 3 * time.Hour

// Flow issues a certificate the SSLmarket way: place (and pay for) an order,
// publish its domain control validation, poll until it is issued, download
// it. The order insert is guarded by an intent saved under the journal's
// precondition; an intent whose outcome was never saved is resolved by
// looking for the order in the account's order list before ordering again.
//
// This package must not import Kubernetes packages: the flow only sees the
// neutral types of package ca.
type Flow struct {
	Client      *Client
	ProductCode string
	// Years of validity of the order (1 when not set).
	Years int
	// DVAuthMethod is DVAuthFile, DVAuthDNS or DVAuthEmail.
	DVAuthMethod string
	// MethodFor, when set, names the dv_auth_method the Issuer's solver for
	// a name publishes with ("" when no solver decides). SSLmarket validates
	// every name of an order the same way, so all names must agree.
	MethodFor func(name string) string
	// Contacts are the owner, auth, tech and invoice fields of every order.
	Contacts  Contacts
	Presenter ca.Presenter
	Now       func() time.Time
	// PaidCallBound bounds the paid order call (0: unbounded).
	PaidCallBound time.Duration
	// StaleAfter is how old an unanswered order intent must be before a
	// worker may assume the call that claimed it is over:
	// ca.StaleAfter(PaidCallBound), so a slow replica's call has ended.
	StaleAfter time.Duration
}

// Check proves that the token works and that the configured product exists
// (GET /product/list).
func (f *Flow) Check(ctx context.Context) error {
	_, err := f.product(ctx)
	return err
}

// product looks the configured product up. A missing or non-SSL product is
// a ca.PermanentError naming the spec field; a refused token is a
// ca.CredentialsError.
func (f *Flow) product(ctx context.Context) (Product, error) {
	products, err := f.Client.Products(ctx)
	if err != nil {
		return Product{}, classify(fmt.Errorf("SSLmarket GET /product/list: %w", err), false)
	}
	p, ok := FindProduct(products, f.ProductCode)
	if !ok {
		codes := make([]string, 0, len(products))
		for _, p := range products {
			if p.IsSSL() {
				codes = append(codes, p.ProductCode)
			}
		}
		return Product{}, ca.Permanent(fmt.Errorf("spec.sslmarket.productCode: SSLmarket offers no product %q (SSL products: %s)", f.ProductCode, strings.Join(codes, ", ")))
	}
	if !p.IsSSL() {
		return Product{}, ca.Permanent(fmt.Errorf("spec.sslmarket.productCode: SSLmarket product %q is a %s, not a server (TLS) certificate", f.ProductCode, p.ProductType))
	}
	return p, nil
}

// Issue advances the order one step at a time; it returns a ca.PendingError
// while waiting and never blocks on the reseller.
func (f *Flow) Issue(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (*ca.Result, error) {
	if st.ChainPEM != "" {
		return ca.VerifyChain(req, []byte(st.ChainPEM))
	}
	if st.OrderID == "" {
		return f.order(ctx, req, st, j)
	}
	id, err := strconv.ParseInt(st.OrderID, 10, 64)
	if err != nil || id <= 0 {
		return nil, ca.Permanent(fmt.Errorf("the order state holds an invalid SSLmarket order id %q", st.OrderID))
	}
	return f.poll(ctx, req, id, st, j)
}

// order places the order exactly once: check the request against the
// product, resolve an earlier intent, claim a new one, order.
func (f *Flow) order(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (*ca.Result, error) {
	csr, err := ca.CheckCSR(req.CSR)
	if err != nil {
		return nil, ca.Permanent(err)
	}
	if len(req.DNSNames) == 0 {
		return nil, ca.Permanent(errors.New("the request names no DNS name"))
	}
	now := f.Now()
	attempt := 1
	if st.Intent != nil {
		// An order was claimed and its outcome never saved: the claiming
		// worker crashed, or is still waiting for the answer. The search
		// comes before the checks below: an order may exist and be paid.
		if age := now.Sub(st.Intent.At); age < f.StaleAfter {
			return nil, ca.Pending("another worker claimed the order; waiting for its outcome", f.StaleAfter-age)
		}
		id, err := f.findOrder(ctx, req, csr.RawSubjectPublicKeyInfo, st.Intent.At)
		if err != nil {
			return nil, err
		}
		if id > 0 {
			st.OrderID, st.Intent, st.Progress = strconv.FormatInt(id, 10), nil, now
			if err := j.Save(ctx, st); err != nil {
				return nil, err
			}
			return nil, ca.Pending(fmt.Sprintf("adopted SSLmarket order %d placed by an interrupted attempt", id), ca.Wait(st.Progress, now))
		}
		attempt = st.Intent.Attempt + 1
	}
	p, err := f.product(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.checkRequest(p, req); err != nil {
		return nil, ca.Permanent(err)
	}
	// The claim's time is taken at the claim, after the calls above.
	st.Intent = &ca.Intent{Step: stepOrder, At: f.Now(), Attempt: attempt}
	if err := j.Save(ctx, st); err != nil {
		return nil, err
	}
	// From here until the outcome is saved, a shutdown must not abandon the
	// paid call halfway; the call is bounded instead (StaleAfter derives
	// from the bound), and the outcome is saved whatever the call took.
	save := context.WithoutCancel(ctx)
	ctx, cancel := ca.PaidCall(ctx, f.PaidCallBound)
	defer cancel()
	domain, sans := splitNames(req.DNSNames, csr.Subject.CommonName)
	method, err := f.method(req.DNSNames)
	if err != nil {
		return nil, ca.Permanent(err)
	}
	years := f.Years
	if years <= 0 {
		years = 1
	}
	resp, err := f.Client.PlaceOrder(ctx, f.ProductCode, Order{
		Domain:       domain,
		DNSNames:     sans,
		Years:        years,
		CSR:          string(req.CSR),
		DVAuthMethod: method,
		Contacts:     f.Contacts,
	})
	if err != nil {
		return nil, f.orderFailed(save, err, st, j)
	}
	st.OrderID, st.Intent, st.Progress = strconv.FormatInt(int64(resp.OrderID), 10), nil, f.Now()
	if err := j.SaveOutcome(save, st); err != nil {
		// The order is paid for; the intent in the journal leads the
		// recovery to it once it is stale.
		return nil, fmt.Errorf("SSLmarket order %d was placed but its id could not be saved (it will be adopted from the order list): %w", resp.OrderID, err)
	}
	return nil, ca.Pending(fmt.Sprintf("SSLmarket order %d placed", resp.OrderID), ca.Wait(st.Progress, st.Progress))
}

// orderFailed handles a failed order insert. A refusal (nothing was
// bought) clears the intent; an unknown outcome keeps it for the recovery.
func (f *Flow) orderFailed(ctx context.Context, err error, st *ca.State, j ca.Journal) error {
	var invalid *InvalidArgumentError
	var apiErr *APIError
	refused := errors.As(err, &invalid) ||
		(errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && !IsTemporary(err))
	if !refused {
		// Timeout, 5xx, malformed answer, redirect: the order may exist.
		return fmt.Errorf("SSLmarket order insert, outcome unknown (the order list is searched before ordering again): %w", err)
	}
	st.Intent, st.Progress = nil, f.Now()
	if serr := j.SaveOutcome(ctx, st); serr != nil {
		return serr
	}
	switch {
	case invalid != nil:
		return ca.Permanent(fmt.Errorf("spec.sslmarket: %w", err))
	case IsUnauthorized(err), IsForbidden(err):
		return ca.Credentials(fmt.Errorf("SSLmarket refused the token: %w", err))
	}
	return ca.Permanent(fmt.Errorf("SSLmarket refused the order for product %s: %s", f.ProductCode, apiWords(apiErr)))
}

// checkRequest checks the request against the product before anything is
// bought: SAN count, wildcard names, years and the validation method.
func (f *Flow) checkRequest(p Product, req ca.Request) error {
	if sans := len(req.DNSNames) - 1; !p.AllowsSANs(sans) {
		return fmt.Errorf("SSLmarket product %s allows %d to %d additional names (SANs), the request has %d (%d names): use another spec.sslmarket.productCode or fewer names",
			p.ProductCode, p.MinSANValues, p.MaxSANValues, sans, len(req.DNSNames))
	}
	wildcard := isWildcardProduct(p)
	for _, n := range req.DNSNames {
		if !strings.HasPrefix(n, "*.") {
			continue
		}
		if !wildcard {
			return fmt.Errorf("the request names the wildcard %s but SSLmarket product %s is not a wildcard product: use a wildcard spec.sslmarket.productCode", n, p.ProductCode)
		}
		if method, _ := f.method(req.DNSNames); strings.EqualFold(method, DVAuthFile) {
			return fmt.Errorf("dv_auth_method %s cannot validate the wildcard name %s: use spec.sslmarket.dvAuthMethod DNS or Email, or a dns01 solver", DVAuthFile, n)
		}
	}
	if _, err := f.method(req.DNSNames); err != nil {
		return err
	}
	if p.MaxYears > 0 && int64(f.Years) > int64(p.MaxYears) {
		return fmt.Errorf("spec.sslmarket.years: SSLmarket product %s allows at most %d years, got %d", p.ProductCode, p.MaxYears, f.Years)
	}
	return nil
}

// isWildcardProduct tells wildcard products apart. The product list has no
// such field; every wildcard product of the document's list says
// "wildcard" in its code or title.
func isWildcardProduct(p Product) bool {
	return strings.Contains(strings.ToLower(p.ProductCode), "wildcard") || strings.Contains(strings.ToLower(p.Title), "wildcard")
}

// splitNames returns the order's domain (the CSR's common name when it is
// one of the names, assumption 9, else the first name) and the other names.
func splitNames(names []string, commonName string) (string, []string) {
	i := slices.IndexFunc(names, func(n string) bool { return commonName != "" && strings.EqualFold(n, commonName) })
	if i < 0 {
		i = 0
	}
	sans := make([]string, 0, len(names)-1)
	sans = append(sans, names[:i]...)
	sans = append(sans, names[i+1:]...)
	return names[i], sans
}

// findOrder looks for an order placed by an interrupted attempt that
// claimed its intent at since: same names, same product, inserted at most
// adoptSlack before since, not final, and (when the details carry one) for
// the request's key. The earliest match wins; 0 means none.
func (f *Flow) findOrder(ctx context.Context, req ca.Request, spki []byte, since time.Time) (int64, error) {
	orders, err := f.Client.Orders(ctx)
	if err != nil {
		// An order may exist and be paid: never Permanent here.
		return 0, classify(fmt.Errorf("SSLmarket GET /order/list, looking for the order of an interrupted attempt: %w", err), true)
	}
	type candidate struct {
		id       int64
		inserted time.Time
	}
	var found []candidate
	for _, o := range orders {
		if o.OrderID <= 0 || !o.HasNames(req.DNSNames) || StateClass(o.State) == ClassFinal {
			continue
		}
		if o.ProductCode != "" && !strings.EqualFold(o.ProductCode, f.ProductCode) {
			continue
		}
		at, err := o.InsertedAt()
		if err != nil || at.Before(since.Add(-adoptSlack)) {
			continue
		}
		found = append(found, candidate{int64(o.OrderID), at})
	}
	slices.SortFunc(found, func(a, b candidate) int {
		if c := a.inserted.Compare(b.inserted); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	for _, c := range found {
		d, err := f.Client.Order(ctx, c.id)
		if err != nil {
			return 0, classify(fmt.Errorf("SSLmarket GET /order/order_id/%d, looking for the order of an interrupted attempt: %w", c.id, err), true)
		}
		if sameKey(d.CSR, spki) {
			return c.id, nil
		}
	}
	return 0, nil
}

// sameKey reports whether csrPEM (an order's CSR) is for the public key
// spki; an order that shows no parsable CSR cannot be told apart and counts
// as a match.
func sameKey(csrPEM string, spki []byte) bool {
	if strings.TrimSpace(csrPEM) == "" {
		return true
	}
	csr, err := ca.CheckCSR([]byte(csrPEM))
	if err != nil {
		return true
	}
	return bytes.Equal(csr.RawSubjectPublicKeyInfo, spki)
}

// poll looks at the order once: download when issued, give up when final,
// publish the validation while waiting.
func (f *Flow) poll(ctx context.Context, req ca.Request, id int64, st *ca.State, j ca.Journal) (*ca.Result, error) {
	d, err := f.Client.Order(ctx, id)
	if err != nil {
		return nil, classify(fmt.Errorf("SSLmarket GET /order/order_id/%d: %w", id, err), true)
	}
	switch StateClass(d.State) {
	case ClassIssued:
		return f.download(ctx, req, id, st, j)
	case ClassFinal:
		return nil, ca.Permanent(fmt.Errorf("SSLmarket order %d is %s: SSLmarket will not issue a certificate for it", id, strings.TrimSpace(d.State)))
	}
	return nil, f.waiting(ctx, req, id, d, st, j)
}

// download fetches the issued chain and saves it before returning it.
func (f *Flow) download(ctx context.Context, req ca.Request, id int64, st *ca.State, j ca.Journal) (*ca.Result, error) {
	chain, err := f.Client.Download(ctx, id, FormatPEMIntermediate)
	if err != nil {
		return nil, classify(fmt.Errorf("SSLmarket GET /certificate/order_id/%d/format/%s: %w", id, FormatPEMIntermediate, err), true)
	}
	// Only a chain that is for this request is kept: a wrong one would be
	// returned from the state forever, while a download can be repeated.
	res, err := ca.VerifyChain(req, chain)
	if err != nil {
		return nil, fmt.Errorf("SSLmarket order %d: %w", id, err)
	}
	st.ChainPEM, st.Progress = strings.TrimSpace(string(chain))+"\n", f.Now()
	for i := range st.Names {
		st.Names[i].Verified, st.Names[i].Challenge, st.Names[i].LastError = true, nil, ""
	}
	if err := j.SaveOutcome(context.WithoutCancel(ctx), st); err != nil {
		return nil, err
	}
	return res, nil
}

// waiting makes sure the order's validation is published and says what the
// order waits for.
func (f *Flow) waiting(ctx context.Context, req ca.Request, id int64, d *OrderDetails, st *ca.State, j ca.Journal) error {
	method := d.DVAuthMethod
	if method == "" {
		method, _ = f.method(req.DNSNames)
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
		note, err := f.resend(ctx, req, id, st, j)
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
		st.Progress = f.Now()
		if err := j.Save(ctx, st); err != nil {
			return err
		}
	}
	for _, ch := range want {
		if err := f.Presenter.Present(ctx, ch); err != nil {
			return fmt.Errorf("presenting the challenge for %s: %w", ch.Name, err)
		}
	}
	return ca.Pending(head+": "+awaited, ca.Wait(st.Progress, f.Now()))
}

// method is the dv_auth_method of an order for names: the one the solvers
// select, when they agree, else spec.sslmarket.dvAuthMethod.
func (f *Flow) method(names []string) (string, error) {
	if f.MethodFor == nil {
		return f.DVAuthMethod, nil
	}
	chosen, first := "", ""
	for _, n := range names {
		m := f.MethodFor(n)
		switch {
		case m == "":
		case chosen == "":
			chosen, first = m, n
		case m != chosen:
			return "", fmt.Errorf("SSLmarket validates every name of an order one way (dv_auth_method), but the solvers select %s for %s and %s for %s: select one solver kind for all names of a certificate", chosen, first, m, n)
		}
	}
	if chosen == "" {
		return f.DVAuthMethod, nil
	}
	return chosen, nil
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
func (f *Flow) resend(ctx context.Context, req ca.Request, id int64, st *ca.State, j ca.Journal) (string, error) {
	if req.ResendEmail == "" || req.ResendEmail == st.EmailResent {
		return "", nil
	}
	err := f.Client.ResendDCVEmail(ctx, id)
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

// apiWords is the reseller's type and description of an error.
func apiWords(e *APIError) string {
	switch {
	case e.Code != "" && e.Message != "":
		return e.Code + ": " + e.Message
	case e.Message != "":
		return e.Message
	case e.Code != "":
		return e.Code
	}
	return e.Error()
}

// classify turns client errors into the ca package's classes. ordered says
// whether an order may exist: then an unclear answer is returned as is,
// never as a PermanentError that would abandon a paid order.
func classify(err error, ordered bool) error {
	var invalid *InvalidArgumentError
	var apiErr *APIError
	switch {
	case IsUnauthorized(err), IsForbidden(err):
		return ca.Credentials(err)
	case IsTemporary(err), ordered:
		return err
	case errors.As(err, &invalid):
		return ca.Permanent(err)
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500:
		return ca.Permanent(err)
	}
	return err
}
