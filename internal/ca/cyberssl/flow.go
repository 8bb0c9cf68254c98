package cyberssl

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

// stepOrder is the intent recorded before the paid add_ssl_order call.
const stepOrder = "order"

// adoptSlack is how much earlier than the intent an order found in my_orders
// may have been created and still be adopted: date_created has whole
// seconds, and the reseller's clock is not ours.
const adoptSlack = 2 * time.Minute

// maxListed is how many challenges a pending reason spells out.
const maxListed = 3

// Flow issues a certificate the CyberSSL way: add an order (the paid call,
// guarded by an intent saved under the journal's precondition), present its
// domain control validation, and poll order_status until the certificate
// is there.
type Flow struct {
	Client *Client
	// ProductID is the SSL product ordered (list_products).
	ProductID ID
	// Period in years; 0 means 1.
	Period int
	// DVMethod is DVMethodHTTP, DVMethodHTTPS, DVMethodDNS or DVMethodEmail.
	DVMethod string
	// Approvers are the approver addresses of DVMethodEmail: one for every
	// name, or one per name in the request's order.
	Approvers []string
	// MethodFor, when set, names the method the Issuer's solver for a name
	// publishes with (DVMethodHTTP, DVMethodDNS or DVMethodEmail, with the
	// approver address for email; "" when no solver decides). Names whose
	// method differs from the order's are switched with change_dv_method,
	// and so is a name whose method the Issuer changes later.
	MethodFor func(name string) (method, approver string)
	// Admin is the administrative contact of every order.
	Admin Contact
	// Tech is the technical contact; nil: CyberSSL uses Admin.
	Tech *Contact
	// Org is required by business-validated products.
	Org       *Organization
	Presenter ca.Presenter
	Now       func() time.Time
	// PaidCallBound bounds the paid add_ssl_order call (0: unbounded).
	PaidCallBound time.Duration
	// StaleAfter is how old an unanswered order intent must be before a
	// worker may assume the call that claimed it is over:
	// ca.StaleAfter(PaidCallBound), so a slow replica's call has ended.
	StaleAfter time.Duration
}

// Check tells whether the account and product are usable: it opens a
// session, reads the balance and the product. It returns the balance and a
// short status for the Issuer, e.g. "product 1 PositiveSSL (dv)".
func (f *Flow) Check(ctx context.Context) (ca.Health, error) {
	if err := f.checkConfig(); err != nil {
		return ca.Health{}, ca.Permanent(err)
	}
	if err := f.Client.Authenticate(ctx); err != nil {
		return ca.Health{}, checkErr(fmt.Errorf("authenticating: %w", err))
	}
	bal, err := f.Client.Balance(ctx)
	if err != nil {
		return ca.Health{}, checkErr(fmt.Errorf("reading the balance: %w", err))
	}
	prod, err := f.product(ctx, false)
	if err != nil {
		return ca.Health{}, err
	}
	if prod.OrganizationRequired && f.Org == nil {
		return ca.Health{}, ca.Permanent(fmt.Errorf("CyberSSL product %d (%s) requires the organization details, none are configured", f.ProductID, prod.Name))
	}
	return ca.Health{
		Detail:  fmt.Sprintf("product %d %s (%s)", f.ProductID, prod.Name, prod.ValidationType),
		Balance: &ca.Money{Amount: string(bal.Balance), Currency: BalanceCurrency},
	}, nil
}

func checkErr(err error) error {
	if IsAuth(err) {
		return ca.Credentials(err)
	}
	return err
}

// Issue advances the order one step at a time; it returns a ca.PendingError
// while waiting and never blocks on the reseller.
func (f *Flow) Issue(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (*ca.Result, error) {
	if st.ChainPEM != "" {
		return ca.VerifyChain(req, []byte(st.ChainPEM))
	}
	if st.OrderID == "" {
		how, err := f.order(ctx, req, st, j)
		if err != nil {
			return nil, err
		}
		// Names whose solver wants another method than the order's are
		// switched before anything is published.
		if id, perr := strconv.ParseInt(st.OrderID, 10, 64); perr == nil {
			if err := f.align(ctx, req, ID(id), st, j); err != nil {
				return nil, err
			}
		}
		// The order is saved: publish its challenges, and let the CA look
		// at them before the first order_status.
		if err := f.present(ctx, st.OpenChallenges()); err != nil {
			return nil, err
		}
		return nil, ca.Pending(fmt.Sprintf("CyberSSL order %s %s: %s", st.OrderID, how, f.awaited("", st.OpenChallenges())), ca.Wait(st.Progress, f.Now()))
	}
	id, err := strconv.ParseInt(st.OrderID, 10, 64)
	if err != nil || id <= 0 {
		return nil, ca.Permanent(fmt.Errorf("the saved CyberSSL order id %q is not a number: the order state is damaged", st.OrderID))
	}
	return f.poll(ctx, req, ID(id), st, j)
}

func (f *Flow) present(ctx context.Context, open []ca.Challenge) error {
	for _, ch := range open {
		if err := f.Presenter.Present(ctx, ch); err != nil {
			return fmt.Errorf("presenting the challenge for %s: %w", ch.Name, err)
		}
	}
	return nil
}

// order places the order exactly once, or adopts the one an interrupted
// worker placed, and saves its id; it says which ("placed", "adopted").
func (f *Flow) order(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (string, error) {
	// An intent means an order may exist: unclear errors must not fail it.
	claimed := st.Intent != nil && st.Intent.Step == stepOrder
	orderReq, err := f.orderRequest(ctx, req, claimed)
	if err != nil {
		return "", err
	}
	now := f.Now()
	attempt := 1
	if claimed {
		// An order was claimed and its outcome never saved: the claiming
		// worker crashed, or is still waiting for the answer.
		if age := now.Sub(st.Intent.At); age < f.StaleAfter {
			return "", ca.Pending("another worker claimed the order; waiting for its outcome", f.StaleAfter-age)
		}
		adopted, err := f.adopt(ctx, req, orderReq.DVMethod, st, j)
		if err != nil {
			return "", err
		}
		if adopted {
			return "adopted (placed by an interrupted worker)", nil
		}
		attempt = st.Intent.Attempt + 1
	}
	// The claim's time is taken at the claim, after the calls above.
	st.Intent = &ca.Intent{Step: stepOrder, At: f.Now(), Attempt: attempt}
	if err := j.Save(ctx, st); err != nil {
		return "", err
	}
	// From here until the outcome is saved, a shutdown must not abandon the
	// paid call halfway; the call is bounded instead (StaleAfter derives
	// from the bound: auth, call and retry included), and the outcome is
	// saved whatever the call took.
	save := context.WithoutCancel(ctx)
	ctx, cancel := ca.PaidCall(ctx, f.PaidCallBound)
	defer cancel()
	resp, err := f.Client.AddOrder(ctx, orderReq)
	if err != nil {
		if !refused(err) {
			// The outcome is unknown; the intent stays and adoption decides.
			return "", fmt.Errorf("add_ssl_order: %w", err)
		}
		// Refused: nothing was bought.
		st.Intent, st.Progress = nil, f.Now()
		if serr := j.Save(save, st); serr != nil {
			return "", serr
		}
		if IsAuth(err) {
			return "", ca.Credentials(fmt.Errorf("add_ssl_order: %w", err))
		}
		if IsInsufficientFunds(err) {
			return "", ca.InsufficientFunds(fmt.Errorf("CyberSSL refused the order for lack of funds: %s", apiMessage(err)))
		}
		return "", ca.Permanent(fmt.Errorf("CyberSSL refused the order for product %d: %s", f.ProductID, apiMessage(err)))
	}
	st.OrderID, st.Intent, st.Names, st.Progress = resp.OrderID.String(), nil, nil, f.Now()
	placed(st, req.DNSNames, orderReq.DVMethod)
	// A malformed option is not worth losing the order id for: the
	// challenges are fetched again while polling.
	_ = f.setChallenges(st, resp.DVOptions)
	if err := j.SaveOutcome(save, st); err != nil {
		// Adoption finds the order once the intent is stale.
		return "", fmt.Errorf("saving CyberSSL order %s: %w", resp.OrderID, err)
	}
	return "placed", nil
}

// refused reports an answer that says the order was not placed: an API
// refusal that is not temporary, or an argument rejected before sending.
func refused(err error) bool {
	var invalid *InvalidArgumentError
	if errors.As(err, &invalid) {
		return true
	}
	_, isAPI := asAPIError(err)
	return isAPI && !IsTemporary(err)
}

// orderRequest checks the request against the product and the flow's
// configuration and returns the order to place. Nothing is ordered.
func (f *Flow) orderRequest(ctx context.Context, req ca.Request, claimed bool) (OrderRequest, error) {
	if err := f.checkConfig(); err != nil {
		return OrderRequest{}, ca.Permanent(err)
	}
	csr, err := ca.CheckCSR(req.CSR)
	if err != nil {
		return OrderRequest{}, ca.Permanent(err)
	}
	names := req.DNSNames
	if len(names) == 0 {
		return OrderRequest{}, ca.Permanent(errors.New("the request names no DNS name"))
	}
	prod, err := f.product(ctx, claimed)
	if err != nil {
		return OrderRequest{}, err
	}
	if err := f.fits(prod, names); err != nil {
		return OrderRequest{}, ca.Permanent(err)
	}
	// CyberSSL certifies the CSR's common name (or first DNS name) plus
	// addon_domains: the primary must be one of the requested names.
	primary := strings.TrimSpace(csr.Subject.CommonName)
	if primary == "" && len(csr.DNSNames) > 0 {
		primary = csr.DNSNames[0]
	}
	if primary == "" || !slices.ContainsFunc(names, func(n string) bool { return sameName(n, primary) }) {
		return OrderRequest{}, ca.Permanent(fmt.Errorf("the CSR's common name %q is not one of the requested names [%s]: CyberSSL would certify it", primary, strings.Join(names, ", ")))
	}
	var addons []string
	for _, n := range names {
		if !sameName(n, primary) {
			addons = append(addons, n)
		}
	}
	method, err := f.orderMethod(names, primary)
	if err != nil {
		return OrderRequest{}, ca.Permanent(err)
	}
	o := OrderRequest{
		ProductID: f.ProductID, OrderType: OrderTypeNew, Period: f.period(), DVMethod: method,
		AddonDomains: addons, Admin: f.Admin, Tech: f.Tech, CSR: string(req.CSR), Org: f.Org,
	}
	if _, err := o.params(); err != nil {
		return OrderRequest{}, ca.Permanent(err)
	}
	return o, nil
}

// fits checks the names against what the product can certify.
func (f *Flow) fits(prod Product, names []string) error {
	what := fmt.Sprintf("CyberSSL product %d (%s)", f.ProductID, prod.Name)
	if len(names) > 1 && !prod.IsMultiDomain {
		return fmt.Errorf("%s certifies one name; %s is one too many", what, names[1])
	}
	if limit := int(prod.MultidomainsMaximum); limit > 0 && len(names) > limit {
		return fmt.Errorf("%s certifies at most %d names, the request has %d: %s and the names after it are too many", what, limit, len(names), names[limit])
	}
	for _, n := range names {
		if !strings.HasPrefix(n, "*.") {
			continue
		}
		if !prod.IsWildcard {
			return fmt.Errorf("%s is not a wildcard product: it cannot certify %s", what, n)
		}
		if m := f.want(names, n); m == DVMethodHTTP || m == DVMethodHTTPS {
			return fmt.Errorf("the wildcard name %s cannot be validated with %s: use dns or email", n, m)
		}
	}
	if prod.OrganizationRequired && f.Org == nil {
		return fmt.Errorf("%s requires the organization details, none are configured", what)
	}
	return nil
}

// want is the method name should be validated with, as a name's
// NameState.Method holds it: "http", "https", "dns" or "email:<address>"
// ("email:" when no address is known).
func (f *Flow) want(names []string, name string) string {
	method, approver := f.DVMethod, ""
	if f.MethodFor != nil {
		if m, a := f.MethodFor(name); m != "" {
			method, approver = m, a
		}
	}
	if method != DVMethodEmail {
		return method
	}
	if approver == "" {
		switch i := slices.Index(names, name); {
		case len(f.Approvers) == 1:
			approver = f.Approvers[0]
		case len(f.Approvers) == len(names) && i >= 0:
			approver = f.Approvers[i]
		}
	}
	return EmailDVMethod(approver)
}

// orderMethod is the dv_method of the order: the primary name's method; for
// email, an address for every name (its own when it is validated by email
// too, else the primary's, until change_dv_method switches it).
func (f *Flow) orderMethod(names []string, primary string) (string, error) {
	first := f.want(names, primary)
	if normalizeMethod(first) != DVMethodEmail {
		return first, nil
	}
	fallback := strings.TrimPrefix(first, DVMethodEmail+":")
	var addrs []string
	for _, n := range names {
		addr := fallback
		if w := f.want(names, n); normalizeMethod(w) == DVMethodEmail {
			addr = strings.TrimPrefix(w, DVMethodEmail+":")
		}
		if addr == "" {
			return "", fmt.Errorf("email validation of %s needs an approver address: set spec.cyberssl.approverEmails (one, or one per name: %d) or the email solver's approvers", n, len(names))
		}
		addrs = append(addrs, addr)
	}
	return EmailDVMethod(addrs...), nil
}

// placed records, per name, the method the order was placed with.
func placed(st *ca.State, names []string, method string) {
	addrs := strings.Split(strings.TrimPrefix(method, DVMethodEmail+":"), ",")
	for i, n := range names {
		m := method
		if normalizeMethod(method) == DVMethodEmail && i < len(addrs) {
			m = EmailDVMethod(addrs[i])
		}
		st.Name(n).Method = m
	}
}

// product reads the product details. claimed: an order may exist, so
// unclear errors are not permanent.
func (f *Flow) product(ctx context.Context, claimed bool) (Product, error) {
	resp, err := f.Client.ProductDetails(ctx, f.ProductID)
	switch {
	case err == nil:
		return resp.Product, nil
	case IsNotFound(err):
		return Product{}, ca.Permanent(fmt.Errorf("CyberSSL has no product %d: %s", f.ProductID, apiMessage(err)))
	}
	return Product{}, classify(fmt.Errorf("reading CyberSSL product %d: %w", f.ProductID, err), claimed)
}

func (f *Flow) checkConfig() error {
	switch f.DVMethod {
	case DVMethodHTTP, DVMethodHTTPS, DVMethodDNS:
	case DVMethodEmail:
		if len(f.Approvers) == 0 {
			return errors.New("CyberSSL email validation needs at least one approver address")
		}
	default:
		return fmt.Errorf("CyberSSL validation method %q is not one of http, https, dns, email", f.DVMethod)
	}
	if f.ProductID <= 0 {
		return fmt.Errorf("CyberSSL product id %d is not valid", f.ProductID)
	}
	return nil
}

func (f *Flow) period() int {
	if f.Period == 0 {
		return 1
	}
	return f.Period
}

// adopt looks for the order a crashed worker placed, with method, after it
// claimed the intent, and takes it over. It reports whether one was adopted.
func (f *Flow) adopt(ctx context.Context, req ca.Request, method string, st *ca.State, j ca.Journal) (bool, error) {
	list, err := f.Client.Orders(ctx)
	if err != nil {
		return false, classify(fmt.Errorf("listing CyberSSL orders to recover an interrupted order: %w", err), true)
	}
	csr, err := ca.CheckCSR(req.CSR)
	if err != nil {
		return false, ca.Permanent(err)
	}
	candidates := slices.DeleteFunc(list.SSLOrders.Matching(req.DNSNames, st.Intent.At.Add(-adoptSlack)),
		func(o OrderSummary) bool { return StatusClass(o.Status) == ClassFinal })
	slices.SortStableFunc(candidates, func(a, b OrderSummary) int {
		ta, _ := a.CreatedAt()
		tb, _ := b.CreatedAt()
		if c := ta.Compare(tb); c != 0 {
			return c
		}
		return cmp.Compare(a.OrderID, b.OrderID)
	})
	for _, o := range candidates {
		// Another request for the same names has its own key: its order
		// is not ours.
		status, err := f.Client.OrderStatus(ctx, o.OrderID)
		if err != nil {
			return false, classify(fmt.Errorf("reading CyberSSL order %s to recover an interrupted order: %w", o.OrderID, err), true)
		}
		if theirs, err := ca.CheckCSR([]byte(status.CSR)); err == nil && !bytes.Equal(theirs.RawSubjectPublicKeyInfo, csr.RawSubjectPublicKeyInfo) {
			continue
		}
		st.OrderID, st.Intent, st.Names, st.Progress = o.OrderID.String(), nil, nil, f.Now()
		placed(st, req.DNSNames, method)
		// The id matters most: challenges that cannot be read now are
		// fetched again while polling.
		_ = f.fetchChallenges(ctx, o.OrderID, st)
		if err := j.SaveOutcome(context.WithoutCancel(ctx), st); err != nil {
			return false, err
		}
		return true, nil
	}
	return false, nil
}

// fetchChallenges reads the order's dv_options into st (not saved).
func (f *Flow) fetchChallenges(ctx context.Context, id ID, st *ca.State) error {
	resp, err := f.Client.DVOptions(ctx, id, DVMethodAll)
	if err != nil {
		return classify(fmt.Errorf("reading the validation options of CyberSSL order %s: %w", id, err), true)
	}
	return f.setChallenges(st, resp.DVOptions)
}

// setChallenges records the challenge of every name from dv_options, each
// with the method the name is validated with.
func (f *Flow) setChallenges(st *ca.State, opts DVOptions) error {
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
func (f *Flow) align(ctx context.Context, req ca.Request, id ID, st *ca.State, j ca.Journal) error {
	changed := false
	for i := range st.Names {
		ns := &st.Names[i]
		want := f.want(req.DNSNames, ns.Name)
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
		resp, err := f.Client.ChangeDVMethod(ctx, change)
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
			if opts, err := f.Client.DVOptions(ctx, id, method); err == nil {
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
	st.Progress = f.Now()
	return j.Save(ctx, st)
}

// poll reads the order's status once and acts on it. Names whose method
// the Issuer changed are switched first, before the CA looks again.
func (f *Flow) poll(ctx context.Context, req ca.Request, id ID, st *ca.State, j ca.Journal) (*ca.Result, error) {
	if err := f.align(ctx, req, id, st, j); err != nil {
		return nil, err
	}
	status, err := f.Client.OrderStatus(ctx, id)
	if err != nil {
		return nil, classify(fmt.Errorf("order_status of CyberSSL order %s: %w", id, err), true)
	}
	switch status.Class() {
	case ClassIssued:
		chain := strings.TrimSpace(status.Certificate) + "\n"
		if c := strings.TrimSpace(status.CertificateChain); c != "" {
			chain += c + "\n"
		}
		st.ChainPEM, st.Progress = chain, f.Now()
		if err := j.SaveOutcome(context.WithoutCancel(ctx), st); err != nil {
			return nil, err
		}
		return ca.VerifyChain(req, []byte(chain))
	case ClassFinal:
		return nil, ca.Permanent(fmt.Errorf("CyberSSL order %s is %s: %s", id, status.Status, finalWords(status.Status)))
	}
	if len(st.OpenChallenges()) < len(st.Names) || len(st.Names) == 0 {
		// The order's answer was lost or unreadable: ask for the options.
		if len(st.Names) == 0 {
			if orderReq, err := f.orderRequest(ctx, req, true); err == nil {
				placed(st, req.DNSNames, orderReq.DVMethod)
			}
		}
		if err := f.fetchChallenges(ctx, id, st); err != nil {
			return nil, err
		}
		if len(st.OpenChallenges()) > 0 {
			if err := j.Save(ctx, st); err != nil {
				return nil, err
			}
		}
	}
	open := st.OpenChallenges()
	if err := f.present(ctx, open); err != nil {
		return nil, err
	}
	return nil, ca.Pending(fmt.Sprintf("CyberSSL order %s is %s: %s", id, status.Status, f.awaited(status.Status, open)), ca.Wait(st.Progress, f.Now()))
}

// awaited says what a waiting order waits for.
func (f *Flow) awaited(status string, open []ca.Challenge) string {
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
		shown = append(shown, describe(f.DVMethod, ch))
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

func finalWords(status string) string {
	switch strings.ToLower(strings.Join(strings.Fields(status), " ")) {
	case "rejected":
		return "the CA refused to issue it"
	case "cancelled", "canceled": //nolint:misspell // the API's spelling
		return "it was cancelled and will not deliver a certificate" //nolint:misspell // the API's spelling
	case "duplicate certificate":
		return "CyberSSL reports a duplicate certificate and will not issue this one"
	case "expired":
		return "its certificate expired before it was collected"
	}
	return "it will not deliver a certificate"
}

// classify turns client errors into the ca package's classes. ordered: an
// order exists or may exist, so an unclear error is returned as is rather
// than failing a paid order.
func classify(err error, ordered bool) error {
	switch {
	case IsAuth(err):
		return ca.Credentials(err)
	case IsTemporary(err), ordered:
		return err
	}
	return ca.Permanent(err)
}

func apiMessage(err error) string {
	if ae, ok := asAPIError(err); ok {
		if ae.Code != "" {
			return fmt.Sprintf("error %s: %s", ae.Code, ae.Message)
		}
		return ae.Message
	}
	return err.Error()
}

func sameName(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(strings.TrimSpace(a), "."), strings.TrimSuffix(strings.TrimSpace(b), "."))
}
