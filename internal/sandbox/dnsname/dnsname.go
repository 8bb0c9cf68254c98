// Package dnsname normalises and checks the domain names the simulated
// resellers receive: lower case, no trailing dot, letters, digits and
// hyphens, and a wildcard only as the whole first label of a name with at
// least two more.
package dnsname

import (
	"errors"
	"fmt"
	"strings"
)

// Normalize returns raw in lower case without surrounding blanks and a
// trailing dot, or an error saying why it is not a domain name ("" gives
// ErrEmpty). The error reads after the name: "%q " + err.
func Normalize(raw string) (string, error) {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(raw)), ".")
	if d == "" {
		return "", ErrEmpty
	}
	return d, check(d)
}

// ErrEmpty is Normalize's error for an empty name.
var ErrEmpty = errors.New("is empty")

// IsWildcard reports a name starting with "*.".
func IsWildcard(name string) bool { return strings.HasPrefix(name, "*.") }

// Base returns name without the "*." of a wildcard.
func Base(name string) string { return strings.TrimPrefix(name, "*.") }

func check(d string) error {
	if len(d) > 253 {
		return errors.New("is longer than 253 characters")
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return errors.New("is not a fully qualified domain name")
	}
	for i, l := range labels {
		if i == 0 && l == "*" {
			if len(labels) < 3 {
				return errors.New("is a wildcard of a top-level domain")
			}
			continue
		}
		if l == "" || len(l) > 63 {
			return errors.New("has an empty or over-long label")
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return errors.New("has a label starting or ending with '-'")
		}
		for _, c := range l {
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return fmt.Errorf("has invalid character %q", c)
			}
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return errors.New("is an IP address, not a domain name")
	}
	return nil
}
