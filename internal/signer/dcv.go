package signer

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/cert-manager/issuer-lib/controllers/signer"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv/dns01"
)

// router builds the presenter of one request: the Issuer's solvers chosen
// by the request's labels, the built-in responder for HTTP, RFC 2136 for DNS
// (its TSIG secret read once per request from the issuer's namespace).
func (s *Signer) router(ctx context.Context, spec *v1alpha1.IssuerSpec, ns string, obj client.Object) *dcv.Router {
	var solvers []v1alpha1.Solver
	if spec.DomainValidation != nil {
		solvers = spec.DomainValidation.Solvers
	}
	built := map[*v1alpha1.RFC2136]dcv.DNSPresenter{}
	return &dcv.Router{
		Solvers: solvers,
		Labels:  obj.GetLabels(),
		HTTP:    s.HTTP,
		DNS: func(r *v1alpha1.RFC2136) (dcv.DNSPresenter, error) {
			if p, ok := built[r]; ok {
				return p, nil
			}
			p := &dns01.RFC2136{Nameserver: r.Nameserver, TSIGKeyName: r.TSIGKeyName, TSIGAlgorithm: r.TSIGAlgorithm}
			if r.TSIGSecretRef != nil {
				secret, err := s.tsigSecret(ctx, ns, r.TSIGSecretRef)
				if err != nil {
					return nil, err
				}
				p.TSIGSecret = secret
			}
			built[r] = p
			return p, nil
		},
	}
}

func (s *Signer) tsigSecret(ctx context.Context, ns string, ref *v1alpha1.SecretKeySelector) (string, error) {
	secret := &corev1.Secret{}
	key := types.NamespacedName{Namespace: ns, Name: ref.Name}
	if err := s.APIReader.Get(ctx, key, secret); err != nil {
		return "", signer.IssuerError{Err: fmt.Errorf("spec.domainValidation: rfc2136 tsigSecretRef: Secret %s: %w", key, err)}
	}
	v, ok := secret.Data[ref.Key]
	if !ok || len(v) == 0 {
		return "", signer.IssuerError{Err: fmt.Errorf("spec.domainValidation: rfc2136 tsigSecretRef: Secret %s has no key %q", key, ref.Key)}
	}
	return string(v), nil
}

// recorder remembers every challenge a flow presented, or that the state
// held when the call began, so the records can be removed once they are no
// longer needed.
type recorder struct {
	*dcv.Router
	mu        sync.Mutex
	presented []ca.Challenge
}

// remember adds the challenges a state holds before a flow runs.
func (r *recorder) remember(st *ca.State) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range st.Names {
		if n.Challenge != nil && !slices.Contains(r.presented, *n.Challenge) {
			r.presented = append(r.presented, *n.Challenge)
		}
	}
}

func (r *recorder) Present(ctx context.Context, ch ca.Challenge) error {
	r.mu.Lock()
	if !slices.Contains(r.presented, ch) {
		r.presented = append(r.presented, ch)
	}
	r.mu.Unlock()
	return r.Router.Present(ctx, ch)
}

// SolverKind names the kind of solver the Issuer selects for name: "http01",
// "dns01", "email", or "" when none matches.
func (r *recorder) SolverKind(name string) string {
	sol, ok := dcv.Select(r.Solvers, name, r.Labels)
	switch {
	case !ok:
		return ""
	case sol.HTTP01 != nil:
		return "http01"
	case sol.DNS01 != nil:
		return "dns01"
	case sol.Email != nil:
		return "email"
	}
	return ""
}

// cleanUp removes the records of challenges that are no longer open: all of
// them once the request is done (issued or failed for good).
func (r *recorder) cleanUp(ctx context.Context, st *ca.State, done bool) {
	open := st.OpenChallenges()
	r.mu.Lock()
	presented := slices.Clone(r.presented)
	r.mu.Unlock()
	for _, ch := range presented {
		if done || !slices.Contains(open, ch) {
			_ = r.CleanUp(ctx, ch) // best effort: a stale TXT record costs nothing
		}
	}
}
