package rest

import (
	"encoding/pem"
	"fmt"
	"net/mail"
	"strings"
)

// Provider names a reseller ("sslci"): its errors start with it. Its
// methods check arguments before anything is sent; their errors are
// *InvalidArgumentError naming the argument.
type Provider string

// InvalidArg returns the *InvalidArgumentError of argument name.
func (p Provider) InvalidArg(name, format string, args ...any) error {
	return &InvalidArgumentError{Provider: p, Name: name, Reason: fmt.Sprintf(format, args...)}
}

// CheckDomain rejects what cannot be a DNS name: empty, too long, blanks,
// control characters, URL syntax, empty labels and "*" anywhere but as the
// whole first label. Names are sent as given (no lowercasing, no IDN
// conversion).
func (p Provider) CheckDomain(name, d string) error {
	switch {
	case d == "":
		return p.InvalidArg(name, "must not be empty")
	case len(d) > 253:
		return p.InvalidArg(name, "%q is longer than 253 bytes", d)
	case strings.ContainsAny(d, "/:@?#\\%"):
		return p.InvalidArg(name, "%q must be a bare domain name, not a URL", d)
	}
	for _, r := range d {
		if r <= ' ' || r == 0x7f {
			return p.InvalidArg(name, "%q contains blanks or control characters", d)
		}
	}
	labels := strings.Split(d, ".")
	for i, l := range labels {
		switch {
		case l == "":
			return p.InvalidArg(name, "%q has an empty label", d)
		case len(l) > 63:
			return p.InvalidArg(name, "%q has a label longer than 63 bytes", d)
		case strings.Contains(l, "*") && (i != 0 || l != "*" || len(labels) < 3):
			return p.InvalidArg(name, "%q: \"*\" is only allowed as the whole first label of a name with at least two more labels", d)
		}
	}
	return nil
}

// CheckID rejects an id that cannot be an order or product number.
func (p Provider) CheckID(name string, id int64) error {
	if id <= 0 {
		return p.InvalidArg(name, "must be positive, got %d", id)
	}
	return nil
}

// CheckPEM checks that the first PEM block of data has one of types.
func (p Provider) CheckPEM(name string, data []byte, types ...string) error {
	block, _ := pem.Decode(data)
	if block == nil {
		return p.InvalidArg(name, "must be PEM (%s)", strings.Join(types, " or "))
	}
	for _, t := range types {
		if block.Type == t {
			return nil
		}
	}
	return p.InvalidArg(name, "PEM block is %q, want %s", block.Type, strings.Join(types, " or "))
}

// CheckCSR checks that data is a PEM CERTIFICATE REQUEST.
func (p Provider) CheckCSR(name string, data []byte) error {
	return p.CheckPEM(name, data, "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")
}

// CheckEmail accepts a bare address (no display name).
func (p Provider) CheckEmail(name, addr string) error {
	if addr == "" {
		return p.InvalidArg(name, "email address must not be empty")
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr || a.Name != "" {
		return p.InvalidArg(name, "%q is not a bare email address", addr)
	}
	return nil
}
