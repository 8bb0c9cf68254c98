// Package order keeps a request's order state on the CertificateRequest (or
// Kubernetes CSR) itself, as one annotation, so it survives crashes and moves
// with the object. Every write carries the object's resourceVersion: two
// workers can never both believe they own the next paid call.
package order

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// StateAnnotation holds the JSON-encoded ca.State.
const StateAnnotation = "reseller-issuer.dev/order-state"

// Load reads the state stored on obj; nil when there is none.
func Load(obj client.Object) (*ca.State, error) {
	st, err := ca.DecodeState(obj.GetAnnotations()[StateAnnotation])
	if err != nil {
		return nil, fmt.Errorf("annotation %s: %w", StateAnnotation, err)
	}
	return st, nil
}

// Journal saves state onto one object with an optimistic lock. It must be
// given an object read live from the API server (not from a cache).
type Journal struct {
	Client client.Client
	Object client.Object
}

var _ ca.Journal = &Journal{}

// Save writes st. It fails with a conflict when the object changed since it
// was read or last saved; the caller must then give up this attempt.
func (j *Journal) Save(ctx context.Context, st *ca.State) error {
	data, err := st.Encode()
	if err != nil {
		return err
	}
	orig := j.Object.DeepCopyObject().(client.Object)
	ann := j.Object.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[StateAnnotation] = data
	j.Object.SetAnnotations(ann)
	patch := client.MergeFromWithOptions(orig, client.MergeFromWithOptimisticLock{})
	if err := j.Client.Patch(ctx, j.Object, patch); err != nil {
		j.Object = orig
		return fmt.Errorf("saving the order state: %w", err)
	}
	return nil
}
