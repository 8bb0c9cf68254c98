package signer

import (
	"context"

	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

// OrderCounters counts what the order protocol decides about money nobody
// asked for; *ca.Metrics is one.
type OrderCounters interface {
	// Known starts the counters of an Issuer at 0 (its health check).
	Known(i ca.IssuerLabels, provider string)
	Adopted(i ca.IssuerLabels, provider string)
	UnknownOutcome(i ca.IssuerLabels, provider string)
}

// requestNotes is the order.Notes of one request: a Warning Event on it,
// and the counter of its Issuer.
type requestNotes struct {
	s        *Signer
	live     client.Object
	issuer   issuerapi.Issuer
	provider string
}

var _ order.Notes = requestNotes{}

func (s *Signer) notes(live client.Object, issuer issuerapi.Issuer, spec *v1alpha1.IssuerSpec) requestNotes {
	return requestNotes{s: s, live: live, issuer: issuer, provider: spec.Provider()}
}

// Adopted raises OrderAdopted and counts it.
func (n requestNotes) Adopted(_ context.Context, message string) {
	n.s.event(n.live, n.issuer, corev1.EventTypeWarning, ReasonOrderAdopted, "%s", message)
	if n.s.Counters != nil {
		n.s.Counters.Adopted(issuerLabels(n.issuer), n.provider)
	}
}

// Unknown raises UnknownOutcome and counts it.
func (n requestNotes) Unknown(_ context.Context, message string) {
	n.s.event(n.live, n.issuer, corev1.EventTypeWarning, ReasonUnknownOutcome, "%s", message)
	if n.s.Counters != nil {
		n.s.Counters.UnknownOutcome(issuerLabels(n.issuer), n.provider)
	}
}
