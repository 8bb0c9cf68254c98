package health

import (
	"sync"
	"time"
)

// outages remembers since when each Issuer's reseller has been unreachable.
// It is kept in memory: a new leader starts the grace period again, which
// at worst delays Ready=False by one grace period.
type outages struct {
	mu    sync.Mutex
	since map[Key]time.Time
}

// failed records a failed check of k at now and returns when the outage
// began.
func (o *outages) failed(k Key, now time.Time) time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.since == nil {
		o.since = map[Key]time.Time{}
	}
	if s, ok := o.since[k]; ok {
		return s
	}
	o.since[k] = now
	return now
}

// recovered forgets the outage of k.
func (o *outages) recovered(k Key) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.since, k)
}
