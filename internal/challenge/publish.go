package challenge

import (
	"context"
	"errors"
	"fmt"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv/dns01"
)

// Routes creates and removes what routes the reseller's HTTP check to the
// responder (an Ingress or HTTPRoute per challenge). *http01.Routes
// satisfies it.
type Routes interface {
	Present(ctx context.Context, ch *v1alpha1.ResellerChallenge, solver *v1alpha1.HTTP01Solver) error
	CleanUp(ctx context.Context, ch *v1alpha1.ResellerChallenge) error
}

// Publishers builds the solvers' publishers from their configuration: the
// same code presents a challenge and, later, removes it.
type Publishers struct {
	// DNS builds dns01 solvers (reads their Secrets live).
	DNS *dns01.Builder
	// Routes is the http01 routing; nil disables Ingress/HTTPRoute creation.
	Routes Routes
}

// DNSSolver builds the solver of a dns01 block for an issuer; path is the
// solver's field path, for errors.
func (p *Publishers) DNSSolver(ctx context.Context, issuer v1alpha1.IssuerReference, path string, s *v1alpha1.DNS01Solver) (*dns01.Solver, error) {
	if p.DNS == nil {
		return nil, fmt.Errorf("%s.dns01: dns01 solvers are not available in this controller", path)
	}
	return p.DNS.Build(ctx, dns01.Target{
		Namespace:     issuer.SecretNamespace,
		ClusterIssuer: issuer.Kind == "ResellerClusterIssuer",
		Path:          path + ".dns01",
	}, s)
}

// Remove takes down what was published for obj: its DNS record, and its
// Ingress or HTTPRoute. Absent records and objects are not errors.
func (p *Publishers) Remove(ctx context.Context, obj *v1alpha1.ResellerChallenge) error {
	pub := obj.Spec.Publisher
	if pub == nil {
		return nil
	}
	var errs []error
	if pub.DNS01 != nil && obj.Spec.DNS01 != nil {
		d, err := p.DNSSolver(ctx, obj.Spec.IssuerRef, "spec.publisher", pub.DNS01)
		if err == nil {
			r := obj.Spec.DNS01
			err = d.CleanUp(ctx, ca.Challenge{Name: obj.Spec.DNSName, Type: ca.DNS01, Record: r.Record, RecordType: r.Type, Content: r.Value})
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("removing %s record %s: %w", obj.Spec.DNS01.Type, obj.Spec.DNS01.Record, err))
		}
	}
	if pub.HTTP01 != nil && p.Routes != nil {
		if err := p.Routes.CleanUp(ctx, obj); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
