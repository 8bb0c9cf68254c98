package cyberssl

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Reseller is CyberSSL's part of the order protocol (order.Reseller): it
// adds the order (ordering.go), presents and switches its domain control
// validation (validation.go), polls order_status until the certificate is
// there (polling.go), finds an order again after a crash (recovery.go)
// and reissues it (renewal.go). The protocol (internal/order) claims,
// bounds and saves every paid call.
type Reseller struct {
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
	// Admin is the administrative contact of every order.
	Admin Contact
	// Tech is the technical contact; nil: CyberSSL uses Admin.
	Tech *Contact
	// Org is required by business-validated products.
	Org *Organization
	// Publisher publishes the request's challenges and names the solver
	// the Issuer selects per name (names whose method differs from the
	// order's are switched with change_dv_method); nil for a health check.
	Publisher ca.Publisher
	Now       func() time.Time
	// ProductDetails, when set, keeps the product's details for its MaxAge
	// (one per Issuer, shared by its requests); nil reads them for every
	// order.
	ProductDetails *ca.Cached[Product]
}

// maxListed is how many challenges a pending reason spells out.
const maxListed = 3

// Step is the paid call: add_ssl_order, validated once paid.
func (r *Reseller) Step() string { return ca.StepOrder }

// SubscriptionYears is the period an order buys.
func (r *Reseller) SubscriptionYears() int { return r.period() }

func (r *Reseller) period() int {
	if r.Period == 0 {
		return 1
	}
	return r.Period
}

// Check tells whether the account and product are usable: it opens a
// session, reads the balance and the product. It returns the balance and a
// short status for the Issuer, e.g. "product 1 PositiveSSL (dv)".
func (r *Reseller) Check(ctx context.Context) (ca.Health, error) {
	if err := r.checkConfig(); err != nil {
		return ca.Health{}, ca.Permanent(err)
	}
	if err := r.Client.Authenticate(ctx); err != nil {
		return ca.Health{}, checkErr(fmt.Errorf("authenticating: %w", err))
	}
	bal, err := r.Client.Balance(ctx)
	if err != nil {
		return ca.Health{}, checkErr(fmt.Errorf("reading the balance: %w", err))
	}
	prod, err := r.product(ctx, false, true)
	if err != nil {
		return ca.Health{}, err
	}
	if prod.OrganizationRequired && r.Org == nil {
		return ca.Health{}, ca.Permanent(fmt.Errorf("CyberSSL product %d (%s) requires the organization details, none are configured", r.ProductID, prod.Name))
	}
	return ca.Health{
		Detail:  fmt.Sprintf("product %d %s (%s)", r.ProductID, prod.Name, prod.ValidationType),
		Balance: &ca.Money{Amount: string(bal.Balance), Currency: BalanceCurrency},
	}, nil
}

func checkErr(err error) error {
	if IsAuth(err) {
		return ca.Credentials(err)
	}
	return err
}

func (r *Reseller) checkConfig() error {
	switch r.DVMethod {
	case DVMethodHTTP, DVMethodHTTPS, DVMethodDNS:
	case DVMethodEmail:
		if len(r.Approvers) == 0 {
			return errors.New("CyberSSL email validation needs at least one approver address")
		}
	default:
		return fmt.Errorf("CyberSSL validation method %q is not one of http, https, dns, email", r.DVMethod)
	}
	if r.ProductID <= 0 {
		return fmt.Errorf("CyberSSL product id %d is not valid", r.ProductID)
	}
	return nil
}

// product reads the product details (now when fresh is set, else possibly
// kept in ProductDetails). claimed: an order may exist, so unclear errors
// are not permanent.
func (r *Reseller) product(ctx context.Context, claimed, fresh bool) (Product, error) {
	read := func(ctx context.Context) (Product, error) {
		resp, err := r.Client.ProductDetails(ctx, r.ProductID)
		if err != nil {
			return Product{}, err
		}
		return resp.Product, nil
	}
	var prod Product
	var err error
	if r.ProductDetails == nil {
		prod, err = read(ctx)
	} else {
		prod, err = r.ProductDetails.Get(ctx, r.Now(), fresh, read)
	}
	switch {
	case err == nil:
		return prod, nil
	case IsNotFound(err):
		return Product{}, ca.Permanent(fmt.Errorf("CyberSSL has no product %d: %s", r.ProductID, apiMessage(err)))
	}
	return Product{}, classify(fmt.Errorf("reading CyberSSL product %d: %w", r.ProductID, err), claimed)
}

// orderID is the saved order id.
func orderID(st *ca.State) (ID, error) {
	id, err := strconv.ParseInt(st.OrderID, 10, 64)
	if err != nil || id <= 0 {
		return 0, ca.Permanent(fmt.Errorf("the saved CyberSSL order id %q is not a number: the order state is damaged", st.OrderID))
	}
	return ID(id), nil
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

// refusal classifies a failed paid call (add_ssl_order, reissue_ssl_order):
// a refusal bought nothing; any other failure may have.
func refusal(err error, what string) error {
	switch {
	case !refused(err):
		return fmt.Errorf("%s: %w", what, err)
	case IsAuth(err):
		return ca.Refused(ca.Credentials(fmt.Errorf("%s: %w", what, err)))
	case IsInsufficientFunds(err):
		return ca.Refused(ca.InsufficientFunds(fmt.Errorf("CyberSSL refused the order for lack of funds: %s", apiMessage(err))))
	}
	return ca.Refused(ca.Permanent(fmt.Errorf("CyberSSL refused the %s: %s", what, apiMessage(err))))
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
