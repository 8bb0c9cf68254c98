package dns01

import (
	"context"
	"fmt"
	"strings"

	"github.com/cert-manager/cert-manager/pkg/acme/webhook"
	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	"github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/acmedns"
	"github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/akamai"
	"github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/azuredns"
	"github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/clouddns"
	"github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/cloudflare"
	"github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/digitalocean"
	"github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/route53"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv"
)

// txtProvider is what cert-manager's built-in DNS providers
// (pkg/issuer/acme/dns/...) implement: they write TXT records.
type txtProvider interface {
	Present(ctx context.Context, domain, fqdn, value string) error
	CleanUp(ctx context.Context, domain, fqdn, value string) error
}

// constructors make cert-manager's providers; tests replace them to see what
// a block is mapped to.
type constructors struct {
	route53      func(ctx context.Context, accessKeyID, secretAccessKey, hostedZoneID, region, role, webIdentityToken string, ambient bool, ns []string, userAgent string) (txtProvider, error)
	cloudDNS     func(ctx context.Context, project string, serviceAccount []byte, ns []string, ambient bool, hostedZoneName string) (txtProvider, error)
	azureDNS     func(environment, clientID, clientSecret, subscriptionID, tenantID, resourceGroupName, hostedZoneName string, ns []string, ambient bool, mi *cmacme.AzureManagedIdentity, zoneType cmacme.AzureZoneType) (txtProvider, error)
	cloudflare   func(email, apiKey, apiToken string, ns []string, userAgent string) (txtProvider, error)
	digitalOcean func(token string, ns []string, userAgent string) (txtProvider, error)
	akamai       func(serviceConsumerDomain, clientToken, clientSecret, accessToken string, ns []string) (txtProvider, error)
	acmeDNS      func(host string, account []byte, ns []string) (txtProvider, error)
}

// certManagers are cert-manager's own constructors.
var certManagers = constructors{
	route53: func(ctx context.Context, id, secret, zone, region, role, token string, ambient bool, ns []string, ua string) (txtProvider, error) {
		return route53.NewDNSProvider(ctx, id, secret, zone, region, role, token, ambient, ns, ua)
	},
	cloudDNS: func(ctx context.Context, project string, sa []byte, ns []string, ambient bool, zone string) (txtProvider, error) {
		return clouddns.NewDNSProvider(ctx, project, sa, ns, ambient, zone)
	},
	azureDNS: func(env, id, secret, sub, tenant, group, zone string, ns []string, ambient bool, mi *cmacme.AzureManagedIdentity, zt cmacme.AzureZoneType) (txtProvider, error) {
		return azuredns.NewDNSProviderCredentials(env, id, secret, sub, tenant, group, zone, ns, ambient, mi, azuredns.WithAzureZone(zt))
	},
	cloudflare: func(email, key, token string, ns []string, ua string) (txtProvider, error) {
		return cloudflare.NewDNSProviderCredentials(email, key, token, ns, ua)
	},
	digitalOcean: func(token string, ns []string, ua string) (txtProvider, error) {
		return digitalocean.NewDNSProviderCredentials(token, ns, ua)
	},
	akamai: func(host, clientToken, clientSecret, accessToken string, ns []string) (txtProvider, error) {
		return akamai.NewDNSProvider(host, clientToken, clientSecret, accessToken, ns)
	},
	acmeDNS: func(host string, account []byte, ns []string) (txtProvider, error) {
		return acmedns.NewDNSProviderHostBytes(host, account, ns)
	},
}

// TokenCreator creates a short-lived token of a ServiceAccount for
// route53.auth.kubernetes (AssumeRoleWithWebIdentity).
type TokenCreator interface {
	CreateToken(ctx context.Context, namespace, serviceAccount string, audiences []string) (string, error)
}

// Builder makes the Solver of a dns01 block: it reads the Secrets the block
// references and hands them to cert-manager's provider for the block.
type Builder struct {
	Options Options
	// Reader reads Secrets live.
	Reader client.Reader
	// Tokens serves route53.auth.kubernetes; nil refuses it.
	Tokens TokenCreator
	// Webhook is cert-manager's webhook client (reaches solvers through the
	// API server's aggregation layer); nil refuses webhook blocks.
	Webhook webhook.Solver

	new constructors
}

// Build returns the Solver of block s for target t.
func (b *Builder) Build(ctx context.Context, t Target, s *v1alpha1.DNS01Solver) (*Solver, error) {
	cfg := &s.ACMEChallengeSolverDNS01
	if err := Check(s, t, b.Options); err != nil {
		return nil, err
	}
	w, err := b.writer(ctx, t, cfg)
	if err != nil {
		return nil, err
	}
	return &Solver{
		Provider: dcv.ProviderName(s),
		Follow:   cfg.CNAMEStrategy == cmacme.FollowStrategy,
		CNAMEs:   dcv.WritesCNAME(s),
		Checker:  Checker{Nameservers: b.Options.nameservers(), RecursiveOnly: b.Options.RecursiveOnly},
		writer:   w,
	}, nil
}

// writer builds the provider of cfg.
func (b *Builder) writer(ctx context.Context, t Target, cfg *cmacme.ACMEChallengeSolverDNS01) (writer, error) {
	if cfg.RFC2136 != nil {
		return b.rfc2136(ctx, t, cfg.RFC2136)
	}
	if cfg.Webhook != nil {
		if b.Webhook == nil {
			return nil, fmt.Errorf("%s.webhook: webhook solvers are not available in this controller", t.Path)
		}
		return &webhookWriter{solver: b.Webhook, config: cfg.Webhook, target: t, ambient: t.ClusterIssuer && b.Options.ClusterIssuerAmbientCredentials, nameservers: b.Options.nameservers()}, nil
	}
	p, err := b.txt(ctx, t, cfg)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, fmt.Errorf("%s: no DNS provider is set", t.Path)
	}
	return txtWriter{p}, nil
}

// txt maps a cloud provider block to cert-manager's provider, as
// cert-manager's ACME dns01 solver does.
func (b *Builder) txt(ctx context.Context, t Target, cfg *cmacme.ACMEChallengeSolverDNS01) (txtProvider, error) {
	mk := b.new
	if mk.route53 == nil {
		mk = certManagers
	}
	sec := secrets{reader: b.Reader, target: t}
	ns := b.Options.nameservers()
	ua := b.Options.UserAgent
	ambient := t.ClusterIssuer && b.Options.ClusterIssuerAmbientCredentials
	wrap := func(field string, p txtProvider, err error) (txtProvider, error) {
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.Path, field, err)
		}
		return p, nil
	}
	switch {
	case cfg.Route53 != nil:
		r := cfg.Route53
		id := strings.TrimSpace(r.AccessKeyID)
		if r.SecretAccessKeyID != nil {
			v, err := sec.text(ctx, *r.SecretAccessKeyID, "route53.accessKeyIDSecretRef")
			if err != nil {
				return nil, err
			}
			id = v
		}
		key, err := sec.optional(ctx, &r.SecretAccessKey, "route53.secretAccessKeySecretRef")
		if err != nil {
			return nil, err
		}
		token, err := b.webIdentityToken(ctx, t, r)
		if err != nil {
			return nil, err
		}
		p, err := mk.route53(ctx, id, key, r.HostedZoneID, r.Region, r.Role, token, ambient, ns, ua)
		return wrap("route53", p, err)
	case cfg.CloudDNS != nil:
		c := cfg.CloudDNS
		var sa []byte
		if c.ServiceAccount != nil {
			v, err := sec.get(ctx, *c.ServiceAccount, "cloudDNS.serviceAccountSecretRef")
			if err != nil {
				return nil, err
			}
			sa = v
		}
		p, err := mk.cloudDNS(ctx, c.Project, sa, ns, ambient, c.HostedZoneName)
		return wrap("cloudDNS", p, err)
	case cfg.AzureDNS != nil:
		a := cfg.AzureDNS
		secret, err := sec.optional(ctx, a.ClientSecret, "azureDNS.clientSecretSecretRef")
		if err != nil {
			return nil, err
		}
		if a.ClientID != "" && secret == "" {
			return nil, fmt.Errorf("%s.azureDNS.clientSecretSecretRef: required with clientID", t.Path)
		}
		p, err := mk.azureDNS(string(a.Environment), a.ClientID, secret, a.SubscriptionID, a.TenantID, a.ResourceGroupName, a.HostedZoneName, ns, ambient, a.ManagedIdentity, a.ZoneType)
		return wrap("azureDNS", p, err)
	case cfg.Cloudflare != nil:
		c := cfg.Cloudflare
		var key, token string
		var err error
		switch {
		case c.APIKey != nil && c.APIToken != nil:
			return nil, fmt.Errorf("%s.cloudflare: apiKeySecretRef and apiTokenSecretRef cannot both be set", t.Path)
		case c.APIKey != nil:
			key, err = sec.text(ctx, *c.APIKey, "cloudflare.apiKeySecretRef")
		case c.APIToken != nil:
			token, err = sec.text(ctx, *c.APIToken, "cloudflare.apiTokenSecretRef")
		default:
			return nil, fmt.Errorf("%s.cloudflare: apiKeySecretRef or apiTokenSecretRef is required", t.Path)
		}
		if err != nil {
			return nil, err
		}
		p, err := mk.cloudflare(c.Email, key, token, ns, ua)
		return wrap("cloudflare", p, err)
	case cfg.DigitalOcean != nil:
		token, err := sec.text(ctx, cfg.DigitalOcean.Token, "digitalocean.tokenSecretRef")
		if err != nil {
			return nil, err
		}
		p, err := mk.digitalOcean(token, ns, ua)
		return wrap("digitalocean", p, err)
	case cfg.Akamai != nil:
		a := cfg.Akamai
		clientToken, err := sec.text(ctx, a.ClientToken, "akamai.clientTokenSecretRef")
		if err != nil {
			return nil, err
		}
		clientSecret, err := sec.text(ctx, a.ClientSecret, "akamai.clientSecretSecretRef")
		if err != nil {
			return nil, err
		}
		accessToken, err := sec.text(ctx, a.AccessToken, "akamai.accessTokenSecretRef")
		if err != nil {
			return nil, err
		}
		p, err := mk.akamai(a.ServiceConsumerDomain, clientToken, clientSecret, accessToken, ns)
		return wrap("akamai", p, err)
	case cfg.AcmeDNS != nil:
		account, err := sec.get(ctx, cfg.AcmeDNS.AccountSecret, "acmeDNS.accountSecretRef")
		if err != nil {
			return nil, err
		}
		p, err := mk.acmeDNS(cfg.AcmeDNS.Host, account, ns)
		return wrap("acmeDNS", p, err)
	}
	return nil, nil
}

// webIdentityToken creates the ServiceAccount token route53.auth.kubernetes
// asks for, in the issuer's Secret namespace, as cert-manager does.
func (b *Builder) webIdentityToken(ctx context.Context, t Target, r *cmacme.ACMEIssuerDNS01ProviderRoute53) (string, error) {
	if r.Auth == nil || r.Auth.Kubernetes == nil || r.Auth.Kubernetes.ServiceAccountRef == nil {
		return "", nil
	}
	sa := r.Auth.Kubernetes.ServiceAccountRef
	field := t.Path + ".route53.auth.kubernetes.serviceAccountRef"
	if sa.Name == "" {
		return "", fmt.Errorf("%s.name: required", field)
	}
	if b.Tokens == nil {
		return "", fmt.Errorf("%s: ServiceAccount tokens are not available in this controller", field)
	}
	audiences := sa.TokenAudiences
	if len(audiences) == 0 {
		audiences = []string{"sts.amazonaws.com"}
	}
	token, err := b.Tokens.CreateToken(ctx, t.Namespace, sa.Name, audiences)
	if err != nil {
		return "", fmt.Errorf("%s: creating a token for ServiceAccount %s/%s (the controller needs create on serviceaccounts/token for it): %w", field, t.Namespace, sa.Name, err)
	}
	return token, nil
}

// rfc2136 builds the RFC 2136 presenter, which also writes CNAME records.
func (b *Builder) rfc2136(ctx context.Context, t Target, r *cmacme.ACMEIssuerDNS01ProviderRFC2136) (writer, error) {
	ns, err := hostPort(r.Nameserver)
	if err != nil {
		return nil, fmt.Errorf("%s.rfc2136.nameserver: %w", t.Path, err)
	}
	p := &RFC2136{Nameserver: ns, TSIGKeyName: r.TSIGKeyName, TSIGAlgorithm: tsigAlgorithm(r), Protocol: string(r.Protocol)}
	if r.TSIGKeyName != "" {
		secret, err := (secrets{reader: b.Reader, target: t}).text(ctx, r.TSIGSecret, "rfc2136.tsigSecretSecretRef")
		if err != nil {
			return nil, err
		}
		p.TSIGSecret = secret
	}
	return rfcWriter{p}, nil
}
