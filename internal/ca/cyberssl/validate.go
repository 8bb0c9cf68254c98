package cyberssl

import "strings"

// validateDVMethod accepts http, https, dns and "email:" with at least one
// address.
func validateDVMethod(name, m string) error {
	switch m {
	case DVMethodHTTP, DVMethodHTTPS, DVMethodDNS:
		return nil
	}
	addrs, ok := strings.CutPrefix(m, DVMethodEmail+":")
	if !ok {
		return provider.InvalidArg(name, "must be %q, %q, %q or \"email:<addresses>\", got %q", DVMethodHTTP, DVMethodHTTPS, DVMethodDNS, m)
	}
	list := strings.Split(addrs, ",")
	for _, a := range list {
		if err := provider.CheckEmail(name, a); err != nil {
			return err
		}
	}
	return nil
}

// validateDomain is rest's check, refusing commas and semicolons too: they
// separate the names of a list (addon_domains).
func validateDomain(name, d string) error {
	if strings.ContainsAny(d, ",;") {
		return provider.InvalidArg(name, "%q must be a bare domain name, not a list", d)
	}
	return provider.CheckDomain(name, d)
}
