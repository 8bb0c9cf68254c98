package order

import (
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Fingerprint is the ca.KeyFingerprint of the leaf of chainPEM; empty when it
// holds no certificate.
func Fingerprint(chainPEM string) string {
	leaf, err := ca.Leaf([]byte(chainPEM))
	if err != nil {
		return ""
	}
	return ca.KeyFingerprint(leaf.RawSubjectPublicKeyInfo)
}
