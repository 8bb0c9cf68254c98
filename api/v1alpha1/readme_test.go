//go:build integration

package v1alpha1_test

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// placeholder is how the README elides a provider block it showed before:
// `sslmarket: {...}`, "as in the quick start".
const placeholder = "..."

var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// Every issuer the README shows is accepted by the API server as written:
// the quick starts whole, and the snippets that elide the provider block
// ({...}) or show only a spec or its domainValidation with the quick
// start's provider block put in.
func TestReadmeIssuersAccepted(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	var docs []map[string]any
	for _, block := range yamlBlock.FindAllStringSubmatch(string(readme), -1) {
		for _, doc := range docSeparator.Split(block[1], -1) {
			var m map[string]any
			require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &m), "README yaml:\n%s", doc)
			if m != nil {
				docs = append(docs, m)
			}
		}
	}
	// The provider blocks of the complete issuers, to fill the elided ones.
	providerNames := []string{v1alpha1.ProviderSSLCI, v1alpha1.ProviderSSLMarket, v1alpha1.ProviderCyberSSL}
	providers := map[string]any{}
	for _, m := range docs {
		if !isIssuer(m) {
			continue
		}
		for _, p := range providerNames {
			if b, ok := m["spec"].(map[string]any)[p].(map[string]any); ok && !hasKey(b, placeholder) {
				providers[p] = b
			}
		}
	}
	require.Contains(t, providers, v1alpha1.ProviderSSLMarket, "the SSLmarket quick start")

	checked := 0
	for i, m := range docs {
		spec, kind := issuerSpec(m)
		if spec == nil {
			continue
		}
		filled, hasProvider := false, false
		for _, p := range providerNames {
			b, ok := spec[p].(map[string]any)
			hasProvider = hasProvider || ok
			if ok && hasKey(b, placeholder) {
				require.Contains(t, providers, p, "README issuer %d elides %s, which no complete issuer shows", i, p)
				spec[p], filled = providers[p], true
			}
		}
		if !hasProvider {
			spec[v1alpha1.ProviderSSLMarket], filled = providers[v1alpha1.ProviderSSLMarket], true
		}
		obj := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": v1alpha1.GroupVersion.String(), "kind": kind,
			"metadata": map[string]any{"name": fmt.Sprintf("readme-%d", i)},
			"spec":     spec,
		}}
		if kind == "ResellerIssuer" {
			obj.SetNamespace("default")
		}
		assert.NoError(t, dryRunCreate(t, obj), "README issuer %d (provider block filled in: %v): %v", i, filled, spec)
		checked++
	}
	// 3 quick starts, limits and caBundle, the http01 Ingress and HTTPRoute
	// solvers, the dns01 solvers, the email solver.
	assert.Equal(t, 8, checked, "issuers and issuer snippets in the README")
}

// issuerSpec returns the issuer spec m shows and its kind: a whole issuer,
// a bare `spec:`, or a bare `domainValidation:` (a ResellerIssuer's).
func issuerSpec(m map[string]any) (map[string]any, string) {
	switch {
	case isIssuer(m):
		return m["spec"].(map[string]any), m["kind"].(string)
	case m["kind"] == nil && m["spec"] != nil:
		return m["spec"].(map[string]any), "ResellerIssuer"
	case m["kind"] == nil && m["domainValidation"] != nil:
		return map[string]any{"domainValidation": m["domainValidation"]}, "ResellerIssuer"
	}
	return nil, ""
}

func isIssuer(m map[string]any) bool {
	return m["apiVersion"] == v1alpha1.GroupVersion.String() && (m["kind"] == "ResellerIssuer" || m["kind"] == "ResellerClusterIssuer")
}

func hasKey(m map[string]any, key string) bool {
	_, ok := m[key]
	return ok
}
