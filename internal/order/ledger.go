package order

import (
	"context"
	"fmt"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// +kubebuilder:rbac:groups=reseller-issuer.dev,resources=resellerorders,verbs=get;list;watch;create
// +kubebuilder:rbac:groups=reseller-issuer.dev,resources=resellerorders/status,verbs=get;update

// Ledger reads and claims ResellerOrders. Its lists come from the
// informer cache, which may lag behind another worker's write: that is
// safe because nothing is bought on a listed copy alone. A new order is a
// create under a name derived from the key and the orders before it (a
// missed order collides: RaceError), every other claim and every paid
// call's intent is an update under the resourceVersion of the copy read
// (a stale copy conflicts), and a cancel re-reads its order live first.
type Ledger struct {
	// Client writes, and lists from the cache.
	Client client.Client
	// Reader reads live from the API server.
	Reader client.Reader
	Now    func() time.Time
}

// Orders lists the orders ever placed for k in namespace ns, oldest first,
// as the cache has them.
func (l *Ledger) Orders(ctx context.Context, ns string, k Key) ([]v1alpha1.ResellerOrder, error) {
	var list v1alpha1.ResellerOrderList
	if err := l.Client.List(ctx, &list, client.InNamespace(ns), client.MatchingLabels{v1alpha1.LabelOrderKey: k.Hash()}); err != nil {
		return nil, fmt.Errorf("reading the ResellerOrders for %v: %w", k.Names, err)
	}
	orders := list.Items
	slices.SortFunc(orders, func(a, b v1alpha1.ResellerOrder) int { return seqOf(a.Name) - seqOf(b.Name) })
	return orders, nil
}

// RaceError reports that another worker created the same order first.
type RaceError struct{ Name string }

func (e *RaceError) Error() string {
	return fmt.Sprintf("another worker claimed ResellerOrder %s first", e.Name)
}

// Claim creates order seq of k in ns, claimed by claim, labeled with the
// Certificate it serves (may be empty), starting with the names verified
// already (SSLCI verifications outlive an order). The create is the lock:
// when the name exists, another worker won and RaceError is returned. The
// claim rides in the order's metadata (v1alpha1.AnnotationClaim, and the
// creation time); the returned order carries its first status, which the
// journal writes with the order's first progress (Journal.Unwritten).
func (l *Ledger) Claim(ctx context.Context, ns string, k Key, seq int, claim v1alpha1.OrderClaim, certificate string, verified []v1alpha1.OrderName) (*v1alpha1.ResellerOrder, error) {
	raw, err := claimAnnotation(claim)
	if err != nil {
		return nil, fmt.Errorf("claiming ResellerOrder %s/%s: %w", ns, k.OrderName(seq), err)
	}
	o := &v1alpha1.ResellerOrder{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: ns, Name: k.OrderName(seq),
			Labels:      map[string]string{v1alpha1.LabelOrderKey: k.Hash()},
			Annotations: map[string]string{v1alpha1.AnnotationClaim: raw},
		},
		Spec: k.Spec(),
	}
	if certificate != "" {
		o.Labels[v1alpha1.LabelCertificate] = certificate
	}
	if err := l.Client.Create(ctx, o); err != nil {
		if apierrors.IsAlreadyExists(err) {
			return nil, &RaceError{Name: o.Name}
		}
		return nil, fmt.Errorf("claiming ResellerOrder %s/%s: %w", ns, o.Name, err)
	}
	now := metav1.NewTime(l.Now())
	o.Status = v1alpha1.OrderStatus{State: v1alpha1.OrderClaimed, Claim: &claim, Progress: &now, Names: verified}
	return o, nil
}

// TakeOver makes claim the claim of o, under o's resourceVersion: of two
// workers taking the same order over, one fails with a conflict. A paid
// call in flight (claim.Step) stays recorded, so the new claimant's
// recovery looks for its outcome.
func (l *Ledger) TakeOver(ctx context.Context, o *v1alpha1.ResellerOrder, claim v1alpha1.OrderClaim) (*v1alpha1.ResellerOrder, error) {
	next := o.DeepCopy()
	if prev := ClaimOf(o); prev != nil {
		claim.Step, claim.At, claim.Attempt, claim.StepKeyFingerprint = prev.Step, prev.At, prev.Attempt, prev.StepKeyFingerprint
	}
	next.Status.Claim = &claim
	next.Status.State = stateOf(&next.Status)
	if err := l.Client.Status().Update(ctx, next); err != nil {
		return nil, fmt.Errorf("taking ResellerOrder %s/%s over: %w", o.Namespace, o.Name, err)
	}
	return next, nil
}

// Reissue claims the issued order o for a free reissue by claim, under o's
// resourceVersion: of two requests, one reissues and the other waits. The
// certificate being replaced expires at replaces.
func (l *Ledger) Reissue(ctx context.Context, o *v1alpha1.ResellerOrder, claim v1alpha1.OrderClaim, replaces time.Time) (*v1alpha1.ResellerOrder, error) {
	next := o.DeepCopy()
	now := metav1.NewTime(l.Now())
	next.Status.Claim, next.Status.Progress = &claim, &now
	next.Status.Reissue = &v1alpha1.OrderReissue{Replaces: metav1.NewTime(replaces)}
	next.Status.State = v1alpha1.OrderReissuing
	if err := l.Client.Status().Update(ctx, next); err != nil {
		return nil, fmt.Errorf("claiming ResellerOrder %s/%s for a reissue: %w", o.Namespace, o.Name, err)
	}
	return next, nil
}

// Release records that no request works on the open order o any more, as
// the reseller left it: canceled (nothing more is owed: Canceled, or a
// stopped reissue: Issued again with the certificate it had) or not
// (Abandoned: still paid, and a later request for the same names continues
// it). why goes to lastMessage. The update is under o's resourceVersion.
func (l *Ledger) Release(ctx context.Context, o *v1alpha1.ResellerOrder, canceled bool, why string) error {
	next := o.DeepCopy()
	s := &next.Status
	now := metav1.NewTime(l.Now())
	s.Claim, s.Progress, s.LastMessage = nil, &now, truncate(why, 1024)
	switch {
	case canceled && s.Reissue != nil:
		s.Reissue = nil
		s.State = stateOf(s)
	case canceled:
		s.State = v1alpha1.OrderCanceled
	default:
		s.State = v1alpha1.OrderAbandoned
	}
	if err := l.Client.Status().Update(ctx, next); err != nil {
		return fmt.Errorf("releasing ResellerOrder %s/%s: %w", o.Namespace, o.Name, err)
	}
	return nil
}

// Certificate lists the orders in ns serving the cert-manager Certificate
// named certificate, oldest first, as the cache has them.
func (l *Ledger) Certificate(ctx context.Context, ns, certificate string) ([]v1alpha1.ResellerOrder, error) {
	var list v1alpha1.ResellerOrderList
	if err := l.Client.List(ctx, &list, client.InNamespace(ns), client.MatchingLabels{v1alpha1.LabelCertificate: certificate}); err != nil {
		return nil, fmt.Errorf("reading the ResellerOrders of Certificate %s/%s: %w", ns, certificate, err)
	}
	slices.SortFunc(list.Items, func(a, b v1alpha1.ResellerOrder) int { return a.CreationTimestamp.Compare(b.CreationTimestamp.Time) })
	return list.Items, nil
}

// Live re-reads o from the API server: what is done to an order found in
// a list (a cancel at the reseller) is decided on its live copy.
func (l *Ledger) Live(ctx context.Context, o *v1alpha1.ResellerOrder) (*v1alpha1.ResellerOrder, error) {
	fresh := &v1alpha1.ResellerOrder{}
	if err := l.Reader.Get(ctx, client.ObjectKeyFromObject(o), fresh); err != nil {
		return nil, fmt.Errorf("reading ResellerOrder %s/%s: %w", o.Namespace, o.Name, err)
	}
	return fresh, nil
}

// Verified returns the names verified on the newest order of orders that
// has any, with when: a reseller whose verifications outlive an order
// (SSLCI, 29 days) reuses the young ones for the next order.
func Verified(orders []v1alpha1.ResellerOrder) []v1alpha1.OrderName {
	for i := len(orders) - 1; i >= 0; i-- {
		var out []v1alpha1.OrderName
		for _, n := range orders[i].Status.Names {
			if n.Verified && n.VerifiedAt != nil {
				out = append(out, v1alpha1.OrderName{Name: n.Name, OrderID: n.OrderID, Verified: true, VerifiedAt: n.VerifiedAt})
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}
