// Package kubeschema turns a kube-apiserver's OpenAPI v2 document (which
// covers the built-in kinds and every installed CRD) into the JSON schemas
// kubeconform reads, without the internet: one strict, self-contained file
// per kind, at <dir>/<group>/<kind>_<version>.json (for the core group,
// <group> is the version, as kubeconform's {{ .Group }} has it).
package kubeschema

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Location is kubeconform's -schema-location template for a folder
// written by Write.
func Location(dir string) string {
	return filepath.Join(dir, "{{ .Group }}", "{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json")
}

// GVK names a kind as it appears in an object: apiVersion and kind.
type GVK struct{ APIVersion, Kind string }

type gvkExtension struct{ Group, Version, Kind string }

// Write writes a schema for each kind of want found in openapi (an OpenAPI
// v2 document as served at /openapi/v2) into dir. It fails naming the kinds
// it cannot find.
func Write(openapi []byte, dir string, want []GVK) error {
	var doc struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(openapi, &doc); err != nil {
		return fmt.Errorf("decoding the OpenAPI document: %w", err)
	}
	byGVK := map[GVK]string{}
	for name, def := range doc.Definitions {
		for _, g := range gvks(def) {
			apiVersion := g.Version
			if g.Group != "" {
				apiVersion = g.Group + "/" + g.Version
			}
			byGVK[GVK{apiVersion, g.Kind}] = name
		}
	}
	var missing []string
	for _, w := range want {
		name, ok := byGVK[w]
		if !ok {
			missing = append(missing, w.APIVersion+" "+w.Kind)
			continue
		}
		if err := writeSchema(doc.Definitions, name, filepath.Join(dir, path(w))); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("the API server publishes no schema for: %s", strings.Join(missing, ", "))
	}
	return nil
}

// path is where kubeconform looks for the schema of w (see Location).
func path(w GVK) string {
	group, version, found := strings.Cut(w.APIVersion, "/")
	if !found {
		version = group // the core group: kubeconform's .Group is the version
	}
	return filepath.Join(group, strings.ToLower(w.Kind)+"_"+version+".json")
}

func gvks(def map[string]any) []gvkExtension {
	raw, ok := def["x-kubernetes-group-version-kind"]
	if !ok {
		return nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil
	}
	var out []gvkExtension
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}

// writeSchema writes definition name as a standalone schema: the definition
// itself at the root, and every definition it refers to, transitively,
// under "definitions" (so "#/definitions/..." references resolve).
func writeSchema(defs map[string]map[string]any, name, file string) error {
	closure := map[string]any{}
	var visit func(string)
	visit = func(n string) {
		if _, done := closure[n]; done {
			return
		}
		def, ok := defs[n]
		if !ok {
			return
		}
		s := strict(def)
		if n == quantity {
			s = numberOrString(def, "number")
		}
		closure[n] = s
		for _, ref := range refs(s) {
			visit(ref)
		}
	}
	visit(name)
	root := map[string]any{}
	for k, v := range closure[name].(map[string]any) {
		root[k] = v
	}
	root["definitions"] = closure
	root["$schema"] = "http://json-schema.org/draft-04/schema#"
	b, err := json.Marshal(root)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, b, 0o644)
}

const refPrefix = "#/definitions/"

// refs lists the definitions a schema refers to.
func refs(node any) []string {
	var out []string
	switch n := node.(type) {
	case map[string]any:
		if r, ok := n["$ref"].(string); ok && strings.HasPrefix(r, refPrefix) {
			out = append(out, strings.TrimPrefix(r, refPrefix))
		}
		for _, v := range n {
			out = append(out, refs(v)...)
		}
	case []any:
		for _, v := range n {
			out = append(out, refs(v)...)
		}
	}
	return out
}

// strict returns a copy of a schema in which every object with declared
// properties refuses others (as kubeconform -strict expects), unless it keeps
// unknown fields, and in which int-or-string values and quantities accept
// both numbers and strings, as the API server does.
func strict(node any) any {
	switch n := node.(type) {
	case map[string]any:
		out := make(map[string]any, len(n)+1)
		for k, v := range n {
			if k == "properties" || k == "definitions" || k == "patternProperties" {
				// Maps of schemas: their keys are names, not keywords.
				m, _ := v.(map[string]any)
				props := make(map[string]any, len(m))
				for name, s := range m {
					props[name] = strict(s)
				}
				out[k] = props
				continue
			}
			out[k] = strict(v)
		}
		if intOrString(n) {
			return numberOrString(n, "integer")
		}
		if _, ok := n["properties"]; ok {
			if _, set := n["additionalProperties"]; !set && n["x-kubernetes-preserve-unknown-fields"] != true {
				out["additionalProperties"] = false
			}
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, v := range n {
			out[i] = strict(v)
		}
		return out
	}
	return node
}

func intOrString(n map[string]any) bool {
	return n["format"] == "int-or-string" || n["x-kubernetes-int-or-string"] == true
}

// numberOrString keeps a schema's description and accepts a string or a
// number of the given JSON type.
func numberOrString(n map[string]any, number string) map[string]any {
	out := map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": number}}}
	if d, ok := n["description"]; ok {
		out["description"] = d
	}
	return out
}

// quantity is the definition of resource quantities ("500m", 1, "2Gi"): a
// string in the document, yet YAML numbers are valid quantities.
const quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity"
