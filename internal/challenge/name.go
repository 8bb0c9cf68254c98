package challenge

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"k8s.io/apimachinery/pkg/types"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Labels on every ResellerChallenge, to find a request's challenges.
const (
	LabelRequestUID  = "reseller-issuer.dev/request-uid"
	LabelRequestName = "reseller-issuer.dev/request-name"
)

// Finalizer holds a ResellerChallenge until what its solver published is
// removed.
const Finalizer = "reseller-issuer.dev/challenge-cleanup"

// maxPrefix keeps names within a DNS label (63) with the hash appended.
const maxPrefix = 40

// ObjectName is the ResellerChallenge name of ch for the request with uid
// and name: the request's name, made a DNS label, and a hash of the
// challenge. A changed challenge gets a new name; the same challenge always
// the same one, so a retried or concurrent Present finds it.
func ObjectName(request string, uid types.UID, ch ca.Challenge) string {
	h := sha256.New()
	for _, s := range []string{string(uid), ch.Type, ch.Name, ch.Path, ch.Record, ch.RecordType, ch.Content} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	sum := hex.EncodeToString(h.Sum(nil))[:10]
	return label(request) + "-" + sum
}

// label makes s a DNS-1035 label prefix: lower case letters, digits and
// dashes, starting with a letter, at most maxPrefix long.
func label(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := b.String()
	if out == "" || out[0] < 'a' || out[0] > 'z' {
		out = "r-" + out
	}
	if len(out) > maxPrefix {
		out = out[:maxPrefix]
	}
	return strings.TrimRight(out, "-")
}
