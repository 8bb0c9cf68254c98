package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// The kinds a phase leaves in its namespace, in the order they are
// deleted: the Certificates first, so that cert-manager does not issue
// again for a Secret or request that goes.
var (
	phaseOwners = []schema.GroupVersionKind{
		{Group: "cert-manager.io", Version: "v1", Kind: "Certificate"},
	}
	phaseObjects = []schema.GroupVersionKind{
		{Group: "cert-manager.io", Version: "v1", Kind: "CertificateRequest"},
		v1alpha1.GroupVersion.WithKind("ResellerOrder"),
		v1alpha1.GroupVersion.WithKind("ResellerChallenge"),
		v1alpha1.GroupVersion.WithKind("ResellerIssuer"),
		{Group: "cert-manager.io", Version: "v1", Kind: "Issuer"},
		{Version: "v1", Kind: "Secret"},
		{Version: "v1", Kind: "Event"},
	}
)

// clearPhase deletes what a phase made in its namespace and waits until it
// is gone, so that every phase starts from the same cluster: without it,
// each phase met the objects of every phase before it (600 more
// Certificates, requests, Secrets and orders for the last reseller of a
// run than for the CA phase that starts it), in kube-apiserver's and the
// controllers' caches and lists. The stack has no garbage collector (no
// kube-controller-manager): nothing goes with its owner, and a namespace
// is never finished deleting, so the objects are deleted kind by kind and
// the empty namespace stays.
func (b *bench) clearPhase(ctx context.Context, p *phaseRun) error {
	start := time.Now()
	for _, kinds := range [][]schema.GroupVersionKind{phaseOwners, phaseObjects} {
		for _, gvk := range kinds {
			if err := b.stack.Control.Client.DeleteAllOf(ctx, partial(gvk), client.InNamespace(p.ns)); err != nil {
				return fmt.Errorf("deleting the %ss of %s: %w", gvk.Kind, p.ns, err)
			}
		}
		var left []string
		err := framework.Eventually(ctx, 2*time.Minute, 250*time.Millisecond, func() (bool, error) {
			left = nil
			for _, gvk := range kinds {
				list := &metav1.PartialObjectMetadataList{}
				list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
				if err := b.stack.Control.Client.List(ctx, list, client.InNamespace(p.ns)); err != nil {
					// The API server may be busy: look again, and say
					// why if the time runs out.
					left = append(left, fmt.Sprintf("%s not listed (%v)", gvk.Kind, err))
					continue
				}
				if n := len(list.Items); n > 0 {
					left = append(left, fmt.Sprintf("%d %s", n, gvk.Kind))
				}
			}
			return len(left) == 0, nil
		}, nil)
		if err != nil {
			return fmt.Errorf("clearing %s: %s left: %w", p.ns, strings.Join(left, ", "), err)
		}
	}
	b.say("phase %s run %d: its objects deleted in %.1f s", p.phase, p.run, time.Since(start).Seconds())
	return nil
}

// partial is an object of kind gvk that DeleteAllOf can name.
func partial(gvk schema.GroupVersionKind) *metav1.PartialObjectMetadata {
	obj := &metav1.PartialObjectMetadata{}
	obj.SetGroupVersionKind(gvk)
	return obj
}
