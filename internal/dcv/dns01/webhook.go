package dns01

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cert-manager/cert-manager/pkg/acme/webhook"
	whapi "github.com/cert-manager/cert-manager/pkg/acme/webhook/apis/acme/v1alpha1"
	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	"github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/util"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// webhookWriter sends a ChallengeRequest to a webhook solver through
// cert-manager's webhook client, which POSTs it to
// /apis/<groupName>/v1alpha1/<solverName> on the API server, exactly as
// cert-manager's ACME dns01 solver builds it.
type webhookWriter struct {
	solver      webhook.Solver
	config      *cmacme.ACMEIssuerDNS01ProviderWebhook
	target      Target
	ambient     bool
	nameservers []string
}

func (w *webhookWriter) request(ctx context.Context, rec Record) (*whapi.ChallengeRequest, error) {
	zone, err := util.FindZoneByFqdn(ctx, rec.FQDN, w.nameservers)
	if err != nil {
		return nil, fmt.Errorf("finding the zone of %s: %w", rec.FQDN, err)
	}
	// The client sends only the block's config on; it reads groupName and
	// solverName from the whole block.
	raw, err := json.Marshal(w.config)
	if err != nil {
		return nil, err
	}
	return &whapi.ChallengeRequest{
		Type:                    "dns-01",
		DNSName:                 rec.Domain,
		Key:                     rec.Value,
		ResourceNamespace:       w.target.Namespace,
		ResolvedFQDN:            rec.FQDN,
		ResolvedZone:            zone,
		AllowAmbientCredentials: w.ambient,
		Config:                  &apiextensionsv1.JSON{Raw: raw},
	}, nil
}

func (w *webhookWriter) present(ctx context.Context, rec Record) error {
	req, err := w.request(ctx, rec)
	if err != nil {
		return err
	}
	return w.describe(w.solver.Present(req))
}

func (w *webhookWriter) cleanUp(ctx context.Context, rec Record) error {
	req, err := w.request(ctx, rec)
	if err != nil {
		return err
	}
	return w.describe(w.solver.CleanUp(req))
}

func (w *webhookWriter) describe(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("webhook solver %s of %s (POST /apis/%s/v1alpha1/%s): %w", w.config.SolverName, w.config.GroupName, w.config.GroupName, w.config.SolverName, err)
}
