package dns01

import (
	"context"
	"fmt"
	"testing"

	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/yaml"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// call is what a fake constructor was given.
type call struct {
	provider string
	args     []any
}

// recorder makes fake constructors that record their arguments.
type recorder struct{ calls []call }

type nopProvider struct{}

func (nopProvider) Present(context.Context, string, string, string) error { return nil }
func (nopProvider) CleanUp(context.Context, string, string, string) error { return nil }

func (r *recorder) add(provider string, args ...any) (txtProvider, error) {
	r.calls = append(r.calls, call{provider, args})
	return nopProvider{}, nil
}

func (r *recorder) constructors() constructors {
	return constructors{
		route53: func(_ context.Context, id, secret, zone, region, role, token string, ambient bool, _ []string, _ string) (txtProvider, error) {
			return r.add("route53", id, secret, zone, region, role, token, ambient)
		},
		cloudDNS: func(_ context.Context, project string, sa []byte, _ []string, ambient bool, zone string) (txtProvider, error) {
			return r.add("cloudDNS", project, string(sa), ambient, zone)
		},
		azureDNS: func(env, id, secret, sub, tenant, group, zone string, _ []string, ambient bool, mi *cmacme.AzureManagedIdentity, zt cmacme.AzureZoneType) (txtProvider, error) {
			return r.add("azureDNS", env, id, secret, sub, tenant, group, zone, ambient, mi != nil, string(zt))
		},
		cloudflare: func(email, key, token string, _ []string, _ string) (txtProvider, error) {
			return r.add("cloudflare", email, key, token)
		},
		digitalOcean: func(token string, _ []string, _ string) (txtProvider, error) {
			return r.add("digitalocean", token)
		},
		akamai: func(host, clientToken, clientSecret, accessToken string, _ []string) (txtProvider, error) {
			return r.add("akamai", host, clientToken, clientSecret, accessToken)
		},
		acmeDNS: func(host string, account []byte, _ []string) (txtProvider, error) {
			return r.add("acmeDNS", host, string(account))
		},
	}
}

// tokens is a fake TokenCreator.
type tokens struct{ asked []string }

func (t *tokens) CreateToken(_ context.Context, ns, sa string, audiences []string) (string, error) {
	t.asked = append(t.asked, fmt.Sprintf("%s/%s %v", ns, sa, audiences))
	return "jwt-for-" + sa, nil
}

// block parses a dns01 block written as in a cert-manager ACME Issuer.
func block(t *testing.T, y string) *v1alpha1.DNS01Solver {
	t.Helper()
	s := &v1alpha1.DNS01Solver{}
	require.NoError(t, yaml.UnmarshalStrict([]byte(y), s))
	return s
}

const path = "spec.domainValidation.solvers[3].dns01"

// creds is the Secret every block below reads from.
func creds(ns string) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "creds"}, Data: map[string][]byte{
		"key-id": []byte("AKIDEXAMPLE\n"), "secret": []byte("s3cr3t"), "sa.json": []byte(`{"type":"service_account"}`),
		"token": []byte("tok"), "client-token": []byte("ct"), "client-secret": []byte("cs"), "access-token": []byte("at"),
		"account.json": []byte(`{"example.com":{"fulldomain":"x.acme-dns.example.org"}}`),
	}}
}

// TestProviderMapping maps each provider block, written exactly as in a
// cert-manager ACME Issuer, to cert-manager's constructor, with the Secret
// values read from the issuer's namespace.
func TestProviderMapping(t *testing.T) {
	tests := []struct {
		name, block string
		cluster     bool
		ambientFlag bool
		want        call
		wantToken   string
	}{
		{name: "route53 keys from Secrets", block: `
route53: {region: eu-west-1, hostedZoneID: Z123, role: "arn:aws:iam::1:role/dns",
  accessKeyIDSecretRef: {name: creds, key: key-id}, secretAccessKeySecretRef: {name: creds, key: secret}}`,
			want: call{"route53", []any{"AKIDEXAMPLE", "s3cr3t", "Z123", "eu-west-1", "arn:aws:iam::1:role/dns", "", false}}},
		{name: "route53 literal key id", block: `
route53: {region: eu-west-1, accessKeyID: AKIDLITERAL, secretAccessKeySecretRef: {name: creds, key: secret}}`,
			want: call{"route53", []any{"AKIDLITERAL", "s3cr3t", "", "eu-west-1", "", "", false}}},
		{name: "route53 ServiceAccount token", block: `
route53: {region: eu-west-1, role: "arn:aws:iam::1:role/dns", auth: {kubernetes: {serviceAccountRef: {name: dns-sa}}}}`,
			want:      call{"route53", []any{"", "", "", "eu-west-1", "arn:aws:iam::1:role/dns", "jwt-for-dns-sa", false}},
			wantToken: "ns1/dns-sa [sts.amazonaws.com]"},
		{name: "route53 ambient for a cluster issuer with the flag", block: `route53: {region: eu-west-1}`, cluster: true, ambientFlag: true,
			want: call{"route53", []any{"", "", "", "eu-west-1", "", "", true}}},
		{name: "cloudDNS", block: `
cloudDNS: {project: p1, hostedZoneName: zone-1, serviceAccountSecretRef: {name: creds, key: sa.json}}`,
			want: call{"cloudDNS", []any{"p1", `{"type":"service_account"}`, false, "zone-1"}}},
		{name: "azureDNS service principal", block: `
azureDNS: {clientID: cid, clientSecretSecretRef: {name: creds, key: secret}, subscriptionID: sub, tenantID: ten,
  resourceGroupName: rg, hostedZoneName: example.com, environment: AzurePublicCloud, zoneType: AzurePrivateZone}`,
			want: call{"azureDNS", []any{"AzurePublicCloud", "cid", "s3cr3t", "sub", "ten", "rg", "example.com", false, false, "AzurePrivateZone"}}},
		{name: "azureDNS managed identity, cluster issuer, flag", block: `
azureDNS: {subscriptionID: sub, resourceGroupName: rg, managedIdentity: {clientID: mi}}`, cluster: true, ambientFlag: true,
			want: call{"azureDNS", []any{"", "", "", "sub", "", "rg", "", true, true, ""}}},
		{name: "cloudflare token", block: `cloudflare: {apiTokenSecretRef: {name: creds, key: token}}`,
			want: call{"cloudflare", []any{"", "", "tok"}}},
		{name: "cloudflare key", block: `cloudflare: {email: ops@example.com, apiKeySecretRef: {name: creds, key: secret}}`,
			want: call{"cloudflare", []any{"ops@example.com", "s3cr3t", ""}}},
		{name: "digitalocean", block: `digitalocean: {tokenSecretRef: {name: creds, key: token}}`,
			want: call{"digitalocean", []any{"tok"}}},
		{name: "akamai", block: `
akamai: {serviceConsumerDomain: akab.example.net, clientTokenSecretRef: {name: creds, key: client-token},
  clientSecretSecretRef: {name: creds, key: client-secret}, accessTokenSecretRef: {name: creds, key: access-token}}`,
			want: call{"akamai", []any{"akab.example.net", "ct", "cs", "at"}}},
		{name: "acmeDNS", block: `acmeDNS: {host: "https://acme-dns.example.org", accountSecretRef: {name: creds, key: account.json}}`,
			want: call{"acmeDNS", []any{"https://acme-dns.example.org", `{"example.com":{"fulldomain":"x.acme-dns.example.org"}}`}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ns := "ns1"
			c := fake.NewClientBuilder().WithObjects(creds(ns), creds("elsewhere")).Build()
			rec := &recorder{}
			tok := &tokens{}
			b := &Builder{Reader: c, Tokens: tok, new: rec.constructors(), Options: Options{ClusterIssuerAmbientCredentials: tc.ambientFlag}}
			s, err := b.Build(context.Background(), Target{Namespace: ns, ClusterIssuer: tc.cluster, Path: path}, block(t, tc.block))
			require.NoError(t, err)
			require.Len(t, rec.calls, 1)
			assert.Equal(t, tc.want, rec.calls[0])
			assert.Equal(t, tc.want.provider, s.Provider)
			assert.False(t, s.CNAMEs, "cert-manager's cloud providers write TXT only")
			if tc.wantToken != "" {
				assert.Equal(t, []string{tc.wantToken}, tok.asked)
			}
		})
	}
}

// TestMissingSecretNamesTheField: a Secret or key that is not there is
// named by the field that references it, in the issuer's namespace.
func TestMissingSecretNamesTheField(t *testing.T) {
	tests := []struct{ block, want string }{
		{`route53: {region: r, accessKeyIDSecretRef: {name: creds, key: nope}, secretAccessKeySecretRef: {name: creds, key: secret}}`,
			path + `.route53.accessKeyIDSecretRef: Secret ns1/creds has no key "nope"`},
		{`route53: {region: r, accessKeyID: A, secretAccessKeySecretRef: {name: creds, key: nope}}`,
			path + `.route53.secretAccessKeySecretRef: Secret ns1/creds has no key "nope"`},
		{`cloudDNS: {project: p, serviceAccountSecretRef: {name: gone, key: sa.json}}`,
			path + `.cloudDNS.serviceAccountSecretRef: Secret ns1/gone not found`},
		{`azureDNS: {clientID: c, tenantID: t, subscriptionID: s, resourceGroupName: g, clientSecretSecretRef: {name: creds, key: nope}}`,
			path + `.azureDNS.clientSecretSecretRef: Secret ns1/creds has no key "nope"`},
		{`cloudflare: {apiTokenSecretRef: {name: creds, key: nope}}`,
			path + `.cloudflare.apiTokenSecretRef: Secret ns1/creds has no key "nope"`},
		{`cloudflare: {email: e@example.com, apiKeySecretRef: {name: creds}}`,
			path + `.cloudflare.apiKeySecretRef.key: required`},
		{`digitalocean: {tokenSecretRef: {name: creds, key: nope}}`,
			path + `.digitalocean.tokenSecretRef: Secret ns1/creds has no key "nope"`},
		{`akamai: {serviceConsumerDomain: h, clientTokenSecretRef: {name: creds, key: client-token}, clientSecretSecretRef: {name: creds, key: nope}, accessTokenSecretRef: {name: creds, key: access-token}}`,
			path + `.akamai.clientSecretSecretRef: Secret ns1/creds has no key "nope"`},
		{`acmeDNS: {host: "https://a.example.org", accountSecretRef: {name: creds, key: nope}}`,
			path + `.acmeDNS.accountSecretRef: Secret ns1/creds has no key "nope"`},
		{`rfc2136: {nameserver: "127.0.0.1:53", tsigKeyName: k, tsigSecretSecretRef: {name: creds, key: nope}}`,
			path + `.rfc2136.tsigSecretSecretRef: Secret ns1/creds has no key "nope"`},
		{`rfc2136: {nameserver: "127.0.0.1:53", tsigKeyName: k, tsigSecretSecretRef: {name: gone, key: secret}}`,
			path + `.rfc2136.tsigSecretSecretRef: Secret ns1/gone not found`},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			// The Secret exists, complete, in another namespace: it is not read.
			c := fake.NewClientBuilder().WithObjects(creds("ns1"), creds("other")).Build()
			c2 := creds("other")
			c2.Name = "gone"
			require.NoError(t, c.Create(context.Background(), c2))
			rec := &recorder{}
			b := &Builder{Reader: c, new: rec.constructors()}
			_, err := b.Build(context.Background(), Target{Namespace: "ns1", Path: path}, block(t, tc.block))
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			assert.Empty(t, rec.calls, "no provider is built")
		})
	}
}

// TestAmbientCredentials: a block without credentials uses the controller's
// ambient ones only for a cluster issuer, and only with the flag.
func TestAmbientCredentials(t *testing.T) {
	blocks := map[string]string{
		"route53":  `route53: {region: eu-west-1}`,
		"cloudDNS": `cloudDNS: {project: p1}`,
		"azureDNS": `azureDNS: {subscriptionID: s, resourceGroupName: g}`,
	}
	for name, y := range blocks {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				cluster, flag bool
				want          string
			}{
				{cluster: false, flag: true, want: "a ResellerIssuer cannot use the controller's ambient credentials"},
				{cluster: false, flag: false, want: "a ResellerIssuer cannot use the controller's ambient credentials"},
				{cluster: true, flag: false, want: "start the controller with --cluster-issuer-ambient-credentials"},
				{cluster: true, flag: true},
			} {
				rec := &recorder{}
				b := &Builder{Reader: fake.NewClientBuilder().Build(), new: rec.constructors(), Options: Options{ClusterIssuerAmbientCredentials: tc.flag}}
				_, err := b.Build(context.Background(), Target{Namespace: "ns1", ClusterIssuer: tc.cluster, Path: path}, block(t, y))
				if tc.want == "" {
					require.NoError(t, err)
					require.Len(t, rec.calls, 1)
					assert.Contains(t, rec.calls[0].args, true, "ambient is passed on")
					continue
				}
				require.Error(t, err)
				assert.Contains(t, err.Error(), path+": ")
				assert.Contains(t, err.Error(), tc.want)
				assert.Empty(t, rec.calls)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct{ block, want string }{
		{`{}`, path + ": no DNS provider is set"},
		{`rfc2136: {nameserver: "ns/1"}`, path + ".rfc2136.nameserver: want host:port"},
		{`rfc2136: {nameserver: "ns1.example.com", tsigAlgorithm: GSS}`, path + `.rfc2136.tsigAlgorithm: unsupported TSIG algorithm "GSS"`},
		{`webhook: {groupName: acme.example.com}`, path + ".webhook: groupName and solverName are required"},
	}
	for _, tc := range tests {
		err := Check(block(t, tc.block), Target{Namespace: "ns1", Path: path}, Options{})
		require.Error(t, err, tc.block)
		assert.Contains(t, err.Error(), tc.want)
	}
	require.NoError(t, Check(block(t, `rfc2136: {nameserver: "ns1.example.com"}`), Target{Path: path}, Options{}), "port 53 by default, HMACMD5 by default")
}

// TestRFC2136Mapping: cert-manager's defaults (HMACMD5, port 53) and the
// protocol reach the presenter, which also writes CNAMEs.
func TestRFC2136Mapping(t *testing.T) {
	c := fake.NewClientBuilder().WithObjects(&corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns1", Name: "tsig"}, Data: map[string][]byte{"secret": []byte("c2VjcmV0\n")},
	}).Build()
	b := &Builder{Reader: c}
	s, err := b.Build(context.Background(), Target{Namespace: "ns1", Path: path}, block(t,
		`rfc2136: {nameserver: "[2001:db8::53]", tsigKeyName: k., protocol: TCP, tsigSecretSecretRef: {name: tsig, key: secret}}`))
	require.NoError(t, err)
	assert.True(t, s.CNAMEs)
	w, ok := s.writer.(rfcWriter)
	require.True(t, ok)
	assert.Equal(t, RFC2136{Nameserver: "[2001:db8::53]:53", TSIGKeyName: "k.", TSIGAlgorithm: "HMACMD5", TSIGSecret: "c2VjcmV0", Protocol: "TCP"}, *w.p)
	assert.Equal(t, "tcp", w.p.net())
}

// The blocks above are cert-manager's own type: every field name of its
// dns01 block is accepted here, and nothing else.
func TestSameShapeAsCertManager(t *testing.T) {
	var cm cmacme.ACMEChallengeSolverDNS01
	full := `
cnameStrategy: Follow
route53: {region: r, hostedZoneID: z, role: ro, accessKeyID: a, accessKeyIDSecretRef: {name: nm, key: k}, secretAccessKeySecretRef: {name: nm, key: k}, auth: {kubernetes: {serviceAccountRef: {name: sa, audiences: [x]}}}}
cloudDNS: {project: p, hostedZoneName: z, serviceAccountSecretRef: {name: nm, key: k}}
azureDNS: {clientID: c, clientSecretSecretRef: {name: nm, key: k}, subscriptionID: s, tenantID: t, resourceGroupName: g, hostedZoneName: z, environment: AzurePublicCloud, zoneType: AzurePublicZone, managedIdentity: {clientID: c, resourceID: r, tenantID: t}}
cloudflare: {email: e, apiKeySecretRef: {name: nm, key: k}, apiTokenSecretRef: {name: nm, key: k}}
digitalocean: {tokenSecretRef: {name: nm, key: k}}
akamai: {serviceConsumerDomain: d, clientTokenSecretRef: {name: nm, key: k}, clientSecretSecretRef: {name: nm, key: k}, accessTokenSecretRef: {name: nm, key: k}}
acmeDNS: {host: h, accountSecretRef: {name: nm, key: k}}
rfc2136: {nameserver: ns, tsigKeyName: k, tsigAlgorithm: HMACSHA512, protocol: TCP, tsigSecretSecretRef: {name: nm, key: k}}
webhook: {groupName: g, solverName: s, config: {any: [thing]}}
`
	require.NoError(t, yaml.UnmarshalStrict([]byte(full), &cm))
	ours := block(t, full)
	assert.Equal(t, cm, ours.ACMEChallengeSolverDNS01)
	err := yaml.UnmarshalStrict([]byte(`route53: {regionn: typo}`), &v1alpha1.DNS01Solver{})
	assert.ErrorContains(t, err, "regionn", "unknown fields are refused")
}
