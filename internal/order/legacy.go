// Package order is the ledger of paid orders: each order placed at a
// reseller is a ResellerOrder, found by what it bought (Key), claimed by
// creating it, and updated under its resourceVersion (Journal); Decide says
// what a request does about money.
package order

import (
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// StateAnnotation held the JSON-encoded ca.State on the request before the
// ledger; a request found with it has its state moved to its ResellerOrder.
const StateAnnotation = "reseller-issuer.dev/order-state"

// Load reads the state an older version stored on obj; nil when there is
// none.
func Load(obj client.Object) (*ca.State, error) {
	st, err := ca.DecodeState(obj.GetAnnotations()[StateAnnotation])
	if err != nil {
		return nil, fmt.Errorf("annotation %s: %w", StateAnnotation, err)
	}
	return st, nil
}
