package sslci

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
)

func example(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return data
}

// TestDocumentExamples decodes the document's example bodies with the
// sandbox's wire types: every field the document shows is one the sandbox
// reads or writes, under the same name and JSON type.
func TestDocumentExamples(t *testing.T) {
	t.Run("requests", func(t *testing.T) {
		var v verificationRequest
		sandboxtest.DecodeStrict(t, example(t, "verification.request.json"), &v)
		assert.Equal(t, verificationRequest{Token: "YOUR_TOKEN", Domain: "example.com", Method: methodHTTP}, v)
		var c confirmRequest
		sandboxtest.DecodeStrict(t, example(t, "confirm.request.json"), &c)
		assert.Equal(t, confirmRequest{Token: "YOUR_TOKEN", Domain: "example.com"}, c)
		var f finalizeRequest
		sandboxtest.DecodeStrict(t, example(t, "finalize.request.json"), &f)
		assert.Equal(t, finalizeRequest{Token: "YOUR_TOKEN", Action: actionFinalize, Domains: []string{"a.com", "b.com", "c.com"}}, f)
		var d deleteRequest
		sandboxtest.DecodeStrict(t, example(t, "delete.request.json"), &d)
		assert.Equal(t, deleteRequest{Token: "YOUR_TOKEN", Type: deleteSSL, ID: 15}, d)
	})
	responses := []struct {
		file string
		v    any
	}{
		{"list.response.json", &listResponse{}},
		{"verification.response.json", &verificationResponse{}},
		{"finalize.response.json", &finalizeResponse{}},
	}
	for _, tt := range responses {
		t.Run(tt.file, func(t *testing.T) {
			data := example(t, tt.file)
			sandboxtest.DecodeStrict(t, data, tt.v)
			sandboxtest.SameFields(t, sandboxtest.KeyPaths(t, data), tt.v)
		})
	}
}

// TestResponsesHaveTheDocumentsFields compares what the sandbox really
// answers with the document's examples, field by field.
func TestResponsesHaveTheDocumentsFields(t *testing.T) {
	f := newFixture(t)
	f.verify(tokenAlice, "a.example.com")
	o := f.order(tokenAlice, "b.example.com", methodHTTP)
	_, raw := f.do(http.MethodPost, "", verificationRequest{Token: tokenAlice, Domain: "c.example.com", Method: methodHTTP}, nil)
	assert.Equal(t, sandboxtest.KeyPaths(t, example(t, "verification.response.json")), sandboxtest.KeyPaths(t, raw))

	status, raw := f.do(http.MethodPost, "", finalizeRequest{Token: tokenAlice, Action: actionFinalize, Domains: []string{"a.example.com"}}, nil)
	require.Equal(t, http.StatusOK, status, string(raw))
	assert.Equal(t, sandboxtest.KeyPaths(t, example(t, "finalize.response.json")), sandboxtest.KeyPaths(t, raw))

	_, raw = f.do(http.MethodGet, "token="+tokenAlice, nil, nil)
	assert.Equal(t, sandboxtest.KeyPaths(t, example(t, "list.response.json")), sandboxtest.KeyPaths(t, raw))
	assert.NotZero(t, o.OrderID)
}
