package sandboxtest

// Checks of a simulated API's wire types against its document: the
// examples and field lists are copied verbatim into the API's testdata/,
// and these helpers compare their field names with what the sandbox
// decodes and writes.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// DecodeStrict decodes a document's JSON example into v, refusing any
// field v does not have.
func DecodeStrict(t testing.TB, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(v), "the sandbox's type does not decode the document's example:\n%s", data)
}

// KeyPaths returns the field paths of a JSON value ("a", "a.b"), sorted
// and distinct. Arrays are transparent (a list of objects gives the
// objects' paths) and object keys that are data, not field names, are
// written "{name}" (domain names, with a dot or '@') or dropped into the
// parent (PHP's numeric keys).
func KeyPaths(t testing.TB, data []byte) []string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(data, &v), "%s", data)
	set := map[string]bool{}
	walk(v, "", set)
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

var numericKey = regexp.MustCompile(`^[0-9]+$`)

func walk(v any, prefix string, set map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			p := prefix
			switch {
			case numericKey.MatchString(k):
			case strings.ContainsAny(k, ".@"):
				p = join(prefix, "{name}")
			default:
				p = join(prefix, k)
			}
			if p != "" {
				set[p] = true
			}
			walk(child, p, set)
		}
	case []any:
		for _, child := range x {
			walk(child, prefix, set)
		}
	}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// SameFields asserts that the sandbox writes got with exactly the field
// paths of want (a document example, or paths from TableFields or
// ListedFields), plus extras the sandbox adds on purpose.
func SameFields(t testing.TB, want []string, got any, extras ...string) {
	t.Helper()
	data, err := json.Marshal(got)
	require.NoError(t, err)
	have := KeyPaths(t, data)
	wantAll := append(append([]string{}, want...), extras...)
	sort.Strings(wantAll)
	assert.Equal(t, uniq(wantAll), have, "field paths of the sandbox's %T", got)
}

func uniq(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// TableFields reads a parameter table of the document, rows
// "name | type | ...", nested rows starting with ".. " (one ".. " per
// level), and returns the field paths, sorted. The header and separator
// rows are skipped.
func TableFields(t testing.TB, table string) []string {
	t.Helper()
	var out, stack []string
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 2 {
			continue
		}
		name := strings.TrimSpace(cells[0])
		if name == "" || name == "Name" || strings.Trim(name, "-") == "" {
			continue
		}
		depth := 0
		for strings.HasPrefix(name, "..") {
			depth++
			name = strings.TrimSpace(strings.TrimPrefix(name, ".."))
		}
		require.LessOrEqual(t, depth, len(stack), "row %q nests deeper than its parent", line)
		stack = append(stack[:depth], name)
		out = append(out, strings.Join(stack, "."))
	}
	require.NotEmpty(t, out, "no table rows in %q", table)
	sort.Strings(out)
	return out
}

// ListedFields reads a list of the document, lines "- name - text" or
// "- name", and returns the names (lower case), sorted. The names of
// "name=value" lines are taken too ("success=true").
func ListedFields(t testing.TB, list string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(list, "\n") {
		line = strings.TrimSpace(line)
		rest, ok := strings.CutPrefix(line, "- ")
		if !ok {
			continue
		}
		name := strings.Fields(rest)[0]
		name, _, _ = strings.Cut(name, "=")
		name, _, _ = strings.Cut(name, "(")
		out = append(out, strings.ToLower(name))
	}
	require.NotEmpty(t, out, "no list lines in %q", list)
	sort.Strings(out)
	return out
}

// PrintR converts a PHP print_r dump ("Array ( [k] => v ... )", or
// "[k] => Array (...)" members without the outer Array) into JSON: nested
// arrays become objects, values strings. Types are lost in print_r, so
// the result serves field names, not values.
func PrintR(t testing.TB, dump string) []byte {
	t.Helper()
	p := &printR{s: dump}
	p.skipSpace()
	var v any
	if strings.HasPrefix(p.s[p.i:], "Array") {
		v = p.array()
	} else {
		v = p.members(false)
	}
	require.NoError(t, p.err, "%s", dump)
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return data
}

type printR struct {
	s   string
	i   int
	err error
}

func (p *printR) skipSpace() {
	for p.i < len(p.s) && strings.ContainsRune(" \t\r\n", rune(p.s[p.i])) {
		p.i++
	}
}

func (p *printR) expect(tok string) {
	p.skipSpace()
	if !strings.HasPrefix(p.s[p.i:], tok) {
		if p.err == nil {
			p.err = fmt.Errorf("print_r: want %q at %d: %.30q", tok, p.i, p.s[p.i:])
		}
		return
	}
	p.i += len(tok)
}

func (p *printR) array() map[string]any {
	p.expect("Array")
	p.expect("(")
	m := p.members(true)
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '}' { // the document's typo for ")"
		p.i++
		return m
	}
	p.expect(")")
	return m
}

// members reads "[k] => v" until ")" (inArray) or the end. The document
// closes some dumps with "}" instead of ")": it ends the members too.
func (p *printR) members(inArray bool) map[string]any {
	m := map[string]any{}
	for p.err == nil {
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] == ')' || p.s[p.i] == '}' {
			return m
		}
		p.expect("[")
		end := strings.IndexByte(p.s[p.i:], ']')
		if end < 0 {
			p.err = fmt.Errorf("print_r: unterminated key at %d", p.i)
			return m
		}
		key := p.s[p.i : p.i+end]
		p.i += end + 1
		p.expect("=>")
		p.skipSpace()
		if strings.HasPrefix(p.s[p.i:], "Array") {
			m[key] = p.array()
			continue
		}
		// A scalar runs to the next "[" of a member or the closing ")".
		j := p.i
		for j < len(p.s) && p.s[j] != '[' && (p.s[j] != ')' || !inArray) && p.s[j] != '}' {
			j++
		}
		m[key] = strings.TrimSpace(p.s[p.i:j])
		p.i = j
	}
	return m
}

// TableSample returns a JSON object with one value per top-level row of a
// parameter table, of the row's documented type (the "Type" column):
// string "x", int 1, bool true, array ["x"], datetime and date as
// "2006-01-02 15:04:05" and "2006-01-02".
func TableSample(t testing.TB, table string) []byte {
	t.Helper()
	typeCol := -1
	obj := map[string]any{}
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(line, "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) < 2 || strings.Trim(cells[0], "-") == "" || strings.HasPrefix(cells[0], "..") {
			continue
		}
		if cells[0] == "Name" {
			typeCol = slices.Index(cells, "Type")
			continue
		}
		require.GreaterOrEqual(t, typeCol, 0, "no Type column before %q", line)
		switch typ := cells[typeCol]; typ {
		case "string":
			obj[cells[0]] = "x"
		case "int":
			obj[cells[0]] = 1
		case "bool":
			obj[cells[0]] = true
		case "array":
			obj[cells[0]] = []string{"x"}
		case "datetime":
			obj[cells[0]] = "2006-01-02 15:04:05"
		case "date":
			obj[cells[0]] = "2006-01-02"
		default:
			t.Fatalf("row %q: unknown type %q", line, typ)
		}
	}
	data, err := json.Marshal(obj)
	require.NoError(t, err)
	return data
}
