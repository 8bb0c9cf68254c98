package signer

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cert-manager/issuer-lib/controllers/signer"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

const (
	day = 24 * time.Hour
	// minDuration and maxDuration bound what resellers sell: public TLS
	// certificates are valid at most 398 days (CA/Browser Forum).
	minDuration = day
	maxDuration = 398 * day
	minRSABits  = 2048
)

// buildRequest checks what cert-manager asks for before anything is ordered:
// every fault found here is permanent, costs nothing and names the value.
func buildRequest(details signer.CertificateDetails) (ca.Request, error) {
	csr, err := ca.CheckCSR(details.CSR)
	if err != nil {
		return ca.Request{}, err
	}
	if details.IsCA {
		return ca.Request{}, errors.New("isCA is set: resellers sell server certificates, not CAs")
	}
	// 0 means cert-manager's default (90 days).
	if d := details.Duration; d != 0 && (d < minDuration || d > maxDuration) {
		return ca.Request{}, fmt.Errorf("duration %s (%g days) is a duration the product cannot give: resellers sell certificates valid 1 to 398 days", d, d.Hours()/24)
	}
	if err := checkKey(csr.PublicKey); err != nil {
		return ca.Request{}, err
	}
	for _, ip := range csr.IPAddresses {
		return ca.Request{}, fmt.Errorf("IP address SAN %s: resellers validate only DNS names", ip)
	}
	for _, u := range csr.URIs {
		return ca.Request{}, fmt.Errorf("URI SAN %s: resellers validate only DNS names", u)
	}
	for _, e := range csr.EmailAddresses {
		return ca.Request{}, fmt.Errorf("email SAN %s: resellers validate only DNS names", e)
	}
	seen := map[string]bool{}
	var names []string
	for _, n := range csr.DNSNames {
		if err := checkName(n); err != nil {
			return ca.Request{}, fmt.Errorf("DNS name %q: %w", n, err)
		}
		l := strings.ToLower(n)
		if seen[l] {
			return ca.Request{}, fmt.Errorf("DNS name %q appears twice", n)
		}
		seen[l] = true
		names = append(names, l)
	}
	if cn := csr.Subject.CommonName; cn != "" {
		if err := checkName(cn); err != nil {
			return ca.Request{}, fmt.Errorf("common name %q: %w", cn, err)
		}
		if !seen[strings.ToLower(cn)] {
			return ca.Request{}, fmt.Errorf("common name %q is not among the DNS names", cn)
		}
	}
	if len(names) == 0 {
		return ca.Request{}, errors.New("the CSR names no DNS name")
	}
	return ca.Request{CSR: details.CSR, DNSNames: names, Duration: details.Duration}, nil
}

// checkKey accepts what resellers sign: RSA of at least 2048 bits and ECDSA
// on P-256 or P-384.
func checkKey(pub any) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if bits := k.N.BitLen(); bits < minRSABits {
			return fmt.Errorf("RSA key of %d bits: resellers sign RSA keys of at least %d bits", bits, minRSABits)
		}
		return nil
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() || k.Curve == elliptic.P384() {
			return nil
		}
		return fmt.Errorf("ECDSA key on curve %s: resellers sign only RSA (at least %d bits) and ECDSA P-256 or P-384 keys", k.Curve.Params().Name, minRSABits)
	case ed25519.PublicKey:
		return fmt.Errorf("Ed25519 key: resellers sign only RSA (at least %d bits) and ECDSA P-256 or P-384 keys", minRSABits)
	}
	return fmt.Errorf("%T key: resellers sign only RSA (at least %d bits) and ECDSA P-256 or P-384 keys", pub, minRSABits)
}

// checkName accepts a hostname resellers can validate: ASCII (A-labels for
// internationalized names), at most 253 characters, labels of 1 to 63 of
// [a-z0-9-] not starting or ending with '-', and "*" only as a whole first
// label.
func checkName(n string) error {
	for _, r := range n {
		if r > 0x7f {
			return fmt.Errorf("contains the non-ASCII character %q: use the punycode (IDNA A-label, xn--) form", r)
		}
	}
	if len(n) > 253 {
		return fmt.Errorf("is %d characters long, a DNS name has at most 253", len(n))
	}
	labels := strings.Split(strings.ToLower(n), ".")
	for i, l := range labels {
		switch {
		case l == "*" && i == 0 && len(labels) > 1:
			continue
		case l == "":
			return errors.New("has an empty label")
		case len(l) > 63:
			return fmt.Errorf("has the label %q of %d characters, at most 63 are allowed", l, len(l))
		case l[0] == '-' || l[len(l)-1] == '-':
			return fmt.Errorf("has the label %q that starts or ends with '-'", l)
		}
		if i := strings.IndexFunc(l, func(r rune) bool { return (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' }); i >= 0 {
			if l[i] == '*' {
				return errors.New("is not a valid hostname: '*' is allowed only as the whole first label (*.example.com)")
			}
			return fmt.Errorf("is not a valid hostname: the label %q holds %q, only a-z, 0-9 and '-' are allowed", l, l[i])
		}
	}
	return nil
}
