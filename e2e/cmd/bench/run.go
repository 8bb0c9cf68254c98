package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

type bench struct {
	stack *framework.Stack
	o     *options
	say   func(string, ...any)
}

// runPhase issues n Certificates through one phase's issuer, all created at
// once, and measures it.
func (b *bench) runPhase(ctx context.Context, phase string, run int) (*result, error) {
	c := b.stack.Control.Client
	p := &phaseRun{phase: phase, run: run, ns: fmt.Sprintf("bench-%s-%d", phase, run), n: b.o.n}
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: p.ns}}); err != nil {
		return nil, err
	}
	ref, err := b.setupIssuer(ctx, phase, p.ns, run)
	if err != nil {
		return nil, err
	}
	// The watch is open before the probes measure the idle rates.
	w, err := watchCertificates(ctx, b.stack, p.ns)
	if err != nil {
		return nil, err
	}
	defer w.stop()
	probes := b.probes()
	for _, pr := range probes {
		if err := pr.start(ctx, p); err != nil {
			return nil, err
		}
	}
	b.say("phase %s run %d: creating %d Certificates", phase, run, p.n)
	start := time.Now()
	if err := b.createCertificates(ctx, p, ref); err != nil {
		return nil, err
	}
	if err := b.waitReady(ctx, p, w); err != nil {
		return nil, err
	}
	r := &result{phase: phase, run: run, certificates: p.n, seconds: time.Since(start).Seconds()}
	for _, pr := range probes {
		if rd, ok := pr.(readier); ok {
			if err := rd.ready(ctx, p); err != nil {
				return nil, err
			}
		}
	}
	b.say("phase %s run %d: all %d Ready after %.1f s; settling", phase, run, p.n, r.seconds)
	issuing, err := b.settle(ctx, p, w)
	if err != nil {
		return nil, err
	}
	r.set("issuing at end", fmt.Sprint(issuing))
	for _, pr := range probes {
		if err := pr.stop(ctx, p, r); err != nil {
			return nil, err
		}
	}
	w.stop()
	return r, b.clearPhase(ctx, p)
}

// createCertificates creates the phase's Certificates, o.parallel at a time.
func (b *bench) createCertificates(ctx context.Context, p *phaseRun, ref cmmeta.IssuerReference) error {
	names := make(chan int)
	errs := make(chan error, b.o.parallel)
	var wg sync.WaitGroup
	for range b.o.parallel {
		wg.Go(func() {
			for i := range names {
				name := fmt.Sprintf("c%04d", i)
				host := fmt.Sprintf("%s.%s.bench.example.com", name, p.phase)
				cert := &cmapi.Certificate{
					ObjectMeta: metav1.ObjectMeta{Namespace: p.ns, Name: name},
					Spec: cmapi.CertificateSpec{
						SecretName: name + "-tls",
						CommonName: host,
						DNSNames:   []string{host},
						IssuerRef:  ref,
						PrivateKey: &cmapi.CertificatePrivateKey{Algorithm: cmapi.RSAKeyAlgorithm, Size: 2048},
					},
				}
				if err := b.stack.Control.Client.Create(ctx, cert); err != nil {
					errs <- fmt.Errorf("creating Certificate %s/%s: %w", p.ns, name, err)
					return
				}
			}
		})
	}
	var err error
feed:
	for i := range p.n {
		select {
		case names <- i:
		case err = <-errs:
			break feed
		}
	}
	close(names)
	wg.Wait()
	close(errs)
	return errors.Join(err, <-errs)
}
