package challenge

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

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
	// Reader reads TSIG Secrets live.
	Reader client.Reader
	// Routes is the http01 routing; nil disables Ingress/HTTPRoute creation.
	Routes Routes
}

// DNS builds the RFC 2136 presenter of an rfc2136 block, reading its TSIG
// secret from namespace ns.
func (p *Publishers) DNS(ctx context.Context, ns string, spec *v1alpha1.RFC2136) (*dns01.RFC2136, error) {
	d := &dns01.RFC2136{Nameserver: spec.Nameserver, TSIGKeyName: spec.TSIGKeyName, TSIGAlgorithm: spec.TSIGAlgorithm}
	if ref := spec.TSIGSecretRef; ref != nil {
		secret := &corev1.Secret{}
		key := types.NamespacedName{Namespace: ns, Name: ref.Name}
		if err := p.Reader.Get(ctx, key, secret); err != nil {
			return nil, fmt.Errorf("spec.domainValidation: rfc2136 tsigSecretRef: Secret %s: %w", key, err)
		}
		v, ok := secret.Data[ref.Key]
		if !ok || len(v) == 0 {
			return nil, fmt.Errorf("spec.domainValidation: rfc2136 tsigSecretRef: Secret %s has no key %q", key, ref.Key)
		}
		d.TSIGSecret = string(v)
	}
	return d, nil
}

// Remove takes down what was published for obj: its DNS record, and its
// Ingress or HTTPRoute. Absent records and objects are not errors.
func (p *Publishers) Remove(ctx context.Context, obj *v1alpha1.ResellerChallenge) error {
	pub := obj.Spec.Publisher
	if pub == nil {
		return nil
	}
	var errs []error
	if pub.DNS01 != nil && pub.DNS01.RFC2136 != nil && obj.Spec.DNS01 != nil {
		d, err := p.DNS(ctx, obj.Spec.IssuerRef.SecretNamespace, pub.DNS01.RFC2136)
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
