package signer

import (
	"context"
	"errors"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/challenge"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv/dns01"
)

// tracker builds the presenter of one request: the Issuer's solvers chosen
// by the request's labels (the built-in responder for HTTP, the dns01
// providers for DNS, their Secrets read once per request from the issuer's
// namespace), each challenge recorded as a ResellerChallenge.
func (s *Signer) tracker(ctx context.Context, spec *v1alpha1.IssuerSpec, issuer client.Object, secretNS string, live client.Object) *challenge.Tracker {
	var solvers []v1alpha1.Solver
	if spec.DomainValidation != nil {
		solvers = spec.DomainValidation.Solvers
	}
	pubs := s.Publishers
	if pubs == nil {
		pubs = &challenge.Publishers{DNS: &dns01.Builder{Reader: s.APIReader}}
	}
	kind := "ResellerIssuer"
	if issuer.GetNamespace() == "" {
		kind = "ResellerClusterIssuer"
	}
	ref := v1alpha1.IssuerReference{Kind: kind, Name: issuer.GetName(), SecretNamespace: secretNS}
	// Each solver is built (its Secrets read) once per request.
	built := map[*v1alpha1.DNS01Solver]dcv.DNSPresenter{}
	router := &dcv.Router{
		Solvers: solvers,
		Labels:  live.GetLabels(),
		HTTP:    s.HTTP,
		DNS: func(path string, d *v1alpha1.DNS01Solver) (dcv.DNSPresenter, error) {
			if p, ok := built[d]; ok {
				return p, nil
			}
			p, err := pubs.DNSSolver(ctx, ref, path, d)
			if err != nil {
				return nil, err
			}
			built[d] = p
			return p, nil
		},
	}
	ns := live.GetNamespace()
	if ns == "" {
		ns = s.ClusterResourceNamespace
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
		Issuer:    ref,
		Namespace: ns,
		Now:       now,
	}
}

// checkSolvers refuses, before anything is ordered, names whose dns01
// solver cannot work whatever the cluster holds: a provider block that
// needs ambient credentials the issuer may not use, or a TXT-only provider
// for a reseller that validates DNS with a CNAME record (CyberSSL).
func (s *Signer) checkSolvers(spec *v1alpha1.IssuerSpec, router *dcv.Router, ref v1alpha1.IssuerReference, names []string) error {
	var opts dns01.Options
	if s.Publishers != nil && s.Publishers.DNS != nil {
		opts = s.Publishers.DNS.Options
	}
	var errs []error
	checked := map[*v1alpha1.Solver]bool{}
	for _, n := range names {
		sol, ok := router.Selected(n)
		if !ok || sol.DNS01 == nil || checked[sol] {
			continue
		}
		checked[sol] = true
		t := dns01.Target{Namespace: ref.SecretNamespace, ClusterIssuer: ref.Kind == "ResellerClusterIssuer", Path: dcv.SolverPath(router.Solvers, sol) + ".dns01"}
		if err := dns01.Check(sol.DNS01, t, opts); err != nil {
			errs = append(errs, err)
		}
	}
	if spec.CyberSSL != nil {
		// CyberSSL's dv_options.dns is a CNAME record.
		errs = append(errs, dcv.CheckRecordType(router.Solvers, router.Labels, names, "CNAME"))
	}
	return errors.Join(errs...)
}
