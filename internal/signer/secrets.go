package signer

import (
	"context"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// CredentialsMaxAge is how long a credentials Secret or CA bundle read
// from the API server serves Signs before it is read again: a changed
// token takes effect within this time, at the Issuer's next health check,
// or at once when the reseller refuses the old one.
const CredentialsMaxAge = time.Minute

// sourceCache keeps the data of the Secrets and ConfigMaps Issuers
// reference, read live, for CredentialsMaxAge: not one read per Sign.
// Only what an Issuer references is kept, so it is as large as the Issuers.
type sourceCache struct {
	mu      sync.Mutex
	entries map[sourceKey]sourceEntry
}

type sourceKey struct {
	kind string // "Secret" or "ConfigMap"
	key  types.NamespacedName
}

type sourceEntry struct {
	data map[string][]byte
	at   time.Time
}

// read returns the data of the Secret or ConfigMap (obj's type) at key:
// the kept copy unless fresh is asked or it is older than
// CredentialsMaxAge. Errors are never kept.
func (c *sourceCache) read(ctx context.Context, r client.Reader, key types.NamespacedName, obj client.Object, fresh bool, now time.Time) (map[string][]byte, error) {
	k := sourceKey{kind: "Secret", key: key}
	if _, ok := obj.(*corev1.ConfigMap); ok {
		k.kind = "ConfigMap"
	}
	c.mu.Lock()
	e, ok := c.entries[k]
	c.mu.Unlock()
	if ok && !fresh && now.Sub(e.at) < CredentialsMaxAge && !now.Before(e.at) {
		return e.data, nil
	}
	if err := r.Get(ctx, key, obj); err != nil {
		c.forget(k)
		return nil, err
	}
	var data map[string][]byte
	switch o := obj.(type) {
	case *corev1.Secret:
		data = o.Data
	case *corev1.ConfigMap:
		data = map[string][]byte{}
		for name, v := range o.Data {
			data[name] = []byte(v)
		}
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[sourceKey]sourceEntry{}
	}
	c.entries[k] = sourceEntry{data: data, at: now}
	c.mu.Unlock()
	return data, nil
}

func (c *sourceCache) forget(k sourceKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, k)
}

// forgetSecret drops a kept Secret: the reseller refused what it holds.
func (c *sourceCache) forgetSecret(key types.NamespacedName) {
	c.forget(sourceKey{kind: "Secret", key: key})
}
