package order

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// KeyFingerprint is the SHA-256 of a public key (DER SubjectPublicKeyInfo),
// hex: how an order records which key it certified.
func KeyFingerprint(spki []byte) string {
	sum := sha256.Sum256(spki)
	return hex.EncodeToString(sum[:])
}

// Fingerprint is the KeyFingerprint of the leaf of chainPEM; empty when it
// holds no certificate.
func Fingerprint(chainPEM string) string {
	leaf, err := ca.Leaf([]byte(chainPEM))
	if err != nil {
		return ""
	}
	return KeyFingerprint(leaf.RawSubjectPublicKeyInfo)
}
