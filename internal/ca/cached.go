package ca

import (
	"context"
	"sync"
	"time"
)

// Cached holds a value read from a reseller (a product list, a product's
// details) for at most MaxAge, so that one Issuer does not read it for
// every order. One read runs at a time: callers arriving meanwhile wait for
// its answer. Errors are not kept. The zero value reads every time.
type Cached[T any] struct {
	MaxAge time.Duration

	mu    sync.Mutex
	at    time.Time
	value T
	ok    bool
}

// Get returns the kept value unless it is older than MaxAge or fresh is
// set; else it reads, keeps and returns the answer.
func (c *Cached[T]) Get(ctx context.Context, now time.Time, fresh bool, read func(context.Context) (T, error)) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && !fresh && now.Sub(c.at) < c.MaxAge && !now.Before(c.at) {
		return c.value, nil
	}
	v, err := read(ctx)
	if err != nil {
		return v, err
	}
	c.value, c.at, c.ok = v, now, true
	return v, nil
}
