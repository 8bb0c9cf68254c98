package cyberssl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Lenient JSON scalars. The API is written in PHP, whose json_encode writes
// numbers as strings or numbers, booleans as true/1/"1"/"" and empty arrays
// as [] (assumptions.go, 4-6). These types accept every such spelling.

// ID is an order or product id: a JSON number or a string holding one.
// null and "" decode as 0. It encodes as a JSON number.
type ID int64

// UnmarshalJSON implements json.Unmarshaler.
func (id *ID) UnmarshalJSON(b []byte) error {
	n, err := lenientInt(b)
	if err != nil {
		return fmt.Errorf("id: %w", err)
	}
	*id = ID(n)
	return nil
}

// String is the decimal form, as sent in requests.
func (id ID) String() string { return strconv.FormatInt(int64(id), 10) }

// Int is a count or a number of years: a JSON number or a string holding one.
// null and "" decode as 0. It encodes as a JSON number.
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(b []byte) error {
	v, err := lenientInt(b)
	if err != nil {
		return err
	}
	*n = Int(v)
	return nil
}

func lenientInt(b []byte) (int64, error) {
	s, isNull, err := scalarText(b)
	if err != nil {
		return 0, err
	}
	if isNull || s == "" {
		return 0, nil
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, nil
	}
	// 5.0 or "5.00": integral floats are accepted.
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("not an integer: %s", b)
	}
	return int64(f), nil
}

// Amount is money (price, balance, warranty) as the API writes it: a JSON
// number or a string holding one, kept as its decimal text ("20", "20.00").
// null and "" decode as "". It encodes as a JSON number when it is one.
type Amount string

// UnmarshalJSON implements json.Unmarshaler.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s, isNull, err := scalarText(b)
	if err != nil {
		return fmt.Errorf("amount: %w", err)
	}
	if isNull {
		s = ""
	}
	*a = Amount(s)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (a Amount) MarshalJSON() ([]byte, error) {
	if a == "" {
		return []byte(`""`), nil
	}
	if json.Valid([]byte(a)) {
		if _, err := strconv.ParseFloat(string(a), 64); err == nil {
			return []byte(a), nil
		}
	}
	return json.Marshal(string(a))
}

// Float64 parses the amount; "" is 0.
func (a Amount) Float64() (float64, error) {
	if a == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(string(a)), 64)
	if err != nil {
		return 0, fmt.Errorf("cyberssl: amount %q is not a number", string(a))
	}
	return f, nil
}

// Bool is a flag: true/false, 1/0, "1"/"0", "true"/"false", "yes"/"no",
// "" and null (false). It encodes as a JSON boolean.
type Bool bool

// UnmarshalJSON implements json.Unmarshaler.
func (v *Bool) UnmarshalJSON(b []byte) error {
	s, isNull, err := scalarText(b)
	if err != nil {
		return err
	}
	if isNull {
		*v = false
		return nil
	}
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on", "y":
		*v = true
	case "false", "0", "no", "off", "n", "", "0.0":
		*v = false
	default:
		return fmt.Errorf("not a boolean: %s", b)
	}
	return nil
}

// Text is a string the API may also write as a number, a boolean (false
// means "") or null.
type Text string

// UnmarshalJSON implements json.Unmarshaler.
func (t *Text) UnmarshalJSON(b []byte) error {
	s, isNull, err := scalarText(b)
	if err != nil {
		return err
	}
	if isNull || s == "false" && bytes.Equal(bytes.TrimSpace(b), []byte("false")) {
		s = ""
	}
	*t = Text(s)
	return nil
}

// StringList is a list of names or addresses: a JSON array of strings, an
// object of strings (a PHP array with keys, taken in key order), or one
// string separated by commas or blanks. null, false and "" are empty. It
// encodes as one comma-separated string, the way addon_domains is sent.
type StringList []string

// UnmarshalJSON implements json.Unmarshaler.
func (l *StringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return errors.New("empty value")
	}
	switch b[0] {
	case '[':
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		out := make(StringList, 0, len(raw))
		for _, r := range raw {
			var t Text
			if err := t.UnmarshalJSON(r); err != nil {
				return fmt.Errorf("list element: %w", err)
			}
			out = append(out, splitList(string(t))...)
		}
		*l = nilIfEmpty(out)
		return nil
	case '{':
		var m map[string]Text
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		var out StringList
		for _, k := range sortedKeys(m) {
			out = append(out, splitList(string(m[k]))...)
		}
		*l = nilIfEmpty(out)
		return nil
	}
	var t Text
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	*l = nilIfEmpty(splitList(string(t)))
	return nil
}

// MarshalJSON implements json.Marshaler.
func (l StringList) MarshalJSON() ([]byte, error) {
	return json.Marshal(strings.Join(l, ","))
}

func nilIfEmpty(l StringList) StringList {
	if len(l) == 0 {
		return nil
	}
	return l
}

// splitList splits on commas, semicolons and blanks, dropping empty parts.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}

// scalarText returns the text of a JSON string, number or boolean. isNull
// reports null; objects and arrays are errors except the empty ones, which
// PHP writes for "nothing" and are reported as null.
func scalarText(b []byte) (s string, isNull bool, err error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return "", false, errors.New("empty value")
	case bytes.Equal(b, []byte("null")), isEmptyContainer(b):
		return "", true, nil
	case b[0] == '"':
		if err := json.Unmarshal(b, &s); err != nil {
			return "", false, err
		}
		return strings.TrimSpace(s), false, nil
	case bytes.Equal(b, []byte("true")), bytes.Equal(b, []byte("false")):
		return string(b), false, nil
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return "", false, err
		}
		return n.String(), false, nil
	}
	return "", false, fmt.Errorf("unexpected JSON value %.40s", b)
}

// isEmptyContainer reports [] or {} (with blanks).
func isEmptyContainer(b []byte) bool {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || (b[0] != '[' && b[0] != '{') {
		return false
	}
	inner := bytes.TrimSpace(b[1 : len(b)-1])
	return len(inner) == 0 && ((b[0] == '[' && b[len(b)-1] == ']') || (b[0] == '{' && b[len(b)-1] == '}'))
}

// isNothing reports null, false, "" and empty containers: what PHP writes
// for a missing list or map.
func isNothing(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) == 0 || bytes.Equal(b, []byte("null")) || bytes.Equal(b, []byte("false")) ||
		bytes.Equal(b, []byte(`""`)) || isEmptyContainer(b)
}

// decodeList decodes a JSON array of T, or an object whose values are T (a
// PHP array with keys; taken in key order, numeric keys numerically).
// Nothing (null, false, "", [] or {}) is an empty list.
func decodeList[T any](b []byte) ([]T, error) {
	if isNothing(b) {
		return nil, nil
	}
	b = bytes.TrimSpace(b)
	if b[0] == '[' {
		var out []T
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, err
		}
		return out, nil
	}
	var m map[string]T
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	out := make([]T, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, m[k])
	}
	return out, nil
}

// decodeMap decodes a JSON object of T. Nothing (null, false, "", [] or {})
// is an empty map.
func decodeMap[T any](b []byte) (map[string]T, error) {
	if isNothing(b) {
		return nil, nil
	}
	var m map[string]T
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// sortedKeys orders keys numerically when both are integers, else
// lexically.
func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, errA := strconv.ParseInt(keys[i], 10, 64)
		b, errB := strconv.ParseInt(keys[j], 10, 64)
		if errA == nil && errB == nil {
			return a < b
		}
		return keys[i] < keys[j]
	})
	return keys
}
