package order

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// Key is what must not be bought twice: one issuer, one reseller product
// and term, one set of names. Every order placed for a Key carries its
// Hash as a label, and its name is derived from it, so two workers, two
// replicas or a recreated request that want the same thing collide on the
// create of one ResellerOrder (ACME's hashed Order names are the model).
type Key struct {
	Issuer   v1alpha1.IssuerReference
	Provider string
	Product  string
	Years    int32
	// Names are lower-case and sorted.
	Names []string
}

// NewKey builds the Key of names bought through issuer with product and
// years.
func NewKey(issuer v1alpha1.IssuerReference, provider, product string, years int32, names []string) Key {
	sorted := make([]string, 0, len(names))
	for _, n := range names {
		sorted = append(sorted, strings.ToLower(n))
	}
	slices.Sort(sorted)
	return Key{Issuer: issuer, Provider: provider, Product: product, Years: years, Names: slices.Compact(sorted)}
}

// Hash is a label-safe digest of the key.
func (k Key) Hash() string {
	h := sha256.New()
	for _, part := range append([]string{k.Issuer.Kind, k.Issuer.SecretNamespace, k.Issuer.Name, k.Provider, k.Product, strconv.Itoa(int(k.Years))}, k.Names...) {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:40]
}

// OrderName is the name of the key's seq-th order: readable (its first
// name) and unique (the hash).
func (k Key) OrderName(seq int) string {
	first := "order"
	if len(k.Names) > 0 {
		first = strings.ReplaceAll(strings.ReplaceAll(k.Names[0], "*.", "wildcard."), ".", "-")
	}
	if len(first) > 40 {
		first = strings.TrimRight(first[:40], "-")
	}
	return fmt.Sprintf("%s-%s-%d", first, k.Hash()[:10], seq)
}

// Spec is the ResellerOrder spec of the key.
func (k Key) Spec() v1alpha1.OrderSpec {
	return v1alpha1.OrderSpec{IssuerRef: k.Issuer, Provider: k.Provider, Product: k.Product, Years: k.Years, DNSNames: slices.Clone(k.Names)}
}

// seqOf is the sequence number of an order of the key, from its name.
func seqOf(name string) int {
	i := strings.LastIndexByte(name, '-')
	n, err := strconv.Atoi(name[i+1:])
	if err != nil {
		return 0
	}
	return n
}
