package metrics

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKubeAPIRequest(t *testing.T) {
	tests := []struct {
		method, path, watch string
		verb, resource      string
	}{
		{http.MethodGet, "/api/v1/namespaces/ns/secrets/api", "", "get", "secrets"},
		{http.MethodGet, "/api/v1/namespaces/ns/secrets", "", "list", "secrets"},
		{http.MethodGet, "/api/v1/secrets", "true", "watch", "secrets"},
		{http.MethodGet, "/api/v1/namespaces/ns", "", "get", "namespaces"},
		{http.MethodGet, "/api/v1/namespaces", "", "list", "namespaces"},
		{http.MethodPost, "/api/v1/namespaces/ns/events", "", "create", "events"},
		{http.MethodPatch, "/apis/cert-manager.io/v1/namespaces/ns/certificaterequests/c-1/status", "", "patch", "certificaterequests/status"},
		{http.MethodGet, "/apis/cert-manager.io/v1/namespaces/ns/certificaterequests/c-1", "", "get", "certificaterequests"},
		{http.MethodGet, "/apis/cert-manager.io/v1/certificaterequests", "1", "watch", "certificaterequests"},
		{http.MethodPut, "/apis/coordination.k8s.io/v1/namespaces/ri/leases/x", "", "update", "leases"},
		{http.MethodPatch, "/apis/certificates.k8s.io/v1/certificatesigningrequests/x/status", "", "patch", "certificatesigningrequests/status"},
		{http.MethodPost, "/apis/reseller-issuer.dev/v1alpha1/namespaces/ns/resellerorders", "", "create", "resellerorders"},
		{http.MethodDelete, "/apis/reseller-issuer.dev/v1alpha1/namespaces/ns/resellerchallenges", "", "deletecollection", "resellerchallenges"},
		{http.MethodGet, "/apis/reseller-issuer.dev/v1alpha1", "", "get", "other"},
		{http.MethodGet, "/version", "", "get", "other"},
		{http.MethodGet, "/api", "", "get", "other"},
	}
	for _, tt := range tests {
		verb, resource := KubeAPIRequest(tt.method, tt.path, tt.watch)
		assert.Equal(t, tt.verb, verb, tt.path)
		assert.Equal(t, tt.resource, resource, tt.path)
	}
}
