package cyberssl

import (
	"encoding/pem"
	"net/mail"
	"strings"
)

func validateID(name string, id ID) error {
	if id <= 0 {
		return invalidArg(name, "must be positive, got %d", id)
	}
	return nil
}

// validateCSR accepts one PEM CERTIFICATE REQUEST block.
func validateCSR(name, csr string) error {
	block, _ := pem.Decode([]byte(strings.TrimSpace(csr)))
	if block == nil || (block.Type != "CERTIFICATE REQUEST" && block.Type != "NEW CERTIFICATE REQUEST") {
		return invalidArg(name, "must be a PEM CERTIFICATE REQUEST block")
	}
	return nil
}

// validateDVMethod accepts http, https, dns and "email:" with at least one
// address.
func validateDVMethod(name, m string) error {
	switch m {
	case DVMethodHTTP, DVMethodHTTPS, DVMethodDNS:
		return nil
	}
	addrs, ok := strings.CutPrefix(m, DVMethodEmail+":")
	if !ok {
		return invalidArg(name, "must be %q, %q, %q or \"email:<addresses>\", got %q", DVMethodHTTP, DVMethodHTTPS, DVMethodDNS, m)
	}
	list := strings.Split(addrs, ",")
	for _, a := range list {
		if err := validateEmail(name, a); err != nil {
			return err
		}
	}
	return nil
}

// validateEmail accepts a bare address (no display name).
func validateEmail(name, a string) error {
	if a == "" {
		return invalidArg(name, "email address must not be empty")
	}
	addr, err := mail.ParseAddress(a)
	if err != nil || addr.Address != a || addr.Name != "" {
		return invalidArg(name, "%q is not a bare email address", a)
	}
	return nil
}

// validateDomain rejects what cannot be a DNS name: empty, too long,
// blanks, control characters, URL syntax, commas (the list separator),
// empty labels and "*" anywhere but as the whole first label. Names are sent
// as given (no lowercasing, no IDN conversion).
func validateDomain(name, d string) error {
	switch {
	case d == "":
		return invalidArg(name, "must not be empty")
	case len(d) > 253:
		return invalidArg(name, "%q is longer than 253 bytes", d)
	case strings.ContainsAny(d, "/:@?#\\%,;"):
		return invalidArg(name, "%q must be a bare domain name", d)
	}
	for _, r := range d {
		if r <= ' ' || r == 0x7f {
			return invalidArg(name, "%q contains blanks or control characters", d)
		}
	}
	labels := strings.Split(d, ".")
	for i, l := range labels {
		switch {
		case l == "":
			return invalidArg(name, "%q has an empty label", d)
		case len(l) > 63:
			return invalidArg(name, "%q has a label longer than 63 bytes", d)
		case strings.Contains(l, "*") && (i != 0 || l != "*" || len(labels) < 3):
			return invalidArg(name, "%q: \"*\" is only allowed as the whole first label of a name with at least two more labels", d)
		}
	}
	return nil
}
