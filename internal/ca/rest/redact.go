package rest

import (
	"cmp"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
)

// redacted replaces a secret.
const redacted = "REDACTED"

// Redact replaces every occurrence of each secret in s, raw and in its
// query-, path- and JSON-escaped forms, with "REDACTED". Longer secrets go
// first: a token may contain the API key or the other way round.
func Redact(s string, secrets ...string) string {
	if s == "" {
		return s
	}
	ordered := slices.Clone(secrets)
	slices.SortStableFunc(ordered, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, secret := range ordered {
		if secret == "" {
			continue
		}
		forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
		if b, err := json.Marshal(secret); err == nil {
			forms = append(forms, strings.Trim(string(b), `"`))
		}
		for _, f := range forms {
			if f != "" {
				s = strings.ReplaceAll(s, f, redacted)
			}
		}
	}
	return s
}
