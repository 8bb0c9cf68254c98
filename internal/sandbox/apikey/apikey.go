// Package apikey resolves the API keys (tokens) the simulated resellers
// receive to account names, compared in constant time, and refuses the
// keys revoked at the "reseller".
package apikey

import (
	"crypto/subtle"
	"errors"
	"sort"
)

// Errors of Keys.Account.
var (
	ErrMissing = errors.New("missing")
	ErrUnknown = errors.New("invalid")
	ErrRevoked = errors.New("revoked")
)

// Keys maps API keys to account names.
type Keys struct {
	entries []entry
	revoked func(key string) bool
}

type entry struct {
	key  []byte
	name string
}

// New returns the keys of accounts (key -> account name; entries with an
// empty key or name are ignored). revoked, when set, tells a key revoked
// at the reseller.
func New(accounts map[string]string, revoked func(key string) bool) *Keys {
	k := &Keys{revoked: revoked}
	for key, name := range accounts {
		if key != "" && name != "" {
			k.entries = append(k.entries, entry{key: []byte(key), name: name})
		}
	}
	return k
}

// Account returns the account of key: ErrMissing for an empty key,
// ErrUnknown for a key no account has, ErrRevoked for a revoked one.
func (k *Keys) Account(key string) (string, error) {
	if key == "" {
		return "", ErrMissing
	}
	name := ""
	for _, e := range k.entries {
		if subtle.ConstantTimeCompare(e.key, []byte(key)) == 1 {
			name = e.name
		}
	}
	if name == "" {
		return "", ErrUnknown
	}
	if k.Revoked(key) {
		return "", ErrRevoked
	}
	return name, nil
}

// Revoked reports whether key was revoked at the reseller.
func (k *Keys) Revoked(key string) bool { return k.revoked != nil && k.revoked(key) }

// Names returns the distinct account names, sorted.
func (k *Keys) Names() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range k.entries {
		if !seen[e.name] {
			seen[e.name] = true
			out = append(out, e.name)
		}
	}
	sort.Strings(out)
	return out
}
