package challenge

import (
	"context"
	"fmt"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// +kubebuilder:rbac:groups=reseller-issuer.dev,resources=resellerchallenges,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=reseller-issuer.dev,resources=resellerchallenges/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=reseller-issuer.dev,resources=resellerchallenges/finalizers,verbs=update
// +kubebuilder:rbac:groups=cert-manager.io,resources=certificaterequests/finalizers,verbs=update
// +kubebuilder:rbac:groups=certificates.k8s.io,resources=certificatesigningrequests/finalizers,verbs=update

// ReasonCleanUpFailed: what a deleted challenge published could not be
// removed and the controller gave up.
const ReasonCleanUpFailed = "CleanUpFailed"

// Remover takes down what a challenge's solver published.
type Remover interface {
	Remove(ctx context.Context, obj *v1alpha1.ResellerChallenge) error
}

// Reconciler removes what a deleted ResellerChallenge published before
// letting it go, and deletes challenges whose request is gone (the garbage
// collector does that too where it runs; this keeps DNS records from
// outliving their request either way).
type Reconciler struct {
	Client  client.Client
	Reader  client.Reader
	Remover Remover
	Events  events.EventRecorder
	Now     func() time.Time
	// GiveUpAfter is how long removal is retried after deletion before the
	// finalizer is dropped anyway, so a lost DNS server or Secret cannot
	// block the namespace's deletion forever.
	GiveUpAfter time.Duration
}

// SetupWithManager registers the reconciler; deleted requests enqueue their
// challenges.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	// A request that is deleted or has just finished (issued, failed or
	// denied) enqueues its challenges.
	over := builder.WithPredicates(predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		UpdateFunc:  func(e event.UpdateEvent) bool { return !finished(e.ObjectOld) && finished(e.ObjectNew) },
		GenericFunc: func(event.GenericEvent) bool { return false },
	})
	return ctrl.NewControllerManagedBy(mgr).
		Named("resellerchallenge").
		For(&v1alpha1.ResellerChallenge{}).
		Watches(&cmapi.CertificateRequest{}, handler.EnqueueRequestsFromMapFunc(r.challengesOf), over).
		Watches(&certificatesv1.CertificateSigningRequest{}, handler.EnqueueRequestsFromMapFunc(r.challengesOf), over).
		Complete(r)
}

// challengesOf lists the challenges of a request.
func (r *Reconciler) challengesOf(ctx context.Context, req client.Object) []reconcile.Request {
	list := &v1alpha1.ResellerChallengeList{}
	if err := r.Client.List(ctx, list, client.MatchingLabels{LabelRequestUID: string(req.GetUID())}); err != nil {
		return nil
	}
	out := make([]reconcile.Request, 0, len(list.Items))
	for _, c := range list.Items {
		out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: c.Namespace, Name: c.Name}})
	}
	return out
}

// Reconcile implements reconcile.Reconciler.
func (r *Reconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	obj := &v1alpha1.ResellerChallenge{}
	if err := r.Client.Get(ctx, req.NamespacedName, obj); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	if !obj.DeletionTimestamp.IsZero() {
		return reconcile.Result{}, r.finalize(ctx, obj)
	}
	over, err := r.requestOver(ctx, obj.Spec.RequestRef)
	if err != nil || !over {
		return reconcile.Result{}, err
	}
	if err := r.Client.Delete(ctx, obj); client.IgnoreNotFound(err) != nil {
		return reconcile.Result{}, fmt.Errorf("deleting challenge %s of a finished request: %w", req.NamespacedName, err)
	}
	return reconcile.Result{}, nil
}

// finalize removes what obj published, then its finalizer.
func (r *Reconciler) finalize(ctx context.Context, obj *v1alpha1.ResellerChallenge) error {
	if !controllerutil.ContainsFinalizer(obj, Finalizer) {
		return nil
	}
	if err := r.Remover.Remove(ctx, obj); err != nil {
		if r.Now().Sub(obj.DeletionTimestamp.Time) < r.GiveUpAfter {
			return err
		}
		if r.Events != nil {
			r.Events.Eventf(obj, nil, corev1.EventTypeWarning, ReasonCleanUpFailed, "CleanUp",
				"gave up removing what was published for %s after %s; remove it by hand: %s", obj.Spec.Target, r.GiveUpAfter, err.Error())
		}
	}
	base := obj.DeepCopy()
	controllerutil.RemoveFinalizer(obj, Finalizer)
	return client.IgnoreNotFound(r.Client.Patch(ctx, obj, client.MergeFrom(base)))
}

// requestOver reports whether the request a challenge belongs to no longer
// exists (or was replaced by one with the same name), or is issued or
// failed: the signer deletes the challenges then, this catches the case
// where it could not.
func (r *Reconciler) requestOver(ctx context.Context, ref v1alpha1.RequestReference) (bool, error) {
	var obj client.Object
	switch ref.Kind {
	case "CertificateRequest":
		obj = &cmapi.CertificateRequest{}
	case "CertificateSigningRequest":
		obj = &certificatesv1.CertificateSigningRequest{}
	default:
		return false, fmt.Errorf("challenge names a request of unknown kind %q", ref.Kind)
	}
	key := types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}
	cached, ok := obj.DeepCopyObject().(client.Object)
	if ok && r.Client.Get(ctx, key, cached) == nil && cached.GetUID() == ref.UID && !finished(cached) {
		// The cache shows it at work (every status write of a challenge
		// lands here): when it ends, its update or deletion enqueues the
		// challenge again.
		return false, nil
	}
	// A challenge is deleted only on a live read's word.
	err := r.Reader.Get(ctx, key, obj)
	switch {
	case apierrors.IsNotFound(err):
		return true, nil
	case err != nil:
		return false, err
	}
	return obj.GetUID() != ref.UID || finished(obj), nil
}

// finished reports whether a request is issued, failed or denied.
func finished(obj client.Object) bool {
	switch req := obj.(type) {
	case *cmapi.CertificateRequest:
		return len(req.Status.Certificate) > 0 || req.Status.FailureTime != nil
	case *certificatesv1.CertificateSigningRequest:
		if len(req.Status.Certificate) > 0 {
			return true
		}
		for _, c := range req.Status.Conditions {
			if (c.Type == certificatesv1.CertificateFailed || c.Type == certificatesv1.CertificateDenied) && c.Status == corev1.ConditionTrue {
				return true
			}
		}
	}
	return false
}
