package main

import (
	"context"
	"fmt"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// census counts the phase's Certificates by state.
type census struct{ ready, issuing, failed int }

// certWatch holds the phase's Certificates from a watch (an informer on
// the phase's namespace): the bench counts them once a second while it
// waits, and a list of 200 Certificates a second cost kube-apiserver ~9% of
// its CPU, paid longer by a longer phase.
type certWatch struct {
	cache  cache.Cache
	cancel context.CancelFunc
	done   chan struct{}
}

// watchCertificates starts the informer on ns and waits for its first list.
func watchCertificates(ctx context.Context, stack *framework.Stack, ns string) (*certWatch, error) {
	c, err := cache.New(stack.Control.Config, cache.Options{
		Scheme:            stack.Control.Client.Scheme(),
		DefaultNamespaces: map[string]cache.Config{ns: {}},
	})
	if err != nil {
		return nil, err
	}
	// Asking for the informer makes it; the cache starts it.
	if _, err := c.GetInformer(ctx, &cmapi.Certificate{}); err != nil {
		return nil, err
	}
	w := &certWatch{cache: c, done: make(chan struct{})}
	ctx, w.cancel = context.WithCancel(ctx)
	go func() {
		defer close(w.done)
		_ = c.Start(ctx) // returns when ctx ends
	}()
	if !c.WaitForCacheSync(ctx) {
		w.stop()
		return nil, fmt.Errorf("the watch of Certificates in %s did not sync", ns)
	}
	return w, nil
}

func (w *certWatch) stop() {
	w.cancel()
	<-w.done
}

func (w *certWatch) census(ctx context.Context) (census, error) {
	var list cmapi.CertificateList
	if err := w.cache.List(ctx, &list); err != nil {
		return census{}, err
	}
	var out census
	for _, cert := range list.Items {
		for _, cond := range cert.Status.Conditions {
			switch {
			case cond.Type == cmapi.CertificateConditionReady && cond.Status == cmmeta.ConditionTrue:
				out.ready++
			case cond.Type == cmapi.CertificateConditionIssuing && cond.Status == cmmeta.ConditionTrue:
				out.issuing++
			}
		}
		if cert.Status.LastFailureTime != nil {
			out.failed++
		}
	}
	return out, nil
}

func (b *bench) waitReady(ctx context.Context, p *phaseRun, w *certWatch) error {
	var last census
	err := framework.Eventually(ctx, b.o.timeout, time.Second, func() (bool, error) {
		c, err := w.census(ctx)
		if err == nil {
			last = c
		}
		return err == nil && c.ready == p.n, nil
	}, func(elapsed time.Duration) {
		if elapsed%(10*time.Second) == 0 {
			b.say("phase %s run %d: %d of %d Ready, %d failed (%s)", p.phase, p.run, last.ready, p.n, last.failed, elapsed)
		}
	})
	if err != nil {
		return fmt.Errorf("%d of %d Certificates Ready, %d failed: %w", last.ready, p.n, last.failed, err)
	}
	return nil
}

// settle waits until every Certificate of the phase has stayed Ready for
// o.settle in a row: a second request for a Certificate issued moments ago
// (issue 10) shows up, and is paid for or held, within this time. It
// returns how many Certificates are still issuing then (held requests).
func (b *bench) settle(ctx context.Context, p *phaseRun, w *certWatch) (int, error) {
	quietSince := time.Now()
	var last census
	err := framework.Eventually(ctx, b.o.timeout, time.Second, func() (bool, error) {
		c, err := w.census(ctx)
		if quiet := err == nil && c.ready == p.n; !quiet {
			quietSince = time.Now()
		}
		last = c
		return err == nil && c.ready == p.n && time.Since(quietSince) >= b.o.settle, nil
	}, nil)
	return last.issuing, err
}
