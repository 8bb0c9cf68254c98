//go:build integration

package v1alpha1_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

type invalidCase struct {
	name     string
	provider string                   // base spec to start from
	mutate   func(obj map[string]any) // applied to the whole object
	path     string                   // field path the error must name
	msg      string                   // fragment of the expected message
	kinds    []string                 // default: both kinds
}

var invalidCases = []invalidCase{
	// Provider choice.
	{name: "no provider", provider: "sslci",
		mutate: func(o map[string]any) { set(o, "spec", map[string]any{"renewal": map[string]any{"policy": "Reissue"}}) },
		path:   "spec", msg: "exactly one of sslci, sslmarket or cyberssl must be set"},
	{name: "empty spec", provider: "sslci", mutate: setTo("spec", map[string]any{}),
		path: "spec", msg: "exactly one of sslci, sslmarket or cyberssl must be set"},
	{name: "no spec", provider: "sslci", mutate: deleted("spec"),
		path: "spec", msg: "Required value"},
	{name: "two providers", provider: "sslci",
		mutate: func(o map[string]any) {
			set(o, "spec.cyberssl", fromYAML(baseSpecs["cyberssl"]).(map[string]any)["cyberssl"])
		},
		path: "spec", msg: "exactly one of sslci, sslmarket or cyberssl must be set"},
	{name: "three providers", provider: "sslmarket",
		mutate: func(o map[string]any) {
			set(o, "spec.cyberssl", fromYAML(baseSpecs["cyberssl"]).(map[string]any)["cyberssl"])
			set(o, "spec.sslci", fromYAML(baseSpecs["sslci"]).(map[string]any)["sslci"])
		},
		path: "spec", msg: "exactly one of sslci, sslmarket or cyberssl must be set"},

	// Reseller URLs.
	{name: "sslci http URL to a public host", provider: "sslci", mutate: setTo("spec.sslci.url", "http://www.sslci.com/api"),
		path: "spec.sslci.url", msg: "must use https"},
	{name: "https URL without a host", provider: "sslci", mutate: setTo("spec.sslci.url", "https:///api"),
		path: "spec.sslci.url", msg: "must name a host"},
	{name: "rfc2136 key name without secret", provider: "sslci",
		mutate: solvers(`[{dns01: {rfc2136: {nameserver: "ns1.example.com:53", tsigKeyName: "k"}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.rfc2136.tsigSecretSecretRef", msg: "must be set together"},
	{name: "selector zone not a DNS name", provider: "sslci",
		mutate: solvers(`[{selector: {dnsZones: ["not a name!"]}, http01: {}}]`),
		path:   "spec.domainValidation.solvers[0].selector.dnsZones[0]", msg: "should match"},
	{name: "empty allowedProducts", provider: "sslmarket", mutate: setTo("spec.limits", map[string]any{"allowedProducts": []any{}}),
		path: "spec.limits.allowedProducts", msg: "should have at least 1 items"},
	{name: "caBundle with both a Secret and a ConfigMap", provider: "sslci",
		mutate: setTo("spec.caBundle", map[string]any{"secretRef": map[string]any{"name": "a", "key": "ca.crt"}, "configMapRef": map[string]any{"name": "b", "key": "ca.crt"}}),
		path:   "spec.caBundle", msg: "exactly one of secretRef or configMapRef must be set"},
	{name: "sslmarket ftp URL", provider: "sslmarket", mutate: setTo("spec.sslmarket.url", "ftp://www.sslmarket.co.uk/api"),
		path: "spec.sslmarket.url", msg: "must use https"},
	{name: "cyberssl http URL to a public host", provider: "cyberssl", mutate: setTo("spec.cyberssl.url", "http://api.cyberssl.com/sandbox/v1/"),
		path: "spec.cyberssl.url", msg: "must use https"},
	{name: "http URL to a host starting with localhost", provider: "sslci", mutate: setTo("spec.sslci.url", "http://localhost.attacker.example/api"),
		path: "spec.sslci.url", msg: "must use https"},
	{name: "http URL to 127.0.0.1 as a subdomain", provider: "cyberssl", mutate: setTo("spec.cyberssl.url", "http://127.0.0.1.nip.io/v1/"),
		path: "spec.cyberssl.url", msg: "must use https"},
	{name: "http URL with loopback userinfo", provider: "sslci", mutate: setTo("spec.sslci.url", "http://localhost@attacker.example/api"),
		path: "spec.sslci.url", msg: "must use https"},
	{name: "URL not a URL", provider: "sslmarket", mutate: setTo("spec.sslmarket.url", "www.sslmarket.co.uk api"),
		path: "spec.sslmarket.url", msg: "must be an absolute URL"},
	{name: "URL too long", provider: "sslci", mutate: setTo("spec.sslci.url", "https://www.sslci.com/"+strings.Repeat("a", 2048)),
		path: "spec.sslci.url", msg: "Too long"},

	// Secret references.
	{name: "sslci missing tokenSecretRef", provider: "sslci", mutate: deleted("spec.sslci.tokenSecretRef"),
		path: "spec.sslci.tokenSecretRef", msg: "Required value"},
	{name: "sslci empty secret name", provider: "sslci", mutate: setTo("spec.sslci.tokenSecretRef.name", ""),
		path: "spec.sslci.tokenSecretRef.name", msg: "should be at least 1 chars long"},
	{name: "sslmarket secret name not a DNS name", provider: "sslmarket", mutate: setTo("spec.sslmarket.tokenSecretRef.name", "My_Secret"),
		path: "spec.sslmarket.tokenSecretRef.name", msg: "should match"},
	{name: "sslmarket missing secret key", provider: "sslmarket", mutate: deleted("spec.sslmarket.tokenSecretRef.key"),
		path: "spec.sslmarket.tokenSecretRef.key", msg: "Required value"},
	{name: "cyberssl missing apiKeySecretRef", provider: "cyberssl", mutate: deleted("spec.cyberssl.apiKeySecretRef"),
		path: "spec.cyberssl.apiKeySecretRef", msg: "Required value"},
	{name: "cyberssl bad secret key", provider: "cyberssl", mutate: setTo("spec.cyberssl.apiKeySecretRef.key", "api/key"),
		path: "spec.cyberssl.apiKeySecretRef.key", msg: "should match"},

	// SSLCI.
	{name: "sslci bad method", provider: "sslci", mutate: setTo("spec.sslci.method", "email"),
		path: "spec.sslci.method", msg: "Unsupported value"},

	// SSLmarket.
	{name: "sslmarket country XX", provider: "sslmarket", mutate: setTo("spec.sslmarket.owner.country", "XX"),
		path: "spec.sslmarket.owner.country", msg: "Unsupported value: \"XX\""},
	{name: "sslmarket lower-case country uk", provider: "sslmarket", mutate: setTo("spec.sslmarket.invoice.country", "uk"),
		path: "spec.sslmarket.invoice.country", msg: "Unsupported value: \"uk\""},
	{name: "sslmarket phone 0123", provider: "sslmarket", mutate: setTo("spec.sslmarket.owner.tel", "0123"),
		path: "spec.sslmarket.owner.tel", msg: "should match"},
	{name: "sslmarket phone with spaces", provider: "sslmarket", mutate: setTo("spec.sslmarket.auth.tel", "+44 20 7946 0000"),
		path: "spec.sslmarket.auth.tel", msg: "should match"},
	{name: "sslmarket years 0", provider: "sslmarket", mutate: setTo("spec.sslmarket.years", int64(0)),
		path: "spec.sslmarket.years", msg: "should be greater than or equal to 1"},
	{name: "sslmarket years 7", provider: "sslmarket", mutate: setTo("spec.sslmarket.years", int64(7)),
		path: "spec.sslmarket.years", msg: "should be less than or equal to 6"},
	{name: "sslmarket bad dvAuthMethod", provider: "sslmarket", mutate: setTo("spec.sslmarket.dvAuthMethod", "HTTP"),
		path: "spec.sslmarket.dvAuthMethod", msg: "Unsupported value"},
	{name: "sslmarket lower-case dvAuthMethod", provider: "sslmarket", mutate: setTo("spec.sslmarket.dvAuthMethod", "file"),
		path: "spec.sslmarket.dvAuthMethod", msg: "Unsupported value"},
	{name: "sslmarket bad email", provider: "sslmarket", mutate: setTo("spec.sslmarket.tech.email", "hostmaster"),
		path: "spec.sslmarket.tech.email", msg: "should match"},
	{name: "sslmarket bad invoice email", provider: "sslmarket", mutate: setTo("spec.sslmarket.invoice.email", "accounts@example"),
		path: "spec.sslmarket.invoice.email", msg: "should match"},
	{name: "sslmarket bad productCode", provider: "sslmarket", mutate: setTo("spec.sslmarket.productCode", "RapidSSL DV"),
		path: "spec.sslmarket.productCode", msg: "should match"},
	{name: "sslmarket missing productCode", provider: "sslmarket", mutate: deleted("spec.sslmarket.productCode"),
		path: "spec.sslmarket.productCode", msg: "Required value"},
	{name: "sslmarket missing owner", provider: "sslmarket", mutate: deleted("spec.sslmarket.owner"),
		path: "spec.sslmarket.owner", msg: "Required value"},
	{name: "sslmarket missing invoice", provider: "sslmarket", mutate: deleted("spec.sslmarket.invoice"),
		path: "spec.sslmarket.invoice", msg: "Required value"},
	{name: "sslmarket empty first name", provider: "sslmarket", mutate: setTo("spec.sslmarket.auth.firstName", ""),
		path: "spec.sslmarket.auth.firstName", msg: "should be at least 1 chars long"},
	{name: "sslmarket zip too long", provider: "sslmarket", mutate: setTo("spec.sslmarket.owner.zip", strings.Repeat("9", 17)),
		path: "spec.sslmarket.owner.zip", msg: "Too long"},

	// CyberSSL.
	{name: "cyberssl productID 0", provider: "cyberssl", mutate: setTo("spec.cyberssl.productID", int64(0)),
		path: "spec.cyberssl.productID", msg: "should be greater than or equal to 1"},
	{name: "cyberssl missing productID", provider: "cyberssl", mutate: deleted("spec.cyberssl.productID"),
		path: "spec.cyberssl.productID", msg: "Required value"},
	{name: "cyberssl period 0", provider: "cyberssl", mutate: setTo("spec.cyberssl.period", int64(0)),
		path: "spec.cyberssl.period", msg: "should be greater than or equal to 1"},
	{name: "cyberssl period 6", provider: "cyberssl", mutate: setTo("spec.cyberssl.period", int64(6)),
		path: "spec.cyberssl.period", msg: "should be less than or equal to 5"},
	{name: "cyberssl bad dvMethod", provider: "cyberssl", mutate: setTo("spec.cyberssl.dvMethod", "txt"),
		path: "spec.cyberssl.dvMethod", msg: "Unsupported value"},
	{name: "cyberssl dvMethod email without approverEmails", provider: "cyberssl", mutate: setTo("spec.cyberssl.dvMethod", "email"),
		path: "spec.cyberssl.approverEmails", msg: "approverEmails is required when dvMethod is email"},
	{name: "cyberssl dvMethod email with empty approverEmails", provider: "cyberssl",
		mutate: func(o map[string]any) {
			set(o, "spec.cyberssl.dvMethod", "email")
			set(o, "spec.cyberssl.approverEmails", []any{})
		},
		path: "spec.cyberssl.approverEmails", msg: "approverEmails is required when dvMethod is email"},
	{name: "cyberssl bad approver email", provider: "cyberssl",
		mutate: func(o map[string]any) {
			set(o, "spec.cyberssl.dvMethod", "email")
			set(o, "spec.cyberssl.approverEmails", []any{"admin@example.com", "admin(at)example.com"})
		},
		path: "spec.cyberssl.approverEmails[1]", msg: "should match"},
	{name: "cyberssl duplicate approver email", provider: "cyberssl",
		mutate: func(o map[string]any) {
			set(o, "spec.cyberssl.dvMethod", "email")
			set(o, "spec.cyberssl.approverEmails", []any{"admin@example.com", "admin@example.com"})
		},
		path: "spec.cyberssl.approverEmails[1]", msg: "Duplicate value"},
	{name: "cyberssl bad admin email", provider: "cyberssl", mutate: setTo("spec.cyberssl.admin.email", "john smith@example.com"),
		path: "spec.cyberssl.admin.email", msg: "should match"},
	{name: "cyberssl bad admin phone", provider: "cyberssl", mutate: setTo("spec.cyberssl.admin.phone", "call me"),
		path: "spec.cyberssl.admin.phone", msg: "should match"},
	{name: "cyberssl missing admin", provider: "cyberssl", mutate: deleted("spec.cyberssl.admin"),
		path: "spec.cyberssl.admin", msg: "Required value"},
	{name: "cyberssl tech missing title", provider: "cyberssl",
		mutate: setTo("spec.cyberssl.tech", fromYAML(`{firstName: Jane, lastName: Doe, phone: "+44 20 7946 0002", email: jane@example.com}`)),
		path:   "spec.cyberssl.tech.title", msg: "Required value"},
	{name: "cyberssl org country XX", provider: "cyberssl", mutate: setTo("spec.cyberssl.org.country", "XX"),
		path: "spec.cyberssl.org.country", msg: "Unsupported value: \"XX\""},
	{name: "cyberssl org missing name", provider: "cyberssl", mutate: deleted("spec.cyberssl.org.name"),
		path: "spec.cyberssl.org.name", msg: "Required value"},

	// Domain validation solvers.
	{name: "solver with http01 and dns01", provider: "sslci",
		mutate: solvers(`[{http01: {}, dns01: {rfc2136: {nameserver: "ns1.example.com:53"}}}]`),
		path:   "spec.domainValidation.solvers[0]", msg: "exactly one of http01, dns01 or email must be set"},
	{name: "solver with dns01 and email", provider: "sslci",
		mutate: solvers(`[{http01: {}}, {dns01: {rfc2136: {nameserver: "ns1.example.com:53"}}, email: {}}]`),
		path:   "spec.domainValidation.solvers[1]", msg: "exactly one of http01, dns01 or email must be set"},
	{name: "solver with none", provider: "sslci",
		mutate: solvers(`[{selector: {dnsZones: [example.com]}}]`),
		path:   "spec.domainValidation.solvers[0]", msg: "exactly one of http01, dns01 or email must be set"},
	{name: "http01 with ingress and gatewayHTTPRoute", provider: "sslci",
		mutate: solvers(`[{http01: {ingress: {ingressClassName: nginx}, gatewayHTTPRoute: {parentRefs: [{name: gw}]}}}]`),
		path:   "spec.domainValidation.solvers[0].http01", msg: "at most one of ingress or gatewayHTTPRoute may be set"},
	{name: "gatewayHTTPRoute without parentRefs", provider: "sslci",
		mutate: solvers(`[{http01: {gatewayHTTPRoute: {parentRefs: []}}}]`),
		path:   "spec.domainValidation.solvers[0].http01.gatewayHTTPRoute.parentRefs", msg: "should have at least 1 items"},
	{name: "dns01 without provider", provider: "sslci",
		mutate: solvers(`[{dns01: {}}]`),
		path:   "spec.domainValidation.solvers[0].dns01", msg: "exactly one of route53, cloudDNS, azureDNS, cloudflare, digitalocean, akamai, acmeDNS, rfc2136 or webhook must be set"},
	{name: "dns01 with two providers", provider: "cyberssl",
		mutate: solvers(`[{http01: {}}, {dns01: {rfc2136: {nameserver: "ns1.example.com"}, cloudflare: {apiTokenSecretRef: {name: cf, key: token}}}}]`),
		path:   "spec.domainValidation.solvers[1].dns01", msg: "exactly one of route53, cloudDNS"},
	{name: "dns01 cnameStrategy unknown", provider: "sslci",
		mutate: solvers(`[{dns01: {cnameStrategy: Always, rfc2136: {nameserver: "ns1.example.com"}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.cnameStrategy", msg: "Unsupported value"},
	{name: "rfc2136 empty nameserver", provider: "sslci",
		mutate: solvers(`[{dns01: {rfc2136: {nameserver: ""}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.rfc2136.nameserver", msg: "nameserver is required"},
	{name: "rfc2136 without nameserver", provider: "sslci",
		mutate: solvers(`[{dns01: {rfc2136: {tsigKeyName: k}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.rfc2136.nameserver", msg: "Required value"},
	{name: "rfc2136 bad tsigAlgorithm", provider: "sslci",
		mutate: solvers(`[{dns01: {rfc2136: {nameserver: "ns1.example.com:53", tsigAlgorithm: HMACSHA224}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.rfc2136.tsigAlgorithm", msg: "tsigAlgorithm must be HMACMD5 (the default), HMACSHA1, HMACSHA256 or HMACSHA512"},
	{name: "rfc2136 bad protocol", provider: "sslci",
		mutate: solvers(`[{dns01: {rfc2136: {nameserver: "ns1.example.com:53", protocol: SCTP}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.rfc2136.protocol", msg: "Unsupported value"},
	{name: "rfc2136 tsigSecretSecretRef empty name", provider: "sslci",
		mutate: solvers(`[{dns01: {rfc2136: {nameserver: "ns1.example.com:53", tsigKeyName: k, tsigSecretSecretRef: {name: "", key: secret}}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.rfc2136.tsigSecretSecretRef", msg: "tsigKeyName and tsigSecretSecretRef must be set together"},
	{name: "cloudflare key and token", provider: "sslci",
		mutate: solvers(`[{dns01: {cloudflare: {email: a@example.com, apiKeySecretRef: {name: cf, key: k}, apiTokenSecretRef: {name: cf, key: t}}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.cloudflare", msg: "exactly one of apiKeySecretRef or apiTokenSecretRef must be set"},
	{name: "cloudflare without credentials", provider: "sslmarket",
		mutate: solvers(`[{dns01: {cloudflare: {email: a@example.com}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.cloudflare", msg: "exactly one of apiKeySecretRef or apiTokenSecretRef must be set"},
	{name: "cloudflare key without email", provider: "sslci",
		mutate: solvers(`[{dns01: {cloudflare: {apiKeySecretRef: {name: cf, key: k}}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.cloudflare.email", msg: "email is required with apiKeySecretRef"},
	{name: "cloudflare secret ref without name", provider: "sslci",
		mutate: solvers(`[{dns01: {cloudflare: {apiTokenSecretRef: {key: t}}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.cloudflare.apiTokenSecretRef.name", msg: "Required value"},
	{name: "route53 accessKeyID twice", provider: "sslci",
		mutate: solvers(`[{dns01: {route53: {region: r, accessKeyID: A, accessKeyIDSecretRef: {name: aws, key: id}, secretAccessKeySecretRef: {name: aws, key: s}}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.route53.accessKeyIDSecretRef", msg: "accessKeyID and accessKeyIDSecretRef cannot both be set"},
	{name: "route53 kubernetes auth without serviceAccountRef", provider: "sslci",
		mutate: solvers(`[{dns01: {route53: {region: r, role: arn, auth: {kubernetes: {}}}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.route53.auth.kubernetes.serviceAccountRef", msg: "Required value"},
	{name: "azureDNS clientID without secret", provider: "sslci",
		mutate: solvers(`[{dns01: {azureDNS: {clientID: c, tenantID: t, subscriptionID: s, resourceGroupName: g}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.azureDNS.clientSecretSecretRef", msg: "clientID, clientSecretSecretRef and tenantID must be set together"},
	{name: "azureDNS managed identity and a service principal", provider: "sslci",
		mutate: solvers(`[{dns01: {azureDNS: {clientID: c, tenantID: t, clientSecretSecretRef: {name: az, key: s}, subscriptionID: s, resourceGroupName: g, managedIdentity: {clientID: m}}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.azureDNS.managedIdentity", msg: "managedIdentity cannot be used with clientID"},
	{name: "azureDNS without subscriptionID", provider: "sslci",
		mutate: solvers(`[{dns01: {azureDNS: {resourceGroupName: g}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.azureDNS.subscriptionID", msg: "Required value"},
	{name: "azureDNS unknown environment", provider: "sslci",
		mutate: solvers(`[{dns01: {azureDNS: {subscriptionID: s, resourceGroupName: g, environment: AzureMoonCloud}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.azureDNS.environment", msg: "Unsupported value"},
	{name: "cloudDNS without project", provider: "sslci",
		mutate: solvers(`[{dns01: {cloudDNS: {serviceAccountSecretRef: {name: gcp, key: sa.json}}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.cloudDNS.project", msg: "Required value"},
	{name: "digitalocean without tokenSecretRef", provider: "sslci",
		mutate: solvers(`[{dns01: {digitalocean: {}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.digitalocean.tokenSecretRef", msg: "Required value"},
	{name: "akamai without serviceConsumerDomain", provider: "sslci",
		mutate: solvers(`[{dns01: {akamai: {clientTokenSecretRef: {name: ak, key: a}, clientSecretSecretRef: {name: ak, key: b}, accessTokenSecretRef: {name: ak, key: c}}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.akamai.serviceConsumerDomain", msg: "Required value"},
	{name: "acmeDNS without host", provider: "sslci",
		mutate: solvers(`[{dns01: {acmeDNS: {accountSecretRef: {name: acme-dns, key: acmedns.json}}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.acmeDNS.host", msg: "Required value"},
	{name: "webhook without solverName", provider: "sslci",
		mutate: solvers(`[{dns01: {webhook: {groupName: acme.example.com}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.webhook.solverName", msg: "Required value"},
	{name: "webhook empty groupName", provider: "sslci",
		mutate: solvers(`[{dns01: {webhook: {groupName: "", solverName: hetzner}}}]`),
		path:   "spec.domainValidation.solvers[0].dns01.webhook", msg: "groupName and solverName are required"},
	{name: "email solver bad approver", provider: "sslci",
		mutate: solvers(`[{email: {approvers: [not-an-address]}}]`),
		path:   "spec.domainValidation.solvers[0].email.approvers[0]", msg: "should match"},
	{name: "too many solvers", provider: "sslci",
		mutate: func(o map[string]any) {
			s := make([]any, 33)
			for i := range s {
				s[i] = map[string]any{"http01": map[string]any{}}
			}
			set(o, "spec.domainValidation.solvers", s)
		},
		path: "spec.domainValidation.solvers", msg: "Too many"},
	{name: "selector with duplicate dnsNames", provider: "sslci",
		mutate: solvers(`[{selector: {dnsNames: [www.example.com, www.example.com]}, http01: {}}]`),
		path:   "spec.domainValidation.solvers[0].selector.dnsNames[1]", msg: "Duplicate value"},

	// Renewal and limits.
	{name: "renewal bad policy", provider: "cyberssl", mutate: setTo("spec.renewal.policy", "Renew"),
		path: "spec.renewal.policy", msg: "Unsupported value"},
	{name: "limits negative maxNewOrdersPerDay", provider: "sslmarket", mutate: setTo("spec.limits.maxNewOrdersPerDay", int64(-1)),
		path: "spec.limits.maxNewOrdersPerDay", msg: "should be greater than or equal to 0"},
	{name: "limits negative maxPendingOrders", provider: "sslci", mutate: setTo("spec.limits.maxPendingOrders", int64(-5)),
		path: "spec.limits.maxPendingOrders", msg: "should be greater than or equal to 0"},
	{name: "limits maxPendingOrders too large", provider: "sslci", mutate: setTo("spec.limits.maxPendingOrders", int64(10001)),
		path: "spec.limits.maxPendingOrders", msg: "should be less than or equal to 10000"},
	{name: "limits maxDNSNames 0", provider: "cyberssl", mutate: setTo("spec.limits.maxDNSNames", int64(0)),
		path: "spec.limits.maxDNSNames", msg: "should be greater than or equal to 1"},
	{name: "limits maxDNSNames 251", provider: "sslci", mutate: setTo("spec.limits.maxDNSNames", int64(251)),
		path: "spec.limits.maxDNSNames", msg: "should be less than or equal to 250"},
	{name: "limits too many allowedProducts", provider: "sslmarket", mutate: setTo("spec.limits.allowedProducts", items(65, "product")),
		path: "spec.limits.allowedProducts", msg: "Too many"},
	{name: "limits duplicate allowedProducts", provider: "sslmarket",
		mutate: setTo("spec.limits.allowedProducts", []any{"rapidssl-rapidssl-dv", "rapidssl-rapidssl-dv"}),
		path:   "spec.limits.allowedProducts[1]", msg: "Duplicate value"},
	{name: "minBalance on a reseller without a balance", provider: "sslmarket", mutate: setTo("spec.limits.minBalance", "50"),
		path: "spec.limits.minBalance", msg: "only cyberssl does"},
	{name: "minBalance not a decimal", provider: "cyberssl", mutate: setTo("spec.limits.minBalance", "50 USD"),
		path: "spec.limits.minBalance", msg: "should match"},
	{name: "minBalance with three decimals", provider: "cyberssl", mutate: setTo("spec.limits.minBalance", "1.005"),
		path: "spec.limits.minBalance", msg: "should match"},
	{name: "healthCheck interval too short", provider: "sslci", mutate: setTo("spec.healthCheck.interval", "1s"),
		path: "spec.healthCheck.interval", msg: "must be between 5s and 24h"},
	{name: "healthCheck interval too long", provider: "sslmarket", mutate: setTo("spec.healthCheck.interval", "25h"),
		path: "spec.healthCheck.interval", msg: "must be between 5s and 24h"},
	{name: "healthCheck interval not a duration", provider: "cyberssl", mutate: setTo("spec.healthCheck.interval", "ten minutes"),
		path: "spec.healthCheck.interval", msg: "should match"},
	{name: "healthCheck without an interval", provider: "cyberssl", mutate: setTo("spec.healthCheck", map[string]any{}),
		path: "spec.healthCheck.interval", msg: "Required value"},
	{name: "limits allowedProducts item too long", provider: "cyberssl",
		mutate: setTo("spec.limits.allowedProducts", []any{strings.Repeat("p", 129)}),
		path:   "spec.limits.allowedProducts[0]", msg: "Too long"},
}

func TestInvalidSpecsRejected(t *testing.T) {
	require.GreaterOrEqual(t, len(invalidCases), 30)
	for _, tc := range invalidCases {
		kinds := tc.kinds
		if kinds == nil {
			kinds = issuerKinds
		}
		for _, kind := range kinds {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				obj := newIssuer(t, kind, tc.provider, "invalid")
				tc.mutate(obj.Object)
				err := dryRunCreate(t, obj)
				require.Error(t, err, "spec must be rejected: %v", obj.Object["spec"])
				require.True(t, apierrors.IsInvalid(err), "want an Invalid error, got %v", err)
				assert.Contains(t, err.Error(), tc.path+": ", "error must name the field")
				assert.Contains(t, err.Error(), tc.msg)
			})
		}
	}
}
