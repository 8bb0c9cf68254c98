//go:build integration

package v1alpha1_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

const (
	examplesDir = "../../deploy/examples"
	// clusterResourceNamespace is the controller's default
	// --cluster-resource-namespace: where ResellerClusterIssuer Secrets live.
	clusterResourceNamespace = "reseller-issuer"
)

var (
	k8s client.Client
	// issuerKinds are the two kinds sharing IssuerSpec.
	issuerKinds = []string{"ResellerIssuer", "ResellerClusterIssuer"}
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		fmt.Fprintln(os.Stderr, "KUBEBUILDER_ASSETS is not set: it must name a folder holding kube-apiserver, etcd and kubectl,\n"+
			"e.g. KUBEBUILDER_ASSETS=\"$(bash e2e/scripts/assets.sh)\" go test -tags integration ./api/v1alpha1/")
		return 1
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:        []string{"../../deploy/crds"},
		ErrorIfCRDPathMissing:    true,
		ControlPlaneStartTimeout: 2 * time.Minute, // shared, slow machines
		ControlPlaneStopTimeout:  time.Minute,
	}
	cfg, err := env.Start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting envtest (KUBEBUILDER_ASSETS=%s): %v\n", os.Getenv("KUBEBUILDER_ASSETS"), err)
		return 1
	}
	defer func() {
		if err := env.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stopping envtest: %v\n", err)
		}
	}()
	k8s, err = client.New(cfg, client.Options{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "creating client: %v\n", err)
		return 1
	}
	if err := prepareNamespaces(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// prepareNamespaces waits for the apiserver's "default" namespace and creates
// the cluster resource namespace the cluster-issuer examples put Secrets in.
func prepareNamespaces() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		return k8s.Get(ctx, client.ObjectKey{Name: "default"}, &corev1.Namespace{}) == nil, nil
	})
	if err != nil {
		return fmt.Errorf("namespace default never appeared: %w", err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: clusterResourceNamespace}}
	if err := k8s.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating namespace %s: %w", clusterResourceNamespace, err)
	}
	return nil
}

// dryRunCreate sends obj to the API server as a server-side dry-run create
// with strict field validation (unknown or duplicate fields are errors).
func dryRunCreate(t *testing.T, obj *unstructured.Unstructured) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return k8s.Create(ctx, obj, client.DryRunAll, client.FieldValidation(metav1.FieldValidationStrict))
}

// ---------------------------------------------------------------------------
// (a) every example is accepted.

var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*$`)

// readDocuments splits a multi-document YAML file and decodes each non-empty
// document with sigs.k8s.io/yaml (strictly: duplicate keys are errors).
func readDocuments(t *testing.T, path string) []*unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var objs []*unstructured.Unstructured
	for i, doc := range docSeparator.Split(string(data), -1) {
		js, err := yaml.YAMLToJSONStrict([]byte(doc))
		require.NoError(t, err, "%s: document %d", path, i)
		if string(js) == "null" {
			continue // only comments or blank
		}
		obj := &unstructured.Unstructured{}
		require.NoError(t, obj.UnmarshalJSON(js), "%s: document %d", path, i)
		objs = append(objs, obj)
	}
	return objs
}

func TestExamplesAccepted(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.yaml"))
	require.NoError(t, err)
	want := []string{
		"certificate.yaml", "cyberssl-issuer.yaml", "cyberssl-ov-clusterissuer.yaml",
		"dcv-solvers-issuer.yaml", "ingress.yaml", "limits-issuer.yaml",
		"sslci-clusterissuer.yaml", "sslci-issuer.yaml", "sslmarket-clusterissuer.yaml",
	}
	var got []string
	for _, f := range files {
		got = append(got, filepath.Base(f))
	}
	require.Subset(t, got, want, "examples missing from %s", examplesDir)

	issuers := 0
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			objs := readDocuments(t, file)
			require.NotEmpty(t, objs, "no objects in %s", file)
			secrets := secretKeys(objs)
			for _, obj := range objs {
				name := fmt.Sprintf("%s/%s", obj.GetKind(), obj.GetName())
				switch obj.GetKind() {
				case "ResellerIssuer", "ResellerClusterIssuer":
					issuers++
					require.Equal(t, v1alpha1.GroupVersion.String(), obj.GetAPIVersion(), name)
					if obj.GetKind() == "ResellerIssuer" {
						assert.Equal(t, "default", obj.GetNamespace(), name)
					} else {
						assert.Empty(t, obj.GetNamespace(), "%s is cluster-scoped", name)
					}
					assert.NoError(t, dryRunCreate(t, obj), "%s in %s must be accepted", name, file)
					checkSecretRefs(t, obj, secrets)
				case "Secret", "Ingress":
					// Core kinds the apiserver serves: validate them as well.
					assert.NoError(t, dryRunCreate(t, obj), "%s in %s must be accepted", name, file)
				case "Certificate":
					// cert-manager's CRDs are not installed here: decode strictly.
					checkCertificate(t, obj)
				default:
					t.Errorf("%s: unexpected kind %s in %s", name, obj.GetKind(), file)
				}
			}
		})
	}
	assert.GreaterOrEqual(t, issuers, 7, "issuer objects across the examples")
}

// secretKeys maps namespace/name of each Secret in objs to its keys.
func secretKeys(objs []*unstructured.Unstructured) map[string][]string {
	out := map[string][]string{}
	for _, obj := range objs {
		if obj.GetKind() != "Secret" {
			continue
		}
		var keys []string
		for _, field := range []string{"data", "stringData"} {
			m, _, _ := unstructured.NestedMap(obj.Object, field)
			for k := range m {
				keys = append(keys, k)
			}
		}
		out[obj.GetNamespace()+"/"+obj.GetName()] = keys
	}
	return out
}

// checkSecretRefs asserts that each secret reference of an issuer names a
// Secret (and key) shipped in the same file, in the namespace the controller
// reads it from.
func checkSecretRefs(t *testing.T, issuer *unstructured.Unstructured, secrets map[string][]string) {
	t.Helper()
	ns := issuer.GetNamespace()
	if issuer.GetKind() == "ResellerClusterIssuer" {
		ns = clusterResourceNamespace
	}
	var refs []map[string]any
	spec, _, _ := unstructured.NestedMap(issuer.Object, "spec")
	for _, path := range [][]string{
		{"sslci", "tokenSecretRef"}, {"sslmarket", "tokenSecretRef"}, {"cyberssl", "apiKeySecretRef"},
	} {
		if ref, ok, _ := unstructured.NestedMap(spec, path...); ok {
			refs = append(refs, ref)
		}
	}
	solvers, _, _ := unstructured.NestedSlice(spec, "domainValidation", "solvers")
	for _, s := range solvers {
		if dns01, ok, _ := unstructured.NestedMap(s.(map[string]any), "dns01"); ok {
			refs = append(refs, secretRefsIn(dns01)...)
		}
	}
	require.NotEmpty(t, refs, "%s/%s references no Secret", issuer.GetKind(), issuer.GetName())
	for _, ref := range refs {
		key := ns + "/" + fmt.Sprint(ref["name"])
		keys, ok := secrets[key]
		if assert.True(t, ok, "%s/%s references Secret %s, not in the file", issuer.GetKind(), issuer.GetName(), key) {
			assert.Contains(t, keys, ref["key"], "Secret %s lacks key %v", key, ref["key"])
		}
	}
}

// secretRefsIn collects every *SecretRef of a dns01 block (cert-manager's
// names: tsigSecretSecretRef, apiTokenSecretRef, accountSecretRef, ...).
func secretRefsIn(m map[string]any) []map[string]any {
	var out []map[string]any
	for k, v := range m {
		sub, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if strings.HasSuffix(k, "SecretRef") {
			out = append(out, sub)
			continue
		}
		out = append(out, secretRefsIn(sub)...)
	}
	return out
}

func checkCertificate(t *testing.T, obj *unstructured.Unstructured) {
	t.Helper()
	js, err := obj.MarshalJSON()
	require.NoError(t, err)
	var cert cmapi.Certificate
	require.NoError(t, yaml.UnmarshalStrict(js, &cert), "Certificate %s", obj.GetName())
	assert.Equal(t, "cert-manager.io/v1", cert.APIVersion)
	assert.Equal(t, "default", cert.Namespace)
	assert.NotEmpty(t, cert.Spec.SecretName)
	assert.NotEmpty(t, cert.Spec.DNSNames)
	assert.Equal(t, v1alpha1.GroupVersion.Group, cert.Spec.IssuerRef.Group)
	assert.Equal(t, "ResellerIssuer", cert.Spec.IssuerRef.Kind)
	assert.NotEmpty(t, cert.Spec.IssuerRef.Name)
}

// ---------------------------------------------------------------------------
// (b) invalid specs are rejected with the right field and message.

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
