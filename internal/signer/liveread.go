package signer

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// liveReadTTL bounds how long a live read waits for the Sign of its
// reconcile. issuer-lib calls Sign a moment after IgnoreStale, or not at all
// (a status it only sets up, an Issuer not ready): older entries are
// dropped.
const liveReadTTL = 30 * time.Second

// liveReads hands the live copy of a request that IgnoreStale read to the
// Sign of the same reconcile, so that one reconcile reads the request from
// the API server once. controller-runtime never reconciles one request in
// two workers at once, so the copy is the one Sign would have read.
type liveReads struct {
	mu      sync.Mutex
	entries map[types.UID]liveRead
}

type liveRead struct {
	obj client.Object
	at  time.Time
}

// put keeps obj for the next take of its UID.
func (l *liveReads) put(obj client.Object, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.entries == nil {
		l.entries = map[types.UID]liveRead{}
	}
	for uid, e := range l.entries {
		if now.Sub(e.at) > liveReadTTL {
			delete(l.entries, uid)
		}
	}
	l.entries[obj.GetUID()] = liveRead{obj: obj, at: now}
}

// take returns and forgets the copy kept for uid, if it is recent.
func (l *liveReads) take(uid types.UID, now time.Time) (client.Object, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[uid]
	delete(l.entries, uid)
	if !ok || now.Sub(e.at) > liveReadTTL || now.Before(e.at) {
		return nil, false
	}
	return e.obj, true
}
