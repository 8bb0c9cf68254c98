package cyberssl

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnsname"
)

type order struct {
	id          int64
	account     string
	product     *product
	orderType   string
	period      int
	created     time.Time
	subEnd      time.Time // end of the subscription the order bought
	amount      int64     // cents, all paid so far
	paidNames   int       // names the payments cover
	csrPEM      string
	primary     string
	names       []string
	dcv         map[string]*dcv
	dvMethod    string // as last requested (add, reissue, change of the primary)
	contacts    orderContacts
	status      string
	generation  int // bumped whenever validation restarts
	validatedAt time.Time
	cert        string
	chain       string
	notBefore   time.Time
	notAfter    time.Time
}

// addOrder answers POST add_ssl_order.
func (s *Server) addOrder(r *http.Request, p url.Values) (any, *apiError) {
	name := accountOf(r)
	prod, aerr := productParam(p)
	if aerr != nil {
		return nil, aerr
	}
	orderType := p.Get("order_type")
	switch orderType {
	case "":
		return nil, missing("order_type")
	case orderTypeNew, orderTypeRenew:
	default:
		return nil, invalid("order_type", "must be %q or %q", orderTypeNew, orderTypeRenew)
	}
	period, aerr := periodParam(p, prod)
	if aerr != nil {
		return nil, aerr
	}
	method, emails, aerr := dvMethodParam(p.Get("dv_method"))
	if aerr != nil {
		return nil, aerr
	}
	contacts, aerr := contactParams(p, prod)
	if aerr != nil {
		return nil, aerr
	}
	csrPEM, keyPEM, primary, aerr := csrParams(p, false, p.Get("addon_domains"))
	if aerr != nil {
		return nil, aerr
	}
	names, aerr := orderNames(prod, primary, p.Get("addon_domains"))
	if aerr != nil {
		return nil, aerr
	}
	checks, aerr := newDCV(names, method, emails)
	if aerr != nil {
		return nil, aerr
	}

	cost := prod.price(period, len(names))
	now := s.env.Now()
	s.mu.Lock()
	acct := s.accounts[name]
	if acct.balance < cost {
		bal := acct.balance
		acct.stats.FundsRefusals++
		s.mu.Unlock()
		return nil, errorf(codeFunds, "insufficient balance: the order costs %s, the balance is %s", money(cost), money(bal))
	}
	acct.balance -= cost
	acct.stats.Orders++
	s.lastOrderID++
	o := &order{
		id: s.lastOrderID, account: name, product: prod, orderType: orderType, period: period, created: now,
		subEnd: apienv.SubscriptionEnd(now, 12*period),
		amount: cost, paidNames: max(len(names), prod.MultidomainsIncluded), csrPEM: csrPEM, primary: primary,
		names: names, dcv: checks, dvMethod: p.Get("dv_method"), contacts: contacts, status: statusValidating,
	}
	s.orders[o.id] = o
	s.sendMails(o)
	resp := addOrderResponse{Success: true, OrderID: o.id, CSRCode: string(keyPEMCSR(keyPEM, csrPEM)), PrivateKey: string(keyPEM)}
	if method != dvEmail {
		opts := o.options(dvPublishable, nil)
		resp.DVOptions = &opts
	}
	s.mu.Unlock()

	s.env.Log.Info("cyberssl order placed", "account", name, "orderID", o.id, "product", prod.ProductID,
		"names", names, "dvMethod", method, "amount", string(money(cost)))
	return resp, nil
}

// keyPEMCSR returns the CSR to report as csr_code: only when the sandbox
// generated it (keyPEM set).
func keyPEMCSR(keyPEM []byte, csrPEM string) []byte {
	if len(keyPEM) == 0 {
		return nil
	}
	return []byte(csrPEM)
}

// reissue answers POST reissue_ssl_order.
func (s *Server) reissue(r *http.Request, p url.Values) (any, *apiError) {
	name := accountOf(r)
	id, aerr := orderIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	method, emails, aerr := dvMethodParam(p.Get("dv_method"))
	if aerr != nil {
		return nil, aerr
	}
	csrPEM, keyPEM, primary, aerr := csrParams(p, true, p.Get("addon_domains"))
	if aerr != nil {
		return nil, aerr
	}
	return s.withOrder(name, id, func(o *order) (any, *apiError) {
		if o.status != statusActivated && o.status != statusExpired {
			return nil, errorf(codeConflict, "order %d is %s: only Activated or Expired orders can be reissued", id, o.status)
		}
		if now := s.env.Now(); !now.Before(o.subEnd) {
			return nil, errorf(codeConflict, "the subscription of order %d ended on %s: a reissue needs a new order", id, s.env.Local(o.subEnd).Format(dateLayout))
		}
		names, aerr := orderNames(o.product, primary, p.Get("addon_domains"))
		if aerr != nil {
			return nil, aerr
		}
		if len(names) > o.paidNames {
			return nil, errorf(codeConflict, "order %d covers %d domains, the reissue has %d: use order_extra_domains first", id, o.paidNames, len(names))
		}
		checks, aerr := newDCV(names, method, emails)
		if aerr != nil {
			return nil, aerr
		}
		s.voidMails(o, "", fmt.Sprintf("order %d was reissued", id))
		o.csrPEM, o.primary, o.names, o.dcv, o.dvMethod = csrPEM, primary, names, checks, p.Get("dv_method")
		s.sendMails(o)
		o.status, o.generation = statusValidating, o.generation+1
		o.cert, o.chain, o.notBefore, o.notAfter, o.validatedAt = "", "", time.Time{}, time.Time{}, time.Time{}
		s.accounts[name].stats.Reissues++

		resp := addOrderResponse{Success: true, OrderID: o.id, CSRCode: string(keyPEMCSR(keyPEM, csrPEM)), PrivateKey: string(keyPEM)}
		if method != dvEmail {
			opts := o.options(dvPublishable, nil)
			resp.DVOptions = &opts
		}
		s.env.Log.Info("cyberssl order reissued", "account", name, "orderID", o.id, "names", names, "dvMethod", method)
		return resp, nil
	})
}

// myOrders answers GET my_orders.
// With a page size set, it answers the "page" asked for, oldest first.
func (s *Server) myOrders(r *http.Request, p url.Values) (any, *apiError) {
	name := accountOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	var mine []*order
	for _, o := range s.orders {
		if o.account == name {
			mine = append(mine, o)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].id < mine[j].id })
	lo, hi, err := s.env.Page(p, len(mine))
	if err != nil {
		return nil, invalid(apienv.PageParam, "%v", err)
	}
	out := ordersResponse{Success: true, SSLOrders: []orderSummary{}}
	for _, o := range mine[lo:hi] {
		if o.status == statusActivated && s.env.Now().After(o.notAfter) {
			o.status = statusExpired
		}
		st := o.statusResponse(s.env.Zone)
		out.SSLOrders = append(out.SSLOrders, orderSummary{
			OrderID: o.id, ProductID: o.product.ProductID, Status: o.status, PrimaryDomain: o.primary,
			DomainsIncluded: st.DomainsIncluded, Period: st.Period, Amount: st.Amount,
			DateCreated: s.env.Local(o.created).Format(dateTimeLayout), ValidFrom: st.ValidFrom, ValidTill: st.ValidTill,
			DVMethod: o.dvMethod,
		})
	}
	return out, nil
}

// extraDomains answers GET order_extra_domains: it charges for more names.
func (s *Server) extraDomains(r *http.Request, p url.Values) (any, *apiError) {
	id, aerr := orderIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	extra, aerr := positiveParam(p, "extra_domains_nr")
	if aerr != nil {
		return nil, aerr
	}
	return s.withOrder(accountOf(r), id, func(o *order) (any, *apiError) {
		return s.addDomains(o, int(extra))
	})
}

// addDomains charges o for n more names. Called with s.mu held.
func (s *Server) addDomains(o *order, n int) (any, *apiError) {
	id, name := o.id, o.account
	switch {
	case !o.product.IsMultiDomain:
		return nil, errorf(codeConflict, "product %d of order %d is not multi-domain", o.product.ProductID, id)
	case o.status == statusExpired:
		return nil, errorf(codeConflict, "order %d is %s", id, o.status)
	case o.paidNames+n > o.product.MultidomainsMaximum:
		return nil, invalid("extra_domains_nr", "order %d would cover %d domains, the product allows %d", id, o.paidNames+n, o.product.MultidomainsMaximum)
	}
	cost := int64(n) * o.product.extraDomain * int64(o.period)
	acct := s.accounts[name]
	if acct.balance < cost {
		return nil, errorf(codeFunds, "insufficient balance: %d extra domains cost %s, the balance is %s", n, money(cost), money(acct.balance))
	}
	acct.balance -= cost
	o.amount += cost
	o.paidNames += n
	s.env.Log.Info("cyberssl extra domains ordered", "account", name, "orderID", id, "extra", n, "amount", string(money(cost)))
	return extraDomainsResponse{Success: true, Amount: money(cost), OrderID: id}, nil
}

// withOrder runs fn with s.mu held on order id of account (see ownOrder).
func (s *Server) withOrder(account string, id int64, fn func(o *order) (any, *apiError)) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, aerr := s.ownOrder(account, id)
	if aerr != nil {
		return nil, aerr
	}
	return fn(o)
}

// ownOrder returns an order of account. Another account's order is
// reported like a missing one. Called with s.mu held.
func (s *Server) ownOrder(account string, id int64) (*order, *apiError) {
	o := s.orders[id]
	if o == nil || o.account != account {
		return nil, errorf(codeNotFound, "order %d not found", id)
	}
	return o, nil
}

// orderNames returns primary followed by the addon domains, checked
// against the product.
func orderNames(prod *product, primary, addons string) ([]string, *apiError) {
	names := []string{primary}
	for _, d := range splitList(addons) {
		n, aerr := domainParam("addon_domains", d)
		if aerr != nil {
			return nil, aerr
		}
		names = appendName(names, n)
	}
	if len(names) > 1 && !prod.IsMultiDomain {
		return nil, invalid("addon_domains", "product %d is not multi-domain", prod.ProductID)
	}
	if len(names) > prod.MultidomainsMaximum {
		return nil, invalid("addon_domains", "product %d secures at most %d domains, got %d", prod.ProductID, prod.MultidomainsMaximum, len(names))
	}
	if !prod.IsWildcard {
		for _, n := range names {
			if dnsname.IsWildcard(n) {
				return nil, invalid("addon_domains", "product %d does not allow the wildcard name %s", prod.ProductID, n)
			}
		}
	}
	return names, nil
}

func appendName(names []string, n string) []string {
	for _, have := range names {
		if have == n {
			return names
		}
	}
	return append(names, n)
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
}
