package dns01

import (
	"fmt"

	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv"
)

// ambient names the credentials a block leaves out, when its provider would
// then use the controller's ambient credentials (as cert-manager decides it),
// or "" when the block names its own.
func ambient(s *v1alpha1.DNS01Solver) string {
	switch {
	case s.Route53 != nil:
		r := s.Route53
		keys := r.AccessKeyID != "" || r.SecretAccessKeyID != nil || r.SecretAccessKey.Name != ""
		token := r.Auth != nil && r.Auth.Kubernetes != nil && r.Auth.Kubernetes.ServiceAccountRef != nil
		if !keys && !token {
			return "route53: accessKeyID (or accessKeyIDSecretRef) and secretAccessKeySecretRef, or auth.kubernetes.serviceAccountRef"
		}
	case s.CloudDNS != nil:
		if s.CloudDNS.ServiceAccount == nil {
			return "cloudDNS.serviceAccountSecretRef"
		}
	case s.AzureDNS != nil:
		if s.AzureDNS.ClientID == "" {
			return "azureDNS: clientID, clientSecretSecretRef and tenantID"
		}
	}
	return ""
}

// Check finds what makes a dns01 block unusable for its issuer whatever the
// cluster holds, so the request fails before anything is ordered: no
// provider, ambient credentials where they are not allowed, an rfc2136 block
// the presenter cannot use.
func Check(s *v1alpha1.DNS01Solver, t Target, o Options) error {
	if dcv.ProviderName(s) == "" {
		return fmt.Errorf("%s: no DNS provider is set (route53, cloudDNS, azureDNS, cloudflare, digitalocean, akamai, acmeDNS, rfc2136 or webhook)", t.Path)
	}
	if missing := ambient(s); missing != "" {
		switch {
		case !t.ClusterIssuer:
			return fmt.Errorf("%s: %s not set: a ResellerIssuer cannot use the controller's ambient credentials; reference a Secret in its namespace, or use a ResellerClusterIssuer", t.Path, missing)
		case !o.ClusterIssuerAmbientCredentials:
			return fmt.Errorf("%s: %s not set: ambient credentials are off; reference a Secret in the cluster resource namespace, or start the controller with --cluster-issuer-ambient-credentials", t.Path, missing)
		}
	}
	if r := s.RFC2136; r != nil {
		if _, err := hostPort(r.Nameserver); err != nil {
			return fmt.Errorf("%s.rfc2136.nameserver: %w", t.Path, err)
		}
		if _, err := TSIGAlgorithm(tsigAlgorithm(r)); err != nil {
			return fmt.Errorf("%s.rfc2136.tsigAlgorithm: %w", t.Path, err)
		}
	}
	if w := s.Webhook; w != nil && (w.GroupName == "" || w.SolverName == "") {
		return fmt.Errorf("%s.webhook: groupName and solverName are required", t.Path)
	}
	return nil
}

// tsigAlgorithm is the block's algorithm, cert-manager's default (HMACMD5)
// when unset.
func tsigAlgorithm(r *cmacme.ACMEIssuerDNS01ProviderRFC2136) string {
	if r.TSIGAlgorithm == "" {
		return "HMACMD5"
	}
	return r.TSIGAlgorithm
}
