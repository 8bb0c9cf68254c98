package sslmarket

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"slices"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnsname"
)

// dvAuthMethod normalises dv_auth_method (case-insensitive, default
// Email) to the document's spelling.
func dvAuthMethod(m string) (string, *apiError) {
	switch strings.ToLower(strings.TrimSpace(m)) {
	case "", "email":
		return dvAuthEmail, nil
	case "file":
		return dvAuthFile, nil
	case "dns":
		return dvAuthDNS, nil
	}
	return "", invalid("dv_auth_method", "must be %s, %s or %s, got %q", dvAuthEmail, dvAuthFile, dvAuthDNS, m)
}

// checkContacts validates the format of the set contact fields.
func checkContacts(c *contacts) *apiError {
	for _, f := range c.fields() {
		n, v := f.name, *f.value
		if v == "" {
			continue
		}
		switch {
		case strings.TrimSpace(v) == "":
			return invalid(n, "must not be blank")
		case strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }):
			return invalid(n, "must not contain control characters")
		case strings.HasSuffix(n, "_country") && !isCountry(v):
			return invalid(n, "%q is not a two-letter country code (ISO 3166-1 alpha-2)", v)
		case strings.HasSuffix(n, "_email") && !strings.Contains(strings.Trim(v, "@"), "@"):
			return invalid(n, "%q is not an e-mail address", v)
		}
	}
	return nil
}

func isCountry(c string) bool {
	if len(c) != 2 {
		return false
	}
	for _, r := range c {
		if (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') {
			return false
		}
	}
	return true
}

// checkCSR parses a PEM CSR, checks its signature and key, and that its
// common name, if any, is one of names.
func checkCSR(field, csrPEM string, names []string) *apiError {
	csr, err := authority.ParseCSR([]byte(csrPEM))
	if err != nil {
		return invalid(field, "%v", err)
	}
	switch pub := csr.PublicKey.(type) {
	case *ecdsa.PublicKey, ed25519.PublicKey:
	case *rsa.PublicKey:
		if pub.N.BitLen() < 2048 {
			return invalid(field, "RSA key of %d bits, need at least 2048", pub.N.BitLen())
		}
	default:
		return invalid(field, "unsupported public key type %T", csr.PublicKey)
	}
	if cn := strings.TrimSuffix(strings.ToLower(csr.Subject.CommonName), "."); cn != "" && !slices.Contains(names, cn) {
		return invalid(field, "common name %q is neither the domain nor one of the dns_names", csr.Subject.CommonName)
	}
	return nil
}

// domainParam normalises (lower case, no trailing dot) and validates a
// domain name parameter.
func domainParam(field, raw string, wildcardOK bool) (string, *apiError) {
	d, err := dnsname.Normalize(raw)
	switch {
	case errors.Is(err, dnsname.ErrEmpty):
		return "", invalid(field, "empty domain name")
	case err != nil:
		return "", invalid(field, "%q %v", raw, err)
	case dnsname.IsWildcard(d) && !wildcardOK:
		return "", invalid(field, "wildcard name %s needs a wildcard product", d)
	}
	return d, nil
}

// randomString returns 24 random bytes, base64url encoded (32 characters).
func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
