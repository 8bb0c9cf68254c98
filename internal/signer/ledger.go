package signer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	"github.com/go-logr/logr"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/challenge"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

// Reasons of the Events the ledger raises on a request.
const (
	// ReasonOrderClaimed: a new order is placed while an earlier order for
	// the same names exists (a renewal that orders anew), and why.
	ReasonOrderClaimed = "OrderClaimed"
	// ReasonOrderAdopted (Warning): an order left open by a request that is
	// gone, or bought by a paid call whose answer was lost, is continued.
	ReasonOrderAdopted = "OrderAdopted"
	ReasonOrderInUse   = "OrderInUse"
	ReasonOrderReused  = "OrderReused"
	// ReasonOrderReissued: a renewal reissues a paid order for free.
	ReasonOrderReissued = "OrderReissued"
	// ReasonOrderNotRepeated: cert-manager asked again on a stale cache
	// for a certificate just delivered; nothing is bought.
	ReasonOrderNotRepeated = "OrderNotRepeated"
	// ReasonUnknownOutcome (Warning): a paid call ended without a known
	// outcome.
	ReasonUnknownOutcome = "UnknownOutcome"
	// ReasonOrderAbandoned (Warning): an order of the request's
	// Certificate no request will finish was canceled or marked abandoned.
	ReasonOrderAbandoned = "OrderAbandoned"
)

// holdRecheck is how often a held request looks again.
const holdRecheck = 10 * time.Minute

// +kubebuilder:rbac:groups=cert-manager.io,resources=certificates,verbs=get

// ledgerRequest is what the ledger needs to know about one request.
type ledgerRequest struct {
	live        client.Object
	ref         v1alpha1.RequestReference
	fingerprint string
	key         order.Key
	ns          string
	certificate string
}

// newLedgerRequest describes req (whose CSR is details' CSR) for the ledger.
func (s *Signer) newLedgerRequest(live client.Object, issuer issuerapi.Issuer, spec *v1alpha1.IssuerSpec, secretNS string, req ca.Request) (*ledgerRequest, error) {
	csr, err := ca.CheckCSR(req.CSR)
	if err != nil {
		return nil, err
	}
	kind := "ResellerIssuer"
	if issuer.GetNamespace() == "" {
		kind = "ResellerClusterIssuer"
	}
	ref := v1alpha1.RequestReference{Group: cmapi.SchemeGroupVersion.Group, Kind: "CertificateRequest", Name: live.GetName(), Namespace: live.GetNamespace(), UID: live.GetUID()}
	ns := live.GetNamespace()
	if _, isCSR := live.(*certificatesv1.CertificateSigningRequest); isCSR {
		ref.Group, ref.Kind = certificatesv1.SchemeGroupVersion.Group, "CertificateSigningRequest"
		ns = s.ClusterResourceNamespace
	}
	product, years := productOf(spec), yearsOf(spec)
	return &ledgerRequest{
		live:        live,
		ref:         ref,
		fingerprint: ca.KeyFingerprint(csr.RawSubjectPublicKeyInfo),
		key:         order.NewKey(v1alpha1.IssuerReference{Kind: kind, Name: issuer.GetName(), SecretNamespace: secretNS}, spec.Provider(), product, years, req.DNSNames),
		ns:          ns,
		certificate: live.GetAnnotations()[cmapi.CertificateNameKey],
	}, nil
}

// yearsOf is the subscription term an issuer buys.
func yearsOf(spec *v1alpha1.IssuerSpec) int32 {
	switch {
	case spec.SSLMarket != nil:
		return max(spec.SSLMarket.Years, 1)
	case spec.CyberSSL != nil:
		return max(spec.CyberSSL.Period, 1)
	}
	return 0
}

// servedError carries a chain the ledger already holds for the request.
type servedError struct{ chain string }

func (e *servedError) Error() string { return "served from the ledger" }

// claimed is the order a request works on, as orderFor found it.
type claimed struct {
	order *v1alpha1.ResellerOrder
	// fresh: claimed by this call (a new order or a reissue): its
	// progress is this call's, and orders the Certificate left open are
	// looked at.
	fresh bool
	// renew: a new order renewing an earlier one for the same names.
	renew bool
	// unwritten: a new order whose status (its claim) is written with its
	// first progress (order.Journal.Unwritten).
	unwritten bool
	// known are the expiry times of the certificates the ledger holds for
	// the names, knownOrders the reseller's ids of its orders.
	known       []time.Time
	knownOrders []string
}

// orderFor finds or claims the ResellerOrder a request works on: the
// decision is order.Decide's, this carries it out. It returns the order
// claimed by this request, a *servedError with a chain to return as is, or
// a ca.PendingError to wait.
func (s *Signer) orderFor(ctx context.Context, lr *ledgerRequest, issuer issuerapi.Issuer, spec *v1alpha1.IssuerSpec, req ca.Request, presenter *challenge.Tracker) (*claimed, error) {
	l := s.ledger()
	orders, err := l.Orders(ctx, lr.ns, lr.key)
	if err != nil {
		return nil, err
	}
	d, err := order.Decide(order.Input{
		Orders: orders, Request: lr.ref, KeyFingerprint: lr.fingerprint,
		Policy: spec.RenewalPolicy(), Horizon: horizon(req.Duration),
		Alive: s.claimantAlive(ctx), Holder: s.holder(ctx, lr), Now: s.Now(),
	})
	if err != nil {
		return nil, err
	}
	c := &claimed{}
	c.known, c.knownOrders = known(orders)
	claim := v1alpha1.OrderClaim{Request: lr.ref, KeyFingerprint: lr.fingerprint}
	switch d.Action {
	case order.Continue:
		c.order = d.Order
		return c, nil
	case order.Serve:
		s.event(lr.live, issuer, corev1.EventTypeNormal, ReasonOrderReused, "%s", d.Reason)
		return nil, &servedError{chain: d.Order.Status.Chain}
	case order.Hold:
		s.event(lr.live, issuer, corev1.EventTypeWarning, ReasonOrderNotRepeated, "%s", d.Reason)
		return nil, ca.Pending(d.Reason, holdRecheck)
	case order.Wait:
		s.event(lr.live, issuer, corev1.EventTypeNormal, ReasonOrderInUse, "%s", d.Reason)
		return nil, ca.Pending(d.Reason, 10*time.Second)
	case order.TakeOver:
		o, err := l.TakeOver(ctx, d.Order, claim)
		if err != nil {
			return nil, err
		}
		s.notes(lr.live, issuer, spec).Adopted(ctx, d.Reason)
		c.order = o
		return c, nil
	case order.Reissue:
		o, err := l.Reissue(ctx, d.Order, claim, d.Replaces)
		if err != nil {
			return nil, err
		}
		s.event(lr.live, issuer, corev1.EventTypeNormal, ReasonOrderReissued, "%s", d.Reason)
		c.order, c.fresh = o, true
		return c, nil
	}
	// Nothing is bought for a request the solvers cannot validate.
	if err := dcv.CheckWildcards(presenter.Router.Solvers, presenter.Router.Labels, req.DNSNames); err != nil {
		return nil, ca.Permanent(err)
	}
	if err := s.checkSolvers(spec, presenter.Router, presenter.Issuer, req.DNSNames); err != nil {
		return nil, ca.Permanent(err)
	}
	var verified []v1alpha1.OrderName
	if spec.SSLCI != nil {
		verified = order.Verified(orders)
	}
	o, err := s.claimNew(ctx, lr, issuer, spec, req, d, claim, verified)
	if err != nil {
		return nil, err
	}
	c.order, c.fresh, c.renew, c.unwritten = o, true, d.Renew, true
	return c, nil
}

// horizon is how long a reissued certificate must last before the next
// renewal: cert-manager renews at two thirds of a certificate's life by
// default, and a duration of 0 is its default of 90 days.
func horizon(duration time.Duration) time.Duration {
	if duration <= 0 {
		duration = 90 * day
	}
	return duration * 2 / 3
}

// known lists the expiry times of the certificates obtained on orders, and
// the reseller's ids of the orders.
func known(orders []v1alpha1.ResellerOrder) (notAfters []time.Time, ids []string) {
	for _, o := range orders {
		for _, c := range o.Status.Certificates {
			notAfters = append(notAfters, c.NotAfter.Time)
		}
		if o.Status.OrderID != "" {
			ids = append(ids, o.Status.OrderID)
		}
	}
	return notAfters, ids
}

// claimNew creates the next order of the key, after the spend guard let it
// through; both under one lock, so two requests never take the last slot.
func (s *Signer) claimNew(ctx context.Context, lr *ledgerRequest, issuer issuerapi.Issuer, spec *v1alpha1.IssuerSpec, req ca.Request, d order.Decision, claim v1alpha1.OrderClaim, verified []v1alpha1.OrderName) (*v1alpha1.ResellerOrder, error) {
	s.admission.Lock()
	defer s.admission.Unlock()
	if err := s.admit(ctx, issuer, spec, req); err != nil {
		if _, pending := ca.IsPending(err); pending {
			s.event(lr.live, issuer, corev1.EventTypeWarning, ReasonLimitReached, "%s", err.Error())
		}
		return nil, err
	}
	o, err := s.ledger().Claim(ctx, lr.ns, lr.key, d.Seq, claim, lr.certificate, verified)
	var race *order.RaceError
	if errors.As(err, &race) {
		return nil, ca.Pending(race.Error()+"; looking again", time.Second)
	}
	if err != nil {
		return nil, err
	}
	if why, ok := s.whyNewOrder(ctx, lr, d); ok {
		s.event(lr.live, issuer, corev1.EventTypeNormal, ReasonOrderClaimed, "ResellerOrder %s: %s", o.Name, why)
	}
	return o, nil
}

// whyNewOrder says why a new order is placed while an earlier one exists
// for these names (d's key) or for the request's Certificate (its names,
// product or term changed): README "What renewals cost". A plain first
// order needs no Event: the waiting condition names its ResellerOrder.
func (s *Signer) whyNewOrder(ctx context.Context, lr *ledgerRequest, d order.Decision) (string, bool) {
	if d.Seq > 1 {
		return d.Reason, true
	}
	if lr.certificate == "" {
		return "", false
	}
	orders, err := s.ledger().Certificate(ctx, lr.ns, lr.certificate)
	if err != nil {
		logr.FromContextOrDiscard(ctx).Info("could not list the Certificate's earlier orders for the OrderClaimed Event", "error", err.Error())
		return "", false
	}
	for i := len(orders) - 1; i >= 0; i-- {
		if prev := &orders[i]; prev.Labels[v1alpha1.LabelOrderKey] != lr.key.Hash() {
			return fmt.Sprintf("%s: the Certificate's earlier ResellerOrder %s was for [%s], product %q, %d years, through %s %s: its %s changed",
				d.Reason, prev.Name, strings.Join(prev.Spec.DNSNames, ", "), prev.Spec.Product, prev.Spec.Years, prev.Spec.IssuerRef.Kind, prev.Spec.IssuerRef.Name, changed(prev.Spec, lr.key.Spec())), true
		}
	}
	return "", false
}

// changed names what differs between two orders' specs: what was bought.
func changed(prev, next v1alpha1.OrderSpec) string {
	var what []string
	if prev.IssuerRef != next.IssuerRef {
		what = append(what, "issuer")
	}
	if prev.Provider != next.Provider {
		what = append(what, "provider")
	}
	if !slices.Equal(prev.DNSNames, next.DNSNames) {
		what = append(what, "names")
	}
	if prev.Product != next.Product {
		what = append(what, "product")
	}
	if prev.Years != next.Years {
		what = append(what, "term")
	}
	if len(what) == 0 {
		return "order key"
	}
	return strings.Join(what, ", ")
}

// failOrder records a request's permanent failure on its order. An order on
// which nothing can have been paid is Failed, which frees its key for the
// next request; any other keeps its state, so nothing is bought twice.
func (s *Signer) failOrder(ctx context.Context, j *order.Journal, st *ca.State, cause error) {
	if st.Paid() {
		return
	}
	if err := j.Fail(ctx, ca.CleanText(cause.Error())); err != nil {
		logr.FromContextOrDiscard(ctx).Info("could not record the failure on the ResellerOrder", "order", j.Order.Name, "error", err.Error())
	}
}

func (s *Signer) ledger() *order.Ledger {
	return &order.Ledger{Client: s.Client, Reader: s.APIReader, Now: s.Now}
}

func (s *Signer) event(regarding client.Object, related issuerapi.Issuer, kind, reason, format string, args ...any) {
	if s.Events != nil {
		s.Events.Eventf(regarding, related, kind, reason, "Order", format, args...)
	}
}
