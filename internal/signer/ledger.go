package signer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	"github.com/go-logr/logr"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/challenge"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

// Reasons of the Events the ledger raises on a request.
const (
	ReasonOrderClaimed = "OrderClaimed"
	ReasonOrderAdopted = "OrderAdopted"
	ReasonOrderInUse   = "OrderInUse"
	ReasonOrderReused  = "OrderReused"
	// ReasonOrderNotRepeated: cert-manager asked again on a stale cache
	// for a certificate just delivered; nothing is bought.
	ReasonOrderNotRepeated = "OrderNotRepeated"
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
		fingerprint: order.KeyFingerprint(csr.RawSubjectPublicKeyInfo),
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

// orderFor finds or claims the ResellerOrder a request works on: the
// decision is order.Decide's, this carries it out. It returns the order
// claimed by this request (and whether it was claimed just now), a
// *servedError with a chain to return as is, or a ca.PendingError to wait.
func (s *Signer) orderFor(ctx context.Context, lr *ledgerRequest, issuer issuerapi.Issuer, spec *v1alpha1.IssuerSpec, req ca.Request, presenter *challenge.Tracker) (_ *v1alpha1.ResellerOrder, claimedNow bool, _ error) {
	l := s.ledger()
	orders, err := l.Orders(ctx, lr.ns, lr.key)
	if err != nil {
		return nil, false, err
	}
	d, err := order.Decide(order.Input{Orders: orders, Request: lr.ref, KeyFingerprint: lr.fingerprint, Alive: s.claimantAlive(ctx), Holder: s.holder(ctx, lr), Now: s.Now()})
	if err != nil {
		return nil, false, err
	}
	claim := v1alpha1.OrderClaim{Request: lr.ref, KeyFingerprint: lr.fingerprint}
	switch d.Action {
	case order.Continue:
		return d.Order, false, nil
	case order.Serve:
		s.event(lr.live, issuer, corev1.EventTypeNormal, ReasonOrderReused, "%s", d.Reason)
		return nil, false, &servedError{chain: d.Order.Status.Chain}
	case order.Hold:
		s.event(lr.live, issuer, corev1.EventTypeWarning, ReasonOrderNotRepeated, "%s", d.Reason)
		return nil, false, ca.Pending(d.Reason, holdRecheck)
	case order.Wait:
		s.event(lr.live, issuer, corev1.EventTypeNormal, ReasonOrderInUse, "%s", d.Reason)
		return nil, false, ca.Pending(d.Reason, 10*time.Second)
	case order.TakeOver:
		o, err := l.TakeOver(ctx, d.Order, claim)
		if err != nil {
			return nil, false, err
		}
		s.event(lr.live, issuer, corev1.EventTypeWarning, ReasonOrderAdopted, "%s", d.Reason)
		s.point(ctx, lr.live, o.Name)
		return o, false, nil
	}
	// Nothing is bought for a request the solvers cannot validate.
	if err := dcv.CheckWildcards(presenter.Router.Solvers, presenter.Router.Labels, req.DNSNames); err != nil {
		return nil, false, ca.Permanent(err)
	}
	if err := s.checkSolvers(spec, presenter.Router, presenter.Issuer, req.DNSNames); err != nil {
		return nil, false, ca.Permanent(err)
	}
	o, err := s.claimNew(ctx, lr, issuer, spec, req, d, claim)
	return o, err == nil, err
}

// claimNew creates the next order of the key, after the spend guard let it
// through; both under one lock, so two requests never take the last slot.
func (s *Signer) claimNew(ctx context.Context, lr *ledgerRequest, issuer issuerapi.Issuer, spec *v1alpha1.IssuerSpec, req ca.Request, d order.Decision, claim v1alpha1.OrderClaim) (*v1alpha1.ResellerOrder, error) {
	s.admission.Lock()
	defer s.admission.Unlock()
	if err := s.admit(ctx, issuer, spec, req); err != nil {
		if _, pending := ca.IsPending(err); pending {
			s.event(lr.live, issuer, corev1.EventTypeWarning, ReasonLimitReached, "%s", err.Error())
		}
		return nil, err
	}
	o, err := s.ledger().Claim(ctx, lr.ns, lr.key, d.Seq, claim, lr.certificate)
	var race *order.RaceError
	if errors.As(err, &race) {
		return nil, ca.Pending(race.Error()+"; looking again", time.Second)
	}
	if err != nil {
		return nil, err
	}
	s.event(lr.live, issuer, corev1.EventTypeNormal, ReasonOrderClaimed, "ResellerOrder %s: %s", o.Name, d.Reason)
	s.point(ctx, lr.live, o.Name)
	return o, nil
}

// point records on the request which order it works on, for people: the
// ledger finds the order by its key, so a failed write is only logged.
func (s *Signer) point(ctx context.Context, live client.Object, name string) {
	if live.GetAnnotations()[order.PointerAnnotation] == name {
		return
	}
	patch := client.RawPatch(types.MergePatchType, []byte(`{"metadata":{"annotations":{`+strconv.Quote(order.PointerAnnotation)+`:`+strconv.Quote(name)+`}}}`))
	if err := s.Client.Patch(ctx, live, patch); err != nil {
		logr.FromContextOrDiscard(ctx).Info("could not point the request at its ResellerOrder", "order", name, "error", err.Error())
	}
}

// holder reads, live, what the request's cert-manager Certificate holds;
// nil for a request without one.
func (s *Signer) holder(ctx context.Context, lr *ledgerRequest) func() (*order.Holder, error) {
	if lr.certificate == "" || lr.ref.Kind != "CertificateRequest" {
		return nil
	}
	ns := lr.live.GetNamespace()
	return func() (*order.Holder, error) {
		crt := &cmapi.Certificate{}
		if err := s.APIReader.Get(ctx, types.NamespacedName{Namespace: ns, Name: lr.certificate}, crt); err != nil {
			if apierrors.IsNotFound(err) {
				return nil, nil
			}
			return nil, fmt.Errorf("reading Certificate %s/%s: %w", ns, lr.certificate, err)
		}
		h := &order.Holder{Secret: ns + "/" + crt.Spec.SecretName}
		for _, c := range crt.Status.Conditions {
			if c.Type == cmapi.CertificateConditionIssuing {
				h.Reason, h.Message = c.Reason, c.Message
			}
		}
		if crt.Status.RenewalTime != nil {
			h.RenewalTime = crt.Status.RenewalTime.Time
		}
		secret := &corev1.Secret{}
		err := s.APIReader.Get(ctx, types.NamespacedName{Namespace: ns, Name: crt.Spec.SecretName}, secret)
		switch {
		case apierrors.IsNotFound(err):
			return h, nil
		case err != nil:
			return nil, fmt.Errorf("reading Secret %s: %w", h.Secret, err)
		}
		if leaf, err := ca.Leaf(secret.Data[corev1.TLSCertKey]); err == nil {
			h.Fingerprint, h.NotAfter = order.KeyFingerprint(leaf.RawSubjectPublicKeyInfo), leaf.NotAfter
		}
		return h, nil
	}
}

// claimantAlive tells whether a request still works on its claim: it
// exists, is the same object, and has not ended.
func (s *Signer) claimantAlive(ctx context.Context) order.Claimant {
	return func(ref v1alpha1.RequestReference) (bool, error) {
		var obj client.Object = &cmapi.CertificateRequest{}
		if ref.Kind == "CertificateSigningRequest" {
			obj = &certificatesv1.CertificateSigningRequest{}
		}
		err := s.APIReader.Get(ctx, types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}, obj)
		switch {
		case apierrors.IsNotFound(err):
			return false, nil
		case err != nil:
			return false, fmt.Errorf("reading %s %s/%s, which claimed the order: %w", ref.Kind, ref.Namespace, ref.Name, err)
		case obj.GetUID() != ref.UID:
			return false, nil
		}
		switch r := obj.(type) {
		case *cmapi.CertificateRequest:
			return !requestDone(r.Status.Conditions), nil
		case *certificatesv1.CertificateSigningRequest:
			return len(r.Status.Certificate) == 0 && !csrFailed(r), nil
		}
		return false, nil
	}
}

// failOrder records a request's permanent failure on its order. An order on
// which nothing can have been paid is Failed, which frees its key for the
// next request; any other keeps its state, so nothing is bought twice.
func (s *Signer) failOrder(ctx context.Context, j *order.Journal, st *ca.State, cause error) {
	if st.OrderID != "" || st.ChainPEM != "" || st.Intent != nil {
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
