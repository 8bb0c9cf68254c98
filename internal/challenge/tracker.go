// Package challenge keeps one ResellerChallenge per open domain control
// validation challenge of a request that a person or a solver publishes
// (DNS records, an Ingress or HTTPRoute, manual and email challenges), so
// `kubectl get resellerchallenges` shows what is being validated, by whom,
// and what went wrong; and removes what a challenge's solver published
// once the challenge is gone. Challenges of the built-in HTTP responder
// live on their ResellerOrder only.
package challenge

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv"
)

// Event reasons on the request.
const (
	// ReasonManualChallenge: a person must publish a challenge.
	ReasonManualChallenge = "ManualChallenge"
	// ReasonApprovalEmail: a person must approve the reseller's email.
	ReasonApprovalEmail = "ApprovalEmail"
	// ReasonChallengeError: publishing a challenge failed.
	ReasonChallengeError = "ChallengeError"
)

// Tracker is the ca.Publisher of one request. Before a challenge is
// published it records it as a ResellerChallenge owned by the request (so a
// crash never leaves a record nobody knows about); it publishes through the
// Router, plus an Ingress or HTTPRoute for an http01 solver that asks for
// one; and it writes what it learns into the challenge's status. Finish
// deletes the challenges that are no longer open; their finalizer removes
// what was published.
type Tracker struct {
	// Client writes challenges and reads them from the cache; Reader reads
	// them live.
	Client client.Client
	Reader client.Reader
	// Router chooses each challenge's solver and publishes through it.
	Router *dcv.Router
	// Routes creates an http01 solver's Ingress or HTTPRoute; nil: none.
	Routes Routes
	// Events are recorded on Request.
	Events events.EventRecorder
	// Request is the live CertificateRequest or CertificateSigningRequest.
	Request client.Object
	// Issuer is the issuer whose solvers publish.
	Issuer v1alpha1.IssuerReference
	// Namespace holds the request's challenges: the request's own, or the
	// cluster resource namespace for a cluster-scoped request.
	Namespace string
	Now       func() time.Time

	mu   sync.Mutex
	seen map[string]*v1alpha1.ResellerChallenge
	// asks are what a person must do, learned in this call.
	asks []string
}

var _ ca.Publisher = (*Tracker)(nil)

// Method tells how the solver the Issuer selects for name publishes; the
// zero Method when none is selected (the provider block's method applies).
func (t *Tracker) Method(name string) ca.Method {
	s, ok := t.Router.Selected(name)
	switch {
	case !ok:
		return ca.Method{}
	case s.HTTP01 != nil:
		return ca.Method{Type: ca.HTTP01}
	case s.DNS01 != nil:
		return ca.Method{Type: ca.DNS01}
	case s.Email != nil:
		m := ca.Method{Type: ca.Email}
		if len(s.Email.Approvers) > 0 {
			m.Approver = string(s.Email.Approvers[0])
		}
		return m
	}
	return ca.Method{}
}

// Present records ch, publishes it and records whether it is visible. A
// challenge the built-in responder serves is not recorded: the
// ResellerOrder holds it (every replica's responder serves it from there,
// and `kubectl get resellerorders` shows it) and nothing outside the
// controller is published that would need cleaning up.
func (t *Tracker) Present(ctx context.Context, ch ca.Challenge) error {
	if t.builtIn(ch) {
		return t.Router.Present(ctx, ch)
	}
	obj, err := t.ensure(ctx, ch)
	if err != nil {
		return fmt.Errorf("recording the challenge for %s: %w", ch.Name, err)
	}
	// A DNS record is written once, as cert-manager's Challenges are
	// presented once: cloud DNS APIs are slow and rate-limited, and the
	// record stays until the challenge is removed.
	if !published(obj) {
		err = t.Router.Present(ctx, ch)
		if err == nil {
			err = t.presentRoutes(ctx, obj)
		}
		if err != nil {
			t.record(ctx, obj, false, err)
			return err
		}
	}
	ready, err := t.Router.Ready(ctx, ch)
	t.record(ctx, obj, ready, err)
	return nil
}

// builtIn reports whether ch goes to the built-in HTTP responder alone:
// an HTTP-01 challenge with no solver configured, or whose selected http01
// solver asks for no Ingress or HTTPRoute.
func (t *Tracker) builtIn(ch ca.Challenge) bool {
	if ch.Type != ca.HTTP01 {
		return false
	}
	if len(t.Router.Solvers) == 0 {
		return true
	}
	s, ok := t.Router.Selected(ch.Name)
	return ok && s.HTTP01 != nil && s.HTTP01.Ingress == nil && s.HTTP01.GatewayHTTPRoute == nil
}

// published reports whether obj's DNS record was written already.
func published(obj *v1alpha1.ResellerChallenge) bool {
	if obj.Spec.Solver != v1alpha1.SolverDNS01 {
		return false
	}
	return obj.Status.State == v1alpha1.ChallengePropagating || obj.Status.State == v1alpha1.ChallengePresented
}

// Ready asks the Router whether ch is visible and records the answer. A
// record still propagating is not an error to the flow: it waits.
func (t *Tracker) Ready(ctx context.Context, ch ca.Challenge) (bool, error) {
	ready, err := t.Router.Ready(ctx, ch)
	t.mu.Lock()
	obj := t.seen[t.name(ch)]
	t.mu.Unlock()
	if obj != nil {
		t.record(ctx, obj, ready, err)
	}
	var notVisible *dcv.NotVisibleError
	if errors.As(err, &notVisible) {
		return false, nil
	}
	return ready, err
}

func (t *Tracker) presentRoutes(ctx context.Context, obj *v1alpha1.ResellerChallenge) error {
	pub := obj.Spec.Publisher
	if t.Routes == nil || pub == nil || pub.HTTP01 == nil || obj.Spec.HTTP01 == nil {
		return nil
	}
	if pub.HTTP01.Ingress == nil && pub.HTTP01.GatewayHTTPRoute == nil {
		return nil
	}
	return t.Routes.Present(ctx, obj, pub.HTTP01)
}

func (t *Tracker) name(ch ca.Challenge) string {
	return ObjectName(t.Request.GetName(), t.Request.GetUID(), ch)
}

// ensure returns the ResellerChallenge of ch, creating it when missing.
func (t *Tracker) ensure(ctx context.Context, ch ca.Challenge) (*v1alpha1.ResellerChallenge, error) {
	name := t.name(ch)
	t.mu.Lock()
	obj := t.seen[name]
	t.mu.Unlock()
	if obj != nil {
		return obj, nil
	}
	obj = &v1alpha1.ResellerChallenge{}
	key := types.NamespacedName{Namespace: t.Namespace, Name: name}
	// The cache answers for challenges that exist a while; one created a
	// moment ago shows up as AlreadyExists and is then read live.
	err := t.Client.Get(ctx, key, obj)
	if apierrors.IsNotFound(err) {
		obj, err = t.create(ctx, name, ch)
		if apierrors.IsAlreadyExists(err) {
			obj = &v1alpha1.ResellerChallenge{}
			err = t.Reader.Get(ctx, key, obj)
		}
	}
	if err != nil {
		return nil, err
	}
	if !obj.DeletionTimestamp.IsZero() {
		return nil, fmt.Errorf("ResellerChallenge %s is being deleted; retrying", key)
	}
	t.mu.Lock()
	if t.seen == nil {
		t.seen = map[string]*v1alpha1.ResellerChallenge{}
	}
	t.seen[name] = obj
	t.mu.Unlock()
	return obj, nil
}

func (t *Tracker) create(ctx context.Context, name string, ch ca.Challenge) (*v1alpha1.ResellerChallenge, error) {
	obj := &v1alpha1.ResellerChallenge{
		ObjectMeta: metav1.ObjectMeta{
			Name:      name,
			Namespace: t.Namespace,
			Labels: map[string]string{
				LabelRequestUID:  string(t.Request.GetUID()),
				LabelRequestName: label(t.Request.GetName()),
			},
		},
		Spec: t.spec(ch),
	}
	if needsCleanUp(obj.Spec) {
		obj.Finalizers = []string{Finalizer}
	}
	if err := controllerutil.SetOwnerReference(t.Request, obj, t.Client.Scheme()); err != nil {
		return nil, err
	}
	if err := t.Client.Create(ctx, obj); err != nil {
		return nil, err
	}
	return obj, nil
}

// needsCleanUp reports whether a challenge publishes something outside the
// controller (a DNS record, an Ingress or HTTPRoute) that Reconciler must
// remove before the challenge goes: only those carry the finalizer. What
// the built-in responder serves goes with the challenge itself.
func needsCleanUp(spec v1alpha1.ChallengeSpec) bool {
	pub := spec.Publisher
	switch {
	case pub == nil:
		return false
	case pub.DNS01 != nil && spec.DNS01 != nil:
		return true
	case pub.HTTP01 != nil:
		return pub.HTTP01.Ingress != nil || pub.HTTP01.GatewayHTTPRoute != nil
	}
	return false
}

func (t *Tracker) spec(ch ca.Challenge) v1alpha1.ChallengeSpec {
	gvk, _ := t.Client.GroupVersionKindFor(t.Request)
	spec := v1alpha1.ChallengeSpec{
		RequestRef: v1alpha1.RequestReference{
			Group: gvk.Group, Kind: gvk.Kind, Name: t.Request.GetName(),
			Namespace: t.Request.GetNamespace(), UID: t.Request.GetUID(),
		},
		IssuerRef: t.Issuer,
		DNSName:   ch.Name,
		Solver:    v1alpha1.SolverManual,
	}
	sol, selected := t.Router.Selected(ch.Name)
	kind := ""
	if selected {
		kind = dcv.SolverKind(sol)
	}
	switch ch.Type {
	case ca.HTTP01:
		url := "http://" + ch.Name + ch.Path
		spec.Method, spec.Target = v1alpha1.MethodHTTP01, url
		spec.HTTP01 = &v1alpha1.HTTP01Challenge{URL: url, Path: ch.Path, Content: ch.Content}
		// The built-in responder answers when no solver is configured.
		if kind == v1alpha1.SolverHTTP01 || len(t.Router.Solvers) == 0 {
			spec.Solver = v1alpha1.SolverHTTP01
		}
	case ca.DNS01:
		spec.Method, spec.Target = v1alpha1.MethodDNS01, ch.Record+" "+ch.RecordType+" "+ch.Content
		spec.DNS01 = &v1alpha1.DNS01Challenge{Record: ch.Record, Type: ch.RecordType, Value: ch.Content}
		if kind == v1alpha1.SolverDNS01 {
			spec.Solver = v1alpha1.SolverDNS01
		}
	case ca.Email:
		spec.Method, spec.Solver = v1alpha1.MethodEmail, v1alpha1.SolverEmail
		spec.Email = splitAddresses(ch.Content)
		spec.Target = "mail to " + strings.Join(spec.Email, ", ")
	}
	if selected && spec.Solver == kind && kind != v1alpha1.SolverEmail {
		spec.Publisher = sol.DeepCopy()
	}
	return spec
}

func splitAddresses(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// record writes what Present or Ready learned into obj's status, and tells
// a person by an Event when they must act.
func (t *Tracker) record(ctx context.Context, obj *v1alpha1.ResellerChallenge, ready bool, err error) {
	next := v1alpha1.ChallengeStatus{LastError: obj.Status.LastError}
	var (
		manual     *dcv.ManualError
		notVisible *dcv.NotVisibleError
	)
	switch {
	case errors.As(err, &notVisible):
		next.State, next.Message = v1alpha1.ChallengePropagating, notVisible.Error()
	case errors.As(err, &manual):
		next.State, next.Message = v1alpha1.ChallengeWaitingForPerson, manual.Error()
		t.mu.Lock()
		if !slices.Contains(t.asks, next.Message) {
			t.asks = append(t.asks, next.Message)
		}
		t.mu.Unlock()
	case err != nil:
		next.State, next.LastError = v1alpha1.ChallengeErrored, ca.CleanText(err.Error())
		next.Message = "publishing failed; retrying"
	case !ready:
		next.State, next.Message = v1alpha1.ChallengePropagating, "published; waiting until it can be seen from outside"
	default:
		next.State, next.Message = v1alpha1.ChallengePresented, "published; waiting for the reseller to check it"
	}
	if next.State == obj.Status.State && next.Message == obj.Status.Message && next.LastError == obj.Status.LastError {
		return
	}
	if t.Events != nil && next.State != obj.Status.State {
		switch {
		case manual != nil && obj.Spec.Method == v1alpha1.MethodEmail:
			t.Events.Eventf(t.Request, obj, corev1.EventTypeNormal, ReasonApprovalEmail, "Validate", "%s", next.Message)
		case manual != nil:
			t.Events.Eventf(t.Request, obj, corev1.EventTypeWarning, ReasonManualChallenge, "Validate", "%s (%s)", next.Message, manual.Reason)
		case next.State == v1alpha1.ChallengeErrored:
			t.Events.Eventf(t.Request, obj, corev1.EventTypeWarning, ReasonChallengeError, "Validate", "%s: %s", obj.Spec.DNSName, next.LastError)
		}
	}
	t.writeStatus(ctx, obj, next)
}

// Instructions lists what a person must publish or approve, as learned by
// Present and Ready in this call.
func (t *Tracker) Instructions() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.asks)
}

// writeStatus patches obj's status; the status only informs, so a failure
// is logged and otherwise ignored.
func (t *Tracker) writeStatus(ctx context.Context, obj *v1alpha1.ResellerChallenge, next v1alpha1.ChallengeStatus) {
	base := obj.DeepCopy()
	if next.State != obj.Status.State || obj.Status.LastTransitionTime == nil {
		now := metav1.NewTime(t.Now())
		next.LastTransitionTime = &now
	} else {
		next.LastTransitionTime = obj.Status.LastTransitionTime
	}
	obj.Status = next
	if err := t.Client.Status().Patch(ctx, obj, client.MergeFrom(base)); err != nil {
		logr.FromContextOrDiscard(ctx).V(1).Info("could not update the challenge status", "challenge", obj.Name, "error", err.Error())
	}
}

// Finish deletes the request's challenges that are no longer open (all of
// them once the request is done: issued or failed for good) and copies the
// reseller's last word on each open name into its challenge.
//
// The challenges are listed from the cache, with those this Sign created or
// read: one the cache does not show yet stays until the next Sign, or until
// the request ends, when Reconciler deletes what is left.
func (t *Tracker) Finish(ctx context.Context, st *ca.State, done bool) error {
	list := &v1alpha1.ResellerChallengeList{}
	if err := t.Client.List(ctx, list, client.InNamespace(t.Namespace), client.MatchingLabels{LabelRequestUID: string(t.Request.GetUID())}); err != nil {
		return fmt.Errorf("listing the challenges of %s: %w", t.Request.GetName(), err)
	}
	t.mu.Lock()
	for name, obj := range t.seen {
		if !slices.ContainsFunc(list.Items, func(c v1alpha1.ResellerChallenge) bool { return c.Name == name }) {
			list.Items = append(list.Items, *obj)
		}
	}
	t.mu.Unlock()
	open := map[string]ca.NameState{}
	if !done {
		for _, n := range st.Names {
			if n.Challenge != nil && !n.Verified {
				open[t.name(*n.Challenge)] = n
			}
		}
	}
	var errs []error
	for i := range list.Items {
		obj := &list.Items[i]
		n, ok := open[obj.Name]
		if !ok {
			if !obj.DeletionTimestamp.IsZero() {
				continue // being deleted already
			}
			if err := t.Client.Delete(ctx, obj); client.IgnoreNotFound(err) != nil {
				errs = append(errs, fmt.Errorf("deleting challenge %s: %w", obj.Name, err))
			}
			continue
		}
		if n.LastError != "" && n.LastError != obj.Status.LastError {
			t.mu.Lock()
			if seen := t.seen[obj.Name]; seen != nil {
				obj = seen
			}
			t.mu.Unlock()
			next := obj.Status
			next.LastError = n.LastError
			t.writeStatus(ctx, obj, next)
		}
	}
	return errors.Join(errs...)
}
