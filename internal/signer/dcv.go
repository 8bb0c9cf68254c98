package signer

import (
	"context"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/challenge"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv"
)

// tracker builds the presenter of one request: the Issuer's solvers chosen
// by the request's labels (the built-in responder for HTTP, RFC 2136 for
// DNS, its TSIG secret read once per request from the issuer's namespace),
// each challenge recorded as a ResellerChallenge.
func (s *Signer) tracker(ctx context.Context, spec *v1alpha1.IssuerSpec, issuer client.Object, secretNS string, live client.Object) *challenge.Tracker {
	var solvers []v1alpha1.Solver
	if spec.DomainValidation != nil {
		solvers = spec.DomainValidation.Solvers
	}
	pubs := s.Publishers
	if pubs == nil {
		pubs = &challenge.Publishers{Reader: s.APIReader}
	}
	built := map[*v1alpha1.RFC2136]dcv.DNSPresenter{}
	router := &dcv.Router{
		Solvers: solvers,
		Labels:  live.GetLabels(),
		HTTP:    s.HTTP,
		DNS: func(r *v1alpha1.RFC2136) (dcv.DNSPresenter, error) {
			if p, ok := built[r]; ok {
				return p, nil
			}
			p, err := pubs.DNS(ctx, secretNS, r)
			if err != nil {
				return nil, err
			}
			built[r] = p
			return p, nil
		},
	}
	ns := live.GetNamespace()
	if ns == "" {
		ns = s.ClusterResourceNamespace
	}
	kind := "ResellerIssuer"
	if issuer.GetNamespace() == "" {
		kind = "ResellerClusterIssuer"
	}
	now := s.Now
	if now == nil {
		now = time.Now
	}
	return &challenge.Tracker{
		Client:    s.Client,
		Reader:    s.APIReader,
		Router:    router,
		Routes:    pubs.Routes,
		Events:    s.Events,
		Request:   live,
		Issuer:    v1alpha1.IssuerReference{Kind: kind, Name: issuer.GetName(), SecretNamespace: secretNS},
		Namespace: ns,
		Now:       now,
	}
}
