package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// A probe measures something around one phase: start is called before the
// first Certificate is created, stop after the phase settled; stop adds its
// columns to the result. Add a probe to add a figure.
type probe interface {
	start(ctx context.Context, p *phaseRun) error
	stop(ctx context.Context, p *phaseRun, r *result) error
}

// phaseRun is what a probe knows of the phase it measures.
type phaseRun struct {
	phase string // "ca" or a provider
	run   int
	ns    string
	n     int
}

// probes returns the probes of one phase.
func (b *bench) probes() []probe {
	return []probe{&requestCounter{stack: b.stack}, &orderCounter{stack: b.stack}, &callCounter{stack: b.stack}, &resources{stack: b.stack}, &costs{stack: b.stack}}
}

// requestCounter counts the CertificateRequests created in the phase's
// namespace by watching them: cert-manager garbage-collects old revisions,
// so a list at the end would miss second requests.
type requestCounter struct {
	stack *framework.Stack

	mu     sync.Mutex
	names  map[string]string // request -> owning Certificate
	cancel context.CancelFunc
	done   chan struct{}
}

func (c *requestCounter) start(ctx context.Context, p *phaseRun) error {
	wc, err := client.NewWithWatch(c.stack.Control.Config, client.Options{Scheme: c.stack.Control.Client.Scheme()})
	if err != nil {
		return err
	}
	watchRequests := func(ctx context.Context) (watch.Interface, error) {
		return wc.Watch(ctx, &cmapi.CertificateRequestList{}, client.InNamespace(p.ns))
	}
	// The first watch is open before anything is created.
	w, err := watchRequests(ctx)
	if err != nil {
		return err
	}
	c.names = map[string]string{}
	c.done = make(chan struct{})
	ctx, c.cancel = context.WithCancel(ctx)
	go func() {
		defer close(c.done)
		for {
			c.drain(ctx, w)
			if ctx.Err() != nil {
				return
			}
			// The server ended the watch: a new one lists what exists
			// again (as ADDED), so only a request created and deleted in
			// between could be missed.
			for w, err = watchRequests(ctx); err != nil && ctx.Err() == nil; w, err = watchRequests(ctx) {
				time.Sleep(time.Second)
			}
			if ctx.Err() != nil {
				return
			}
		}
	}()
	return nil
}

// drain records the requests w announces until it ends or ctx does.
func (c *requestCounter) drain(ctx context.Context, w watch.Interface) {
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.ResultChan():
			if !ok {
				return
			}
			cr, isCR := ev.Object.(*cmapi.CertificateRequest)
			if ev.Type != watch.Added || !isCR {
				continue
			}
			c.mu.Lock()
			c.names[cr.Name] = cr.Annotations[cmapi.CertificateNameKey]
			c.mu.Unlock()
		}
	}
}

func (c *requestCounter) stop(_ context.Context, p *phaseRun, r *result) error {
	c.cancel()
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	perCert := map[string]int{}
	for _, cert := range c.names {
		perCert[cert]++
	}
	second := 0
	for _, n := range perCert {
		if n > 1 {
			second++
		}
	}
	r.requests = len(c.names)
	r.set("requests/cert", fmt.Sprintf("%.3f", float64(len(c.names))/float64(p.n)))
	r.set("certs with 2+ requests", fmt.Sprint(second))
	return nil
}

// orderCounter reads what the phase's sandbox account paid for.
type orderCounter struct{ stack *framework.Stack }

func (c *orderCounter) start(context.Context, *phaseRun) error { return nil }

func (c *orderCounter) stop(ctx context.Context, p *phaseRun, r *result) error {
	if p.phase == phaseCA {
		r.set("orders", "-")
		r.set("reissues", "-")
		return nil
	}
	stats, err := c.stack.SandboxStats(ctx)
	if err != nil {
		return err
	}
	orders, reissues := framework.BillableOrders(stats, p.phase, account(p.phase, p.run))
	r.orders = &orders
	r.set("orders", fmt.Sprint(orders))
	r.set("reissues", fmt.Sprint(reissues))
	return nil
}
