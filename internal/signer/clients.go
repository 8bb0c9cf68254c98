package signer

import (
	"crypto/sha256"
	"encoding/json"
	"sync"
	"time"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslci"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
)

const (
	// catalogMaxAge bounds how old a product list or product's details
	// may be when an order is checked against it.
	catalogMaxAge = time.Hour
	// clientIdle is how long an unused client is kept: an Issuer whose
	// spec or credentials changed leaves its old one behind.
	clientIdle = time.Hour
)

// issuerClient is the reseller client of one Issuer configuration (its
// spec, credentials and CA bundle), reused by all its requests: CyberSSL's
// session token lives in it, so one Issuer authenticates once per token
// lifetime, and product lists are read once per catalogMaxAge.
type issuerClient struct {
	used time.Time

	sslci     *sslci.Client
	sslmarket *sslmarket.Client
	cyberssl  *cyberssl.Client
	products  ca.Cached[[]sslmarket.Product]
	details   ca.Cached[cyberssl.Product]
}

// issuerClients keeps one issuerClient per configuration: a changed spec,
// token or CA bundle is another key, so it builds a new client.
type issuerClients struct {
	mu      sync.Mutex
	entries map[[sha256.Size]byte]*issuerClient
}

// clientKey hashes what a client is built from; the secrets are hashed,
// never kept as map keys.
func clientKey(spec *v1alpha1.IssuerSpec, creds Credentials) ([sha256.Size]byte, error) {
	js, err := json.Marshal(spec)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	h := sha256.New()
	for _, part := range [][]byte{js, creds.Secret, creds.CABundle} {
		sum := sha256.Sum256(part) // fixed-size parts: no two inputs collide by concatenation
		h.Write(sum[:])
	}
	var key [sha256.Size]byte
	copy(key[:], h.Sum(nil))
	return key, nil
}

// get returns the client of spec and creds, building it when there is
// none; clients unused for clientIdle are dropped.
func (c *issuerClients) get(spec *v1alpha1.IssuerSpec, creds Credentials, now time.Time, build func() (*issuerClient, error)) (*issuerClient, error) {
	key, err := clientKey(spec, creds)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if now.Sub(e.used) > clientIdle {
			delete(c.entries, k)
		}
	}
	if e, ok := c.entries[key]; ok {
		e.used = now
		return e, nil
	}
	e, err := build()
	if err != nil {
		return nil, err
	}
	e.used = now
	e.products.MaxAge, e.details.MaxAge = catalogMaxAge, catalogMaxAge
	if c.entries == nil {
		c.entries = map[[sha256.Size]byte]*issuerClient{}
	}
	c.entries[key] = e
	return e, nil
}
