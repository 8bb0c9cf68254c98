//go:build integration

package v1alpha1_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// Valid specs, one per provider; each case mutates a fresh copy.
var baseSpecs = map[string]string{
	"sslci": `
sslci:
  url: https://www.sslci.com/api
  tokenSecretRef: {name: sslci-api-token, key: token}
  method: http
`,
	"sslmarket": `
sslmarket:
  url: https://www.sslmarket.co.uk/api
  tokenSecretRef: {name: sslmarket-api-token, key: token}
  productCode: rapidssl-rapidssl-dv
  years: 1
  dvAuthMethod: FILE
  owner: {name: Example Ltd, street: 1 High Street, city: London, zip: SW1A 1AA, country: GB, tel: "+44.2079460000"}
  auth: {firstName: John, lastName: Smith, email: john@example.co.uk, tel: "+44.2079460001"}
  tech: {title: Ms, firstName: Jane, lastName: Doe, email: tech@example.co.uk, tel: "+44.2079460002"}
  invoice: {name: Example Ltd, street: 1 High Street, city: London, zip: SW1A 1AA, country: GB, email: accounts@example.co.uk}
`,
	"cyberssl": `
cyberssl:
  url: https://api.cyberssl.com/v1/
  apiKeySecretRef: {name: cyberssl-api-key, key: api-key}
  productID: 1
  period: 1
  dvMethod: http
  admin: {firstName: John, lastName: Smith, title: IT Manager, phone: "+44 20 7946 0000", email: john@example.com}
  org: {name: Example Ltd, division: IT, addressLine: 1 High Street, city: London, country: GB, phone: "+44 20 7946 0000", postalCode: SW1A 1AA, region: London}
`,
}

// newIssuer returns a fresh issuer of kind with the base spec of provider.
func newIssuer(t *testing.T, kind, provider, name string) *unstructured.Unstructured {
	t.Helper()
	spec := map[string]any{}
	require.NoError(t, yaml.Unmarshal([]byte(baseSpecs[provider]), &spec), provider)
	obj := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	obj.SetAPIVersion(v1alpha1.GroupVersion.String())
	obj.SetKind(kind)
	obj.SetName(name)
	if kind == "ResellerIssuer" {
		obj.SetNamespace("default")
	}
	return obj
}

// set puts v at a dotted path ("spec.sslci.url"), creating maps on the way.
func set(obj map[string]any, path string, v any) {
	keys := strings.Split(path, ".")
	m := obj
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = v
}

// del removes the field at a dotted path.
func del(obj map[string]any, path string) {
	keys := strings.Split(path, ".")
	unstructured.RemoveNestedField(obj, keys...)
}

// fromYAML decodes a YAML literal into a JSON-compatible value.
func fromYAML(s string) any {
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		panic(err)
	}
	return v
}

// strings of n items "p-0", "p-1", ...
func items(n int, prefix string) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return out
}

func solvers(y string) func(map[string]any) {
	return func(o map[string]any) { set(o, "spec.domainValidation.solvers", fromYAML(y)) }
}

func setTo(path string, v any) func(map[string]any) {
	return func(o map[string]any) { set(o, path, v) }
}

func deleted(path string) func(map[string]any) {
	return func(o map[string]any) { del(o, path) }
}

// validCases guard against over-strict markers: edges that must stay allowed.
var validCases = []struct {
	name     string
	provider string
	mutate   func(obj map[string]any)
}{
	{"base sslci", "sslci", func(map[string]any) {}},
	{"base sslmarket", "sslmarket", func(map[string]any) {}},
	{"base cyberssl", "cyberssl", func(map[string]any) {}},
	{"defaults only", "sslci", func(o map[string]any) {
		del(o, "spec.sslci.url")
		del(o, "spec.sslci.method")
	}},
	{"http to localhost with port", "sslci", setTo("spec.sslci.url", "http://localhost:8080/api")},
	{"http to 127.0.0.1", "sslmarket", setTo("spec.sslmarket.url", "http://127.0.0.1:9443")},
	{"http to [::1]", "cyberssl", setTo("spec.cyberssl.url", "http://[::1]:8443/sandbox/v1/")},
	{"other sslmarket country site", "sslmarket", setTo("spec.sslmarket.url", "https://www.sslmarket.cz/api")},
	{"years 6", "sslmarket", setTo("spec.sslmarket.years", int64(6))},
	{"dvAuthMethod Email", "sslmarket", setTo("spec.sslmarket.dvAuthMethod", "Email")},
	{"period 5", "cyberssl", setTo("spec.cyberssl.period", int64(5))},
	{"dvMethod email with approvers", "cyberssl", func(o map[string]any) {
		set(o, "spec.cyberssl.dvMethod", "email")
		set(o, "spec.cyberssl.approverEmails", []any{"admin@example.com", "hostmaster@example.com"})
	}},
	{"all solver kinds", "sslci", solvers(`
- selector: {dnsZones: [example.com]}
  http01: {ingress: {ingressClassName: nginx}}
- selector: {matchLabels: {team: web}}
  http01: {gatewayHTTPRoute: {parentRefs: [{name: gw, namespace: gateways, sectionName: http}]}}
- http01: {}
- selector: {dnsZones: [internal.example.org]}
  dns01: {rfc2136: {nameserver: "[2001:db8::53]:53", tsigKeyName: k, tsigAlgorithm: HMACSHA512, tsigSecretSecretRef: {name: tsig, key: secret}}}
- selector: {dnsNames: [mail.example.net]}
  email: {approvers: [admin@example.net]}
`)},
	// A cert-manager ACME Issuer's spec.acme.solvers, pasted unchanged.
	{"cert-manager ACME solvers block", "sslmarket", solvers(acmeSolvers)},
	{"32 dns01 solvers", "cyberssl", func(o map[string]any) {
		s := make([]any, 32)
		for i := range s {
			s[i] = fromYAML(`{selector: {dnsZones: [example.com]}, dns01: {webhook: {groupName: acme.example.com, solverName: hetzner, config: {zone: example.com}}}}`)
		}
		set(o, "spec.domainValidation.solvers", s)
	}},
	{"32 solvers", "sslci", func(o map[string]any) {
		s := make([]any, 32)
		for i := range s {
			s[i] = map[string]any{"http01": map[string]any{}}
		}
		set(o, "spec.domainValidation.solvers", s)
	}},
	{"renewal NewOrder and limit edges", "cyberssl", func(o map[string]any) {
		set(o, "spec.renewal.policy", "NewOrder")
		set(o, "spec.limits", map[string]any{
			"maxNewOrdersPerDay": int64(0), "maxPendingOrders": int64(10000),
			"maxDNSNames": int64(250), "allowedProducts": items(64, "product"),
		})
	}},
}

func TestValidSpecsAccepted(t *testing.T) {
	for _, tc := range validCases {
		for _, kind := range issuerKinds {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				obj := newIssuer(t, kind, tc.provider, "valid")
				tc.mutate(obj.Object)
				assert.NoError(t, dryRunCreate(t, obj))
			})
		}
	}
}

// acmeSolvers is the solvers block of a cert-manager ACME Issuer using every
// dns01 provider, as cert-manager's documentation writes them.
const acmeSolvers = `
- selector: {dnsZones: [aws.example.com]}
  dns01:
    cnameStrategy: Follow
    route53:
      region: eu-west-1
      hostedZoneID: Z2FDTNDATAQYW2
      accessKeyIDSecretRef: {name: prod-route53-credentials-secret, key: access-key-id}
      secretAccessKeySecretRef: {name: prod-route53-credentials-secret, key: secret-access-key}
- selector: {dnsZones: [irsa.example.com]}
  dns01:
    route53:
      region: us-east-1
      role: arn:aws:iam::YYYYYYYYYYYY:role/dns-manager
      auth: {kubernetes: {serviceAccountRef: {name: cert-manager-acme-dns01-route53, audiences: [sts.amazonaws.com]}}}
- selector: {dnsZones: [gcp.example.com]}
  dns01:
    cloudDNS:
      project: my-project
      hostedZoneName: my-zone
      serviceAccountSecretRef: {name: clouddns-dns01-solver-svc-acct, key: key.json}
- selector: {dnsZones: [azure.example.com]}
  dns01:
    azureDNS:
      clientID: AZURE_CERT_MANAGER_SP_APP_ID
      clientSecretSecretRef: {name: azuredns-config, key: client-secret}
      subscriptionID: AZURE_SUBSCRIPTION_ID
      tenantID: AZURE_TENANT_ID
      resourceGroupName: AZURE_DNS_ZONE_RESOURCE_GROUP
      hostedZoneName: azure.example.com
      environment: AzurePublicCloud
- selector: {dnsZones: [mi.example.com]}
  dns01:
    azureDNS:
      subscriptionID: AZURE_SUBSCRIPTION_ID
      resourceGroupName: AZURE_DNS_ZONE_RESOURCE_GROUP
      hostedZoneName: mi.example.com
      managedIdentity: {clientID: IDENTITY_CLIENT_ID}
- selector: {dnsZones: [cf.example.com]}
  dns01:
    cloudflare:
      apiTokenSecretRef: {name: cloudflare-api-token-secret, key: api-token}
- selector: {dnsZones: [cfkey.example.com]}
  dns01:
    cloudflare:
      email: my-cloudflare-acc@example.com
      apiKeySecretRef: {name: cloudflare-api-key-secret, key: api-key}
- selector: {dnsZones: [do.example.com]}
  dns01:
    digitalocean:
      tokenSecretRef: {name: digitalocean-dns, key: access-token}
- selector: {dnsZones: [akamai.example.com]}
  dns01:
    akamai:
      serviceConsumerDomain: akab-tho6xie2aiteip8p-poith5aej0ughaba.luna.akamaiapis.net
      clientTokenSecretRef: {name: akamai-dns, key: clientToken}
      clientSecretSecretRef: {name: akamai-dns, key: clientSecret}
      accessTokenSecretRef: {name: akamai-dns, key: accessToken}
- selector: {dnsZones: [acmedns.example.com]}
  dns01:
    acmeDNS:
      host: https://acme.example.com
      accountSecretRef: {name: acme-dns, key: acmedns.json}
- selector: {dnsZones: [rfc2136.example.com]}
  dns01:
    rfc2136:
      nameserver: ns1.example.com:53
      tsigKeyName: example-com-secret
      tsigAlgorithm: HMACSHA512
      tsigSecretSecretRef: {name: tsig-secret, key: tsig-secret-key}
- selector: {dnsZones: [hetzner.example.com]}
  dns01:
    webhook:
      groupName: acme.yourdomain.tld
      solverName: hetzner
      config: {secretName: hetzner-secret, zoneName: hetzner.example.com, apiUrl: https://dns.hetzner.com/api/v1}
- http01:
    ingress:
      ingressClassName: nginx
`
