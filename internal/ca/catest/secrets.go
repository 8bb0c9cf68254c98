package catest

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// SecretForms are the ways a secret may show in an error text: as it is,
// and escaped for a URL query or path.
func SecretForms(secrets ...string) []string {
	var out []string
	for _, s := range secrets {
		out = append(out, s, url.QueryEscape(s), url.PathEscape(s))
	}
	return out
}

// AssertNotInErrors checks that err is an error and that neither it nor
// any error it wraps (single or joined) contains one of forms.
func AssertNotInErrors(t *testing.T, err error, forms ...string) {
	t.Helper()
	require.Error(t, err)
	queue := []error{err}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		for _, f := range forms {
			assert.NotContains(t, e.Error(), f, "error %T leaks a secret", e)
		}
		switch u := e.(type) { //nolint:errorlint // walks the chain by hand
		case interface{ Unwrap() error }:
			if w := u.Unwrap(); w != nil {
				queue = append(queue, w)
			}
		case interface{ Unwrap() []error }:
			queue = append(queue, u.Unwrap()...)
		}
	}
}
