package kubeschema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const doc = `{"definitions": {
  "io.k8s.api.core.v1.Service": {
    "type": "object",
    "x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "Service"}],
    "properties": {"spec": {"$ref": "#/definitions/io.k8s.api.core.v1.ServiceSpec"}}
  },
  "io.k8s.api.core.v1.ServiceSpec": {
    "type": "object",
    "properties": {
      "port": {"type": "string", "format": "int-or-string"},
      "limits": {"type": "object", "additionalProperties": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity"}},
      "free": {"type": "object", "properties": {"a": {"type": "string"}}, "x-kubernetes-preserve-unknown-fields": true}
    }
  },
  "io.k8s.apimachinery.pkg.api.resource.Quantity": {"type": "string"},
  "dev.example.v1.Widget": {
    "type": "object",
    "x-kubernetes-group-version-kind": [{"group": "example.dev", "version": "v1", "kind": "Widget"}],
    "properties": {"size": {"type": "integer"}}
  },
  "io.k8s.api.core.v1.Unrelated": {"type": "object", "properties": {"x": {"type": "string"}}}
}}`

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, Write([]byte(doc), dir, []GVK{{"v1", "Service"}, {"example.dev/v1", "Widget"}}))

	var svc map[string]any
	read(t, filepath.Join(dir, "v1", "service_v1.json"), &svc)
	assert.Equal(t, false, svc["additionalProperties"], "objects with properties refuse unknown fields")
	defs := svc["definitions"].(map[string]any)
	assert.Len(t, defs, 3, "the Service, what it refers to, and nothing else")
	spec := defs["io.k8s.api.core.v1.ServiceSpec"].(map[string]any)
	props := spec["properties"].(map[string]any)
	assert.Equal(t, map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}}, props["port"])
	assert.NotContains(t, props["free"], "additionalProperties", "preserve-unknown-fields objects stay open")
	assert.Equal(t, map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}},
		defs["io.k8s.apimachinery.pkg.api.resource.Quantity"])

	var widget map[string]any
	read(t, filepath.Join(dir, "example.dev", "widget_v1.json"), &widget)
	assert.Equal(t, false, widget["additionalProperties"])
}

func TestWriteNamesMissingKinds(t *testing.T) {
	err := Write([]byte(doc), t.TempDir(), []GVK{{"monitoring.coreos.com/v1", "ServiceMonitor"}, {"v1", "Service"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "monitoring.coreos.com/v1 ServiceMonitor")
	assert.NotContains(t, err.Error(), "v1 Service,")
}

func TestLocation(t *testing.T) {
	assert.Equal(t, "/s/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json", Location("/s"))
}

func read(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v))
}
