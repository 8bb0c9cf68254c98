package order

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// +kubebuilder:rbac:groups=reseller-issuer.dev,resources=resellerorders,verbs=delete

// ReasonOrderDeleted is the Event of a ResellerOrder deleted after its
// retention.
const ReasonOrderDeleted = "OrderDeleted"

// spendWindow is how far back the spend guard counts orders placed: an
// order younger than that is never deleted, or it would free budget that
// was spent.
const spendWindow = 24 * time.Hour

// Retention deletes ResellerOrders that are over: final, with nothing in
// flight, their subscription and last certificate ended (End) longer ago
// than After. Orders that are open, abandoned (the order may still run at
// the reseller), or whose subscription or certificate still runs are
// kept. After 0 keeps every order.
type Retention struct {
	Client client.Client
	Events events.EventRecorder
	Now    func() time.Time
	After  time.Duration
}

// SetupWithManager registers the sweep for every ResellerOrder; nothing
// is registered when After is 0.
func (r *Retention) SetupWithManager(mgr ctrl.Manager) error {
	if r.After <= 0 {
		return nil
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("resellerorder-retention").
		For(&v1alpha1.ResellerOrder{}).
		Complete(r)
}

// Reconcile deletes the order when its retention is over, or comes back
// when it will be.
func (r *Retention) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	o := &v1alpha1.ResellerOrder{}
	if err := r.Client.Get(ctx, req.NamespacedName, o); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	at, ok := r.DeleteAt(o)
	if !ok {
		return reconcile.Result{}, nil // open or abandoned: a change of it comes back here
	}
	if wait := at.Sub(r.Now()); wait > 0 {
		return reconcile.Result{RequeueAfter: wait}, nil
	}
	// The order is deleted only as read: a write since (a renewal's claim)
	// makes the delete fail and the next reconcile decide again.
	rv := o.ResourceVersion
	if err := r.Client.Delete(ctx, o, client.Preconditions{UID: &o.UID, ResourceVersion: &rv}); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	end, _ := End(o)
	msg := fmt.Sprintf("deleted ResellerOrder %s (%s order %s, %s, for %v): over since %s, kept %s (--order-retention)",
		o.Name, o.Spec.Provider, orderIDOrNone(o), o.Status.State, o.Spec.DNSNames, end.UTC().Format(time.RFC3339), r.After)
	log.FromContext(ctx).Info("ResellerOrder deleted after its retention", "order", o.Name, "namespace", o.Namespace,
		"provider", o.Spec.Provider, "orderID", o.Status.OrderID, "state", o.Status.State, "over", end)
	if r.Events != nil {
		r.Events.Eventf(o, nil, corev1.EventTypeNormal, ReasonOrderDeleted, "Delete", "%s", msg)
	}
	return reconcile.Result{}, nil
}

// DeleteAt returns when o may be deleted: its End plus the retention, and
// never within the spend guard's day after its creation. ok is false while
// it must be kept whatever the time: it is open, abandoned or has no End.
func (r *Retention) DeleteAt(o *v1alpha1.ResellerOrder) (at time.Time, ok bool) {
	if r.After <= 0 || !final(o) {
		return time.Time{}, false
	}
	end, ok := End(o)
	if !ok {
		return time.Time{}, false
	}
	at = end.Add(r.After)
	if earliest := o.CreationTimestamp.Add(spendWindow); at.Before(earliest) {
		at = earliest
	}
	return at, true
}

// final reports whether nothing more happens to o: a final state and no
// paid call claimed. Issued counts: an issued order whose subscription
// and certificates ended is over. Abandoned does not: the order may still
// run at the reseller and be adopted.
func final(o *v1alpha1.ResellerOrder) bool {
	if c := ClaimOf(o); c != nil && c.Step != "" {
		return false
	}
	switch o.Status.State {
	case v1alpha1.OrderIssued, v1alpha1.OrderExpired, v1alpha1.OrderCanceled, v1alpha1.OrderFailed:
		return true
	}
	return false
}

// End returns when o's paid service ended: the later of its subscription's
// end and its last certificate's notAfter. An order with neither (one
// that failed or was canceled before a certificate) ended at its last
// progress, or its creation. ok is false for an issued order that records
// neither: nothing tells when it ends.
func End(o *v1alpha1.ResellerOrder) (end time.Time, ok bool) {
	s := &o.Status
	if s.SubscriptionEnd != nil {
		end = s.SubscriptionEnd.Time
	}
	for _, c := range s.Certificates {
		if c.NotAfter.After(end) {
			end = c.NotAfter.Time
		}
	}
	if !end.IsZero() {
		return end, true
	}
	if s.State == v1alpha1.OrderIssued {
		return time.Time{}, false
	}
	if s.Progress != nil {
		return s.Progress.Time, true
	}
	return o.CreationTimestamp.Time, true
}

func orderIDOrNone(o *v1alpha1.ResellerOrder) string {
	if o.Status.OrderID == "" {
		return "(none)"
	}
	return o.Status.OrderID
}
