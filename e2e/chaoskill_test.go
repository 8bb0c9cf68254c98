//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

// paidCallKiller follows the sandbox's paid-call announcements and SIGKILLs
// the replica that made each call at a random moment after the call
// arrived, until it has landed its quota of kills inside paid-call windows.
// A kill is inside a window when, with the replica dead, a paid call it
// claimed still has no saved outcome on its ResellerOrder (the claim's step
// is still set): that claim is then attributed to this kill and no other.
// A kill of a process that had already exited (or been replaced) is not
// sent and not counted.
type paidCallKiller struct {
	t        *testing.T
	s        *framework.Stack
	ns       string
	provider string
	rng      *rand.Rand
	// spread: the kill lands uniformly in [0, spread) after the arrival.
	spread time.Duration

	mu sync.Mutex
	// quota is how many kills inside windows to land.
	quota int
	// kills are the SIGKILLs sent to running replicas; inWindow those that
	// left a paid call without a saved outcome, by call kind;
	// afterAnswer those of inWindow sent after the sandbox had answered.
	kills, inWindow, afterAnswer int
	byKind                       map[string]int
	// calls are the paid calls announced; gone those whose replica had
	// exited (or was unknown) when its kill was due; late those seen only
	// after their kill moment had passed (the killer was busy killing).
	calls, gone, late int
	attributed        map[string]bool

	stop func()
	done chan struct{}
}

func startPaidCallKiller(t *testing.T, s *framework.Stack, ns, provider string, rng *rand.Rand, spread time.Duration) *paidCallKiller {
	ctx, cancel := context.WithCancel(context.Background())
	k := &paidCallKiller{t: t, s: s, ns: ns, provider: provider, rng: rng, spread: spread,
		byKind: map[string]int{}, attributed: map[string]bool{}, stop: cancel, done: make(chan struct{})}
	// Start after what was announced so far: other tests' calls.
	after := 0
	if events, err := s.PaidCalls(ctx, 0, 0); err == nil && len(events) > 0 {
		after = events[len(events)-1].Seq
	}
	go k.run(ctx, after)
	return k
}

// setQuota sets how many kills inside windows to land in all.
func (k *paidCallKiller) setQuota(n int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.quota = n
}

func (k *paidCallKiller) landed() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.inWindow
}

// finish stops the killer and waits for it.
func (k *paidCallKiller) finish() {
	k.stop()
	<-k.done
}

func (k *paidCallKiller) summary() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return fmt.Sprintf("paid calls %d, kills %d, inside paid-call windows %d %v (after the answer %d), replica gone before its kill %d, seen too late %d",
		k.calls, k.kills, k.inWindow, k.byKind, k.afterAnswer, k.gone, k.late)
}

func (k *paidCallKiller) run(ctx context.Context, after int) {
	defer close(k.done)
	answered := map[int]time.Time{}
	var pending []sandbox.PaidCallEvent
	for ctx.Err() == nil {
		events, err := k.s.PaidCalls(ctx, after, time.Second)
		if err != nil {
			continue
		}
		for _, e := range events {
			after = e.Seq
			if e.Provider != k.provider {
				continue
			}
			switch e.Phase {
			case sandbox.PhaseAnswered:
				answered[e.Call] = e.At
			case sandbox.PhaseArrived:
				pending = append(pending, e)
			}
		}
		// One kill at a time: calls that arrived meanwhile from the
		// killed replica find it gone.
		for len(pending) > 0 && ctx.Err() == nil {
			e := pending[0]
			pending = pending[1:]
			k.killFor(ctx, e, answered)
		}
	}
}

// killFor kills the replica that made paid call e, at a random moment
// after it arrived, while quota is left.
func (k *paidCallKiller) killFor(ctx context.Context, e sandbox.PaidCallEvent, answered map[int]time.Time) {
	k.mu.Lock()
	k.calls++
	full := k.inWindow >= k.quota
	k.mu.Unlock()
	if full {
		return
	}
	proc, pid, err := framework.CallerOf(e.Remote, k.s.Issuers)
	if err != nil {
		k.mu.Lock()
		k.gone++
		k.mu.Unlock()
		return
	}
	// A kill moment that passed while the killer was busy is now, unless
	// the whole spread has passed.
	at := e.At.Add(time.Duration(k.rng.Int64N(int64(k.spread))))
	if time.Now().After(e.At.Add(k.spread)) {
		k.mu.Lock()
		k.late++
		k.mu.Unlock()
		return
	}
	time.Sleep(time.Until(at))
	sent := time.Now()
	killed, err := proc.KillRun(pid)
	if err != nil {
		k.t.Errorf("SIGKILL %s: %v", proc.Name, err)
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !killed {
		k.gone++
		return
	}
	k.kills++
	inside := k.unsavedClaim(ctx)
	// The answer may be announced after the kill was sent: read what came.
	afterAnswer := false
	if at, ok := answered[e.Call]; ok && at.Before(sent) {
		afterAnswer = true
	} else if events, err := k.s.PaidCalls(ctx, e.Seq, 0); err == nil {
		for _, a := range events {
			afterAnswer = afterAnswer || a.Call == e.Call && a.Phase == sandbox.PhaseAnswered && a.At.Before(sent)
		}
	}
	k.t.Logf("kill %d: %s of %s %s after it arrived: inside its window %t, after the answer %t", k.kills, e.Kind, proc.Name, sent.Sub(e.At).Round(time.Millisecond), inside, afterAnswer)
	if !inside {
		return
	}
	k.inWindow++
	k.byKind[e.Kind]++
	if afterAnswer {
		k.afterAnswer++
	}
}

// unsavedClaim reports whether a ResellerOrder of the namespace holds a
// paid call's claim without its outcome that no earlier kill was
// attributed, and attributes it to this one.
func (k *paidCallKiller) unsavedClaim(ctx context.Context) bool {
	var list v1alpha1.ResellerOrderList
	if err := k.s.Control.Client.List(ctx, &list, client.InNamespace(k.ns)); err != nil {
		k.t.Errorf("listing ResellerOrders: %v", err)
		return false
	}
	found := false
	for _, o := range list.Items {
		c := o.Status.Claim
		if c == nil || c.Step == "" || c.At == nil {
			continue
		}
		key := fmt.Sprintf("%s/%s/%d/%d", o.Name, c.Step, c.At.Unix(), c.Attempt)
		if !k.attributed[key] {
			k.attributed[key], found = true, true
		}
	}
	return found
}
