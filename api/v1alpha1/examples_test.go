//go:build integration

package v1alpha1_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

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
