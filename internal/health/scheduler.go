// Package health keeps every Issuer's Ready condition current: issuer-lib
// checks an Issuer only when it is created or its spec changes, so a
// Scheduler enqueues each Issuer again on an interval, spread over the
// interval so that many Issuers do not call a reseller at once.
package health

import (
	"context"
	"hash/fnv"
	"sync"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// Scan bounds: how often the Scheduler looks for Issuers that are due.
const (
	minScan = time.Second
	maxScan = 10 * time.Second
)

// Key names one Issuer of either kind.
type Key struct {
	Kind string
	types.NamespacedName
}

// KeyOf returns the Key of a ResellerIssuer or ResellerClusterIssuer.
func KeyOf(obj client.Object) Key {
	kind := v1alpha1.KindResellerIssuer
	if _, ok := obj.(*v1alpha1.ResellerClusterIssuer); ok {
		kind = v1alpha1.KindResellerClusterIssuer
	}
	return Key{Kind: kind, NamespacedName: client.ObjectKeyFromObject(obj)}
}

// Scheduler enqueues every Issuer on its check interval. Use Source for
// each issuer kind's controller; the checks then run only where those
// controllers run (the leader).
type Scheduler struct {
	// Reader lists Issuers, normally the manager's cache.
	Reader client.Reader
	// Interval is the default check interval (--issuer-check-interval).
	Interval time.Duration
	// Now is the clock.
	Now func() time.Time

	mu     sync.Mutex
	queues map[string]workqueue.TypedRateLimitingInterface[reconcile.Request]
	due    map[Key]slot
}

// slot is when an Issuer is next due and the interval that was computed
// with.
type slot struct {
	at       time.Time
	interval time.Duration
}

// IntervalOf is an Issuer's check interval: spec.healthCheck.interval, or
// def.
func IntervalOf(spec *v1alpha1.IssuerSpec, def time.Duration) time.Duration {
	if spec != nil && spec.HealthCheck != nil && spec.HealthCheck.Interval.Duration > 0 {
		return spec.HealthCheck.Interval.Duration
	}
	return def
}

// Source returns the controller-runtime source that enqueues the Issuers of
// kind (v1alpha1.KindResellerIssuer or KindResellerClusterIssuer).
func (s *Scheduler) Source(kind string) source.Source {
	return source.Func(func(ctx context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request]) error {
		s.mu.Lock()
		if s.queues == nil {
			s.queues = map[string]workqueue.TypedRateLimitingInterface[reconcile.Request]{}
		}
		s.queues[kind] = q
		s.mu.Unlock()
		go s.loop(ctx, kind)
		return nil
	})
}

// Soon asks for a check of k at (or right after) at, earlier than its
// interval would: a check inside a grace period uses it to look again when
// the grace period ends.
func (s *Scheduler) Soon(k Key, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sl, ok := s.due[k]; ok && at.Before(sl.at) {
		sl.at = at
		s.due[k] = sl
	}
}

func (s *Scheduler) loop(ctx context.Context, kind string) {
	for {
		wait := s.scan(ctx, kind)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// scan enqueues, with the right delay, the Issuers of kind that fall due
// before the next scan, and returns the time to the next scan.
func (s *Scheduler) scan(ctx context.Context, kind string) time.Duration {
	scan := clamp(s.Interval/10, minScan, maxScan)
	objs, err := s.list(ctx, kind)
	if err != nil {
		return scan // the cache is not synced yet, or going away
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.due == nil {
		s.due = map[Key]slot{}
	}
	q := s.queues[kind]
	seen := map[Key]bool{}
	for _, o := range objs {
		spec, _ := v1alpha1.SpecOf(o)
		interval := IntervalOf(spec, s.Interval)
		scan = min(scan, clamp(interval/10, minScan, maxScan))
		k := KeyOf(o)
		seen[k] = true
		sl, ok := s.due[k]
		if !ok || sl.interval != interval {
			// First sight (issuer-lib checks it now anyway) or a new
			// interval: start at a phase of its own inside the interval.
			sl = slot{at: now.Add(phase(string(o.GetUID()), interval)), interval: interval}
		}
		for !sl.at.After(now.Add(scan)) {
			if q != nil {
				q.AddAfter(reconcile.Request{NamespacedName: k.NamespacedName}, max(sl.at.Sub(now), 0))
			}
			sl.at = sl.at.Add(interval)
			if sl.at.Before(now) {
				sl.at = now.Add(interval)
			}
		}
		s.due[k] = sl
	}
	for k := range s.due {
		if k.Kind == kind && !seen[k] {
			delete(s.due, k)
		}
	}
	return scan
}

// list returns the Issuers of kind (none for another kind).
func (s *Scheduler) list(ctx context.Context, kind string) ([]client.Object, error) {
	var l client.ObjectList
	switch kind {
	case v1alpha1.KindResellerIssuer:
		l = &v1alpha1.ResellerIssuerList{}
	case v1alpha1.KindResellerClusterIssuer:
		l = &v1alpha1.ResellerClusterIssuerList{}
	default:
		return nil, nil
	}
	if err := s.Reader.List(ctx, l); err != nil {
		return nil, err
	}
	items, err := apimeta.ExtractList(l)
	if err != nil {
		return nil, err
	}
	out := make([]client.Object, 0, len(items))
	for _, it := range items {
		out = append(out, it.(client.Object))
	}
	return out, nil
}

// phase spreads Issuers over their interval: a stable offset from the
// Issuer's UID.
func phase(uid string, interval time.Duration) time.Duration {
	if interval <= 0 {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(uid))
	return time.Duration(h.Sum64() % uint64(interval)) //nolint:gosec // the remainder is below interval, an int64

}

func clamp(d, lo, hi time.Duration) time.Duration {
	return min(max(d, lo), hi)
}
