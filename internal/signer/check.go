package signer

import (
	"context"
	"fmt"

	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	"github.com/cert-manager/issuer-lib/controllers/signer"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Probe reads an Issuer's credentials and asks its reseller whether they
// work (the health check behind the Issuer's Ready condition). Refused
// credentials stay retryable, and their error names the Secret to fix:
// fixing it must heal the Issuer without touching its spec. It also starts
// the Issuer's order counters at 0 (an alert sees their first increase).
func (s *Signer) Probe(ctx context.Context, issuer issuerapi.Issuer) (ca.Health, error) {
	if spec, ok := v1alpha1.SpecOf(issuer); ok && s.Counters != nil {
		s.Counters.Known(issuerLabels(issuer), spec.Provider())
	}
	// The health check reads the credentials live, and so refreshes what
	// Signs use.
	p, err := s.provider(ctx, issuer, nil, true)
	if err != nil {
		return ca.Health{}, err
	}
	h, err := p.Check(ctx)
	if err != nil && ca.IsCredentials(err) {
		spec, ok := v1alpha1.SpecOf(issuer)
		if !ok {
			return ca.Health{}, signer.PermanentError{Err: fmt.Errorf("unexpected issuer type %T", issuer)}
		}
		ref, field := secretRef(spec)
		err = fmt.Errorf("%w; put valid credentials in Secret %s/%s key %q (%s)", err, s.secretNamespace(issuer), ref.Name, ref.Key, field)
	}
	return h, err
}

// secretNamespace is where an Issuer's Secrets live.
func (s *Signer) secretNamespace(issuer issuerapi.Issuer) string {
	if ns := issuer.GetNamespace(); ns != "" {
		return ns
	}
	return s.ClusterResourceNamespace
}
