package signer

import (
	"context"
	"fmt"
	"strings"

	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

// releaseLeftOpen looks, when a request of a Certificate claims an order,
// at the other open orders of that Certificate (for other names or another
// product: its spec was edited mid-order) whose request is gone: each is
// canceled where the reseller allows it (SSLCI verification orders,
// SSLmarket reissues), else marked Abandoned on its ResellerOrder, with a
// Warning Event: a paid order is never silently orphaned.
func (s *Signer) releaseLeftOpen(ctx context.Context, lr *ledgerRequest, issuer issuerapi.Issuer, p Provider) {
	if lr.certificate == "" {
		return
	}
	log := logr.FromContextOrDiscard(ctx)
	l := s.ledger()
	orders, err := l.Certificate(ctx, lr.ns, lr.certificate)
	if err != nil {
		log.Info("could not look for orders the Certificate left open", "error", err.Error())
		return
	}
	alive := s.claimantAlive(ctx)
	for i := range orders {
		o := &orders[i]
		if o.Labels[v1alpha1.LabelOrderKey] == lr.key.Hash() || !leftOpen(o) {
			continue
		}
		// The list is the cache's: the order may have been taken over
		// since. It is decided on its live copy.
		if o, err = l.Live(ctx, o); err != nil {
			log.Info("could not read an order the Certificate may have left open", "order", orders[i].Name, "error", err.Error())
			continue
		}
		if !leftOpen(o) {
			continue
		}
		if c := order.ClaimOf(o); c != nil {
			if live, err := alive(c.Request); err != nil || live {
				continue
			}
		}
		canceled := false
		if o.Spec.IssuerRef == lr.key.Issuer {
			if canceled, err = p.Cancel(ctx, order.StateOf(o)); err != nil {
				log.Info("could not cancel an order the Certificate left open; marking it abandoned", "order", o.Name, "error", err.Error())
			}
		}
		why := fmt.Sprintf("left open by Certificate %s, which now asks for [%s] through ResellerOrder key %s", lr.certificate, strings.Join(lr.key.Names, ", "), lr.key.Hash()[:10])
		if err := l.Release(ctx, o, canceled, why); err != nil {
			log.Info("could not release an order the Certificate left open", "order", o.Name, "error", err.Error())
			continue
		}
		what := "abandoned: the reseller offers no way to cancel it, it stays paid and a request for its names continues it"
		if canceled {
			what = "canceled at the reseller"
		}
		s.event(lr.live, issuer, corev1.EventTypeWarning, ReasonOrderAbandoned, "ResellerOrder %s for [%s] was left open by an earlier request of this Certificate: %s", o.Name, strings.Join(o.Spec.DNSNames, ", "), what)
	}
}

// leftOpen reports whether an order is still open at the reseller: not
// issued (or reissuing), and not already final or abandoned.
func leftOpen(o *v1alpha1.ResellerOrder) bool {
	switch o.Status.State {
	case v1alpha1.OrderAbandoned, v1alpha1.OrderExpired, v1alpha1.OrderCanceled, v1alpha1.OrderFailed:
		return false
	}
	return o.Status.Chain == "" || o.Status.Reissue != nil
}
