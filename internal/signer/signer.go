// Package signer implements issuer-lib's Check and Sign: it reads the Issuer's
// credentials, picks the reseller flow from the spec, and runs the flow
// against the order state kept on the request.
package signer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	"github.com/cert-manager/issuer-lib/controllers/signer"
	"github.com/go-logr/logr"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/challenge"
	"github.com/reseller-issuer/reseller-issuer/internal/metrics"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

// +kubebuilder:rbac:groups=reseller-issuer.dev,resources=resellerissuers;resellerclusterissuers,verbs=get;list;watch
// +kubebuilder:rbac:groups=reseller-issuer.dev,resources=resellerissuers/status;resellerclusterissuers/status,verbs=patch
// +kubebuilder:rbac:groups=cert-manager.io,resources=certificaterequests,verbs=get;list;watch
// +kubebuilder:rbac:groups=cert-manager.io,resources=certificaterequests/status,verbs=patch
// +kubebuilder:rbac:groups=certificates.k8s.io,resources=certificatesigningrequests,verbs=get;list;watch
// +kubebuilder:rbac:groups=certificates.k8s.io,resources=certificatesigningrequests/status,verbs=patch
// +kubebuilder:rbac:groups=certificates.k8s.io,resources=signers,verbs=sign,resourceNames=resellerissuers.reseller-issuer.dev/*;resellerclusterissuers.reseller-issuer.dev/*
// +kubebuilder:rbac:groups="",resources=secrets;configmaps,verbs=get
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// ReasonEmailResent: the reseller was asked to mail the approvers again.
const ReasonEmailResent = "EmailResent"

// Signer holds what Check and Sign need; everything is injected.
type Signer struct {
	// Client is the manager's client (writes, cached reads).
	Client client.Client
	// APIReader reads live from the API server: order state and Secrets.
	APIReader client.Reader
	// ClusterResourceNamespace holds the Secrets of ResellerClusterIssuers.
	ClusterResourceNamespace string
	// Build makes the reseller client for an Issuer.
	Build ProviderBuilder
	// Now is the clock.
	Now func() time.Time
	// Events receives spend-guard events on the request.
	Events events.EventRecorder
	// HTTP is the built-in HTTP responder.
	HTTP ca.Presenter
	// Publishers builds the DNS and http01 routing publishers of solvers.
	Publishers *challenge.Publishers
	// MaxRetryDuration fails a request that made no progress for that long
	// and has nothing paid; 0 never does.
	MaxRetryDuration time.Duration
	// Waits records why requests wait, for the metrics (nil: not recorded).
	Waits *metrics.Waits
	// Counters counts adoptions and unknown paid outcomes (nil: none).
	Counters OrderCounters

	// admission serializes the spend guard's count-and-admit.
	admission sync.Mutex
	// reads passes IgnoreStale's live read on to Sign.
	reads liveReads
	// sources keeps the Issuers' credentials and CA bundles a while.
	sources sourceCache
}

// Sign is issuer-lib's signing call for CertificateRequests and CSRs. The
// flow's state lives on the request's ResellerOrder (the ledger), found by
// what is bought, so it outlives the request.
func (s *Signer) Sign(ctx context.Context, cr signer.CertificateRequestObject, issuer issuerapi.Issuer) (_ signer.PEMBundle, serr error) {
	a := &attempt{uid: cr.GetUID()}
	defer func() { serr = s.finish(a, serr) }()
	details, err := cr.GetCertificateDetails()
	if err != nil {
		return signer.PEMBundle{}, signer.PermanentError{Err: err}
	}
	req, err := buildRequest(details)
	if err != nil {
		return signer.PEMBundle{}, signer.PermanentError{Err: err}
	}
	live, err := s.signingCopy(ctx, cr)
	if err != nil {
		// Never a plain error: issuer-lib fails old requests on those, and an
		// order may already be live at the reseller.
		return signer.PEMBundle{}, toSignerError(err, 5*time.Second)
	}
	a.created = live.GetCreationTimestamp().Time
	spec, ok := v1alpha1.SpecOf(issuer)
	if !ok {
		return signer.PEMBundle{}, signer.PermanentError{Err: fmt.Errorf("unexpected issuer type %T", issuer)}
	}
	legacy, err := order.Load(live)
	if err != nil {
		return signer.PEMBundle{}, signer.PermanentError{Err: err}
	}
	if legacy != nil && legacy.Provider != spec.Provider() {
		return signer.PEMBundle{}, signer.PermanentError{Err: fmt.Errorf("the order was started with provider %s but the issuer now uses %s: not ordering twice", legacy.Provider, spec.Provider())}
	}
	ns := issuer.GetNamespace()
	if ns == "" {
		ns = s.ClusterResourceNamespace
	}
	presenter := s.tracker(ctx, spec, issuer, ns, live)
	lr, err := s.newLedgerRequest(live, issuer, spec, ns, req)
	if err != nil {
		return signer.PEMBundle{}, signer.PermanentError{Err: err}
	}
	c, err := s.orderFor(ctx, lr, issuer, spec, req, presenter)
	var served *servedError
	if errors.As(err, &served) {
		res, err := ca.VerifyChain(req, []byte(served.chain))
		if err != nil {
			return signer.PEMBundle{}, toSignerError(err, 5*time.Second)
		}
		return signer.PEMBundle{ChainPEM: res.ChainPEM, CAPEM: res.CAPEM}, nil
	}
	if p, pending := ca.IsPending(err); pending && strings.HasPrefix(p.Reason, ReasonLimitReached) {
		a.wait = metrics.WaitLimit
	}
	if err != nil {
		return signer.PEMBundle{}, toSignerError(err, 5*time.Second)
	}
	p, err := s.provider(ctx, issuer, presenter, false)
	if err != nil {
		return signer.PEMBundle{}, err
	}
	if c.fresh {
		s.releaseLeftOpen(ctx, lr, issuer, p)
	}
	st := order.StateOf(c.order)
	// The protocol updates st: finish sees what it paid. An order claimed
	// just now has this call's progress, not the request's.
	a.st, a.stored = st, !c.fresh
	journal := &order.Journal{Client: s.Client, Reader: s.APIReader, Order: c.order, Request: live.GetName(), RequestUID: live.GetUID(), Now: s.Now, Notes: s.notes(live, issuer, spec), Unwritten: c.unwritten}
	if legacy != nil && !st.Started() && st.ChainPEM == "" {
		// An older version kept the state on the request: it moves to the
		// order, so an order it started is continued, not bought again.
		if err := journal.Save(ctx, legacy); err != nil {
			return signer.PEMBundle{}, toSignerError(err, 5*time.Second)
		}
		st = legacy
		a.st, a.stored = st, true
	}
	req.Renew, req.Known, req.KnownOrders = c.renew, c.known, c.knownOrders
	req.ResendEmail = live.GetAnnotations()[v1alpha1.AnnotationResendEmail]
	resent := st.EmailResent
	// The paid calls are counted for this Issuer.
	res, err := p.Issue(ca.WithIssuer(ctx, issuerLabels(issuer)), req, st, journal)
	if !ca.IsPermanent(err) {
		// failOrder writes what waits with the failure.
		if ferr := journal.Flush(ctx); ferr != nil {
			// Only free progress waited: the next Sign redoes it.
			logr.FromContextOrDiscard(ctx).Info("could not save the order's validation progress; redoing it on the next reconcile", "order", journal.Order.Name, "error", ferr.Error())
		}
	}
	if st.EmailResent != resent && s.Events != nil {
		s.Events.Eventf(live, issuer, corev1.EventTypeNormal, ReasonEmailResent, "Validate", "asked %s to send the approval emails again (%s=%s)", spec.Provider(), v1alpha1.AnnotationResendEmail, st.EmailResent)
	}
	if p, pending := ca.IsPending(err); pending {
		p.Reason = namingOrder(c.order.Name, withInstructions(p.Reason, presenter.Instructions()))
	}
	if ca.IsCredentials(err) {
		// Refused: the next Sign reads the Secret again.
		if ref, _ := secretRef(spec); ref != nil {
			s.sources.forgetSecret(types.NamespacedName{Namespace: ns, Name: ref.Name})
		}
	}
	if ca.IsInsufficientFunds(err) {
		a.wait = metrics.WaitFunds
		if s.Events != nil {
			s.Events.Eventf(live, issuer, corev1.EventTypeWarning, ReasonInsufficientFunds, "Order", "%s; top up the %s account: the request goes on by itself", err.Error(), spec.Provider())
		}
	}
	if ferr := presenter.Finish(ctx, st, err == nil || ca.IsPermanent(err)); ferr != nil {
		logr.FromContextOrDiscard(ctx).Info("could not tidy the request's challenges; retrying on the next reconcile", "error", ferr.Error())
	}
	if ca.IsPermanent(err) {
		s.failOrder(ctx, journal, st, err)
	}
	if err != nil {
		return signer.PEMBundle{}, toSignerError(err, ca.Wait(st.Progress, s.Now()))
	}
	return signer.PEMBundle{ChainPEM: res.ChainPEM, CAPEM: res.CAPEM}, nil
}

// issuerLabels names issuer in the order metrics.
func issuerLabels(issuer issuerapi.Issuer) ca.IssuerLabels {
	kind := v1alpha1.KindResellerIssuer
	if _, ok := issuer.(*v1alpha1.ResellerClusterIssuer); ok {
		kind = v1alpha1.KindResellerClusterIssuer
	}
	return ca.IssuerLabels{Kind: kind, Namespace: issuer.GetNamespace(), Name: issuer.GetName()}
}

// namingOrder starts a waiting request's reason with its ResellerOrder,
// unless the reason names it already, so the condition shows which order.
func namingOrder(order, reason string) string {
	if strings.Contains(reason, order) {
		return reason
	}
	return "ResellerOrder " + order + ": " + reason
}

// maxInstructions is how many things to do by hand a condition spells out.
const maxInstructions = 3

// withInstructions adds to a waiting request's reason what a person must do
// by hand, unless the reason says it already, so the condition shows it.
func withInstructions(reason string, asks []string) string {
	var missing []string
	for _, a := range asks {
		if !strings.Contains(reason, a) {
			missing = append(missing, a)
		}
	}
	if len(missing) == 0 {
		return reason
	}
	more := ""
	if len(missing) > maxInstructions {
		more = fmt.Sprintf("; and %d more (kubectl get resellerchallenges)", len(missing)-maxInstructions)
		missing = missing[:maxInstructions]
	}
	return reason + "; to do by hand: " + strings.Join(missing, "; ") + more
}

// errReplaced: the request was deleted and created again under its name.
var errReplaced = errors.New("the request was replaced while being signed")

// signingCopy is the request as the API server has it: the copy
// IgnoreStale read a moment ago in this reconcile, else a live read.
func (s *Signer) signingCopy(ctx context.Context, cr signer.CertificateRequestObject) (client.Object, error) {
	if obj, ok := s.reads.take(cr.GetUID(), s.Now()); ok {
		return obj, nil
	}
	return s.liveObject(ctx, cr)
}

// liveObject re-reads the request from the API server: the cache may lag
// behind a write another worker made.
func (s *Signer) liveObject(ctx context.Context, cr signer.CertificateRequestObject) (client.Object, error) {
	var obj client.Object
	ro, ok := cr.(runtime.Object)
	if !ok {
		return nil, fmt.Errorf("unexpected request type %T", cr)
	}
	switch ro.DeepCopyObject().(type) {
	case *cmapi.CertificateRequest:
		obj = &cmapi.CertificateRequest{}
	case *certificatesv1.CertificateSigningRequest:
		obj = &certificatesv1.CertificateSigningRequest{}
	default:
		return nil, fmt.Errorf("unexpected request type %T", ro)
	}
	key := types.NamespacedName{Namespace: cr.GetNamespace(), Name: cr.GetName()}
	if err := s.APIReader.Get(ctx, key, obj); err != nil {
		return nil, fmt.Errorf("reading %s live: %w", key, err)
	}
	if obj.GetUID() != cr.GetUID() {
		return nil, fmt.Errorf("%s: %w", key, errReplaced)
	}
	return obj, nil
}

// provider builds the order protocol over the Issuer's reseller, from its
// spec and Secret; pub publishes the request's challenges (nil: none). The
// Secret and CA bundle are read live when fresh is set, else at most
// CredentialsMaxAge ago.
func (s *Signer) provider(ctx context.Context, issuer issuerapi.Issuer, pub ca.Publisher, fresh bool) (Provider, error) {
	spec, ok := v1alpha1.SpecOf(issuer)
	if !ok {
		return nil, signer.PermanentError{Err: fmt.Errorf("unexpected issuer type %T", issuer)}
	}
	ref, field := secretRef(spec)
	if ref == nil {
		return nil, signer.PermanentError{Err: errors.New("spec sets no provider")}
	}
	ns := issuer.GetNamespace()
	if ns == "" {
		ns = s.ClusterResourceNamespace
	}
	data, err := s.sources.read(ctx, s.APIReader, types.NamespacedName{Namespace: ns, Name: ref.Name}, &corev1.Secret{}, fresh, s.Now())
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, signer.IssuerError{Err: fmt.Errorf("%s: Secret %s/%s not found", field, ns, ref.Name)}
		}
		return nil, signer.PendingError{Err: fmt.Errorf("%s: reading Secret %s/%s: %w", field, ns, ref.Name, err), RequeueAfter: 5 * time.Second}
	}
	value, ok := data[ref.Key]
	if !ok || len(value) == 0 {
		return nil, signer.IssuerError{Err: fmt.Errorf("%s: Secret %s/%s has no key %q", field, ns, ref.Name, ref.Key)}
	}
	creds := Credentials{Secret: value}
	if spec.CABundle != nil {
		bundle, err := s.caBundle(ctx, ns, spec.CABundle, fresh)
		if err != nil {
			return nil, err
		}
		creds.CABundle = bundle
	}
	p, err := s.Build(spec, creds, pub)
	if err != nil {
		return nil, toSignerError(err, time.Minute)
	}
	return p, nil
}

// caBundle reads the PEM bundle an Issuer's spec.caBundle names.
func (s *Signer) caBundle(ctx context.Context, ns string, src *v1alpha1.CABundleSource, fresh bool) ([]byte, error) {
	key := types.NamespacedName{Namespace: ns}
	field, kind, ref := "spec.caBundle.secretRef", "Secret", src.SecretRef
	var obj client.Object = &corev1.Secret{}
	if ref == nil {
		field, kind, ref = "spec.caBundle.configMapRef", "ConfigMap", src.ConfigMapRef
		obj = &corev1.ConfigMap{}
	}
	key.Name = ref.Name
	data, err := s.sources.read(ctx, s.APIReader, key, obj, fresh, s.Now())
	if err != nil {
		return nil, bundleError(field, kind, key, err)
	}
	bundle, ok := data[ref.Key]
	if !ok || len(bundle) == 0 {
		return nil, signer.IssuerError{Err: fmt.Errorf("%s: %s %s has no key %q", field, kind, key, ref.Key)}
	}
	return bundle, nil
}

func bundleError(field, kind string, key types.NamespacedName, err error) error {
	if apierrors.IsNotFound(err) {
		return signer.IssuerError{Err: fmt.Errorf("%s: %s %s not found", field, kind, key)}
	}
	return signer.PendingError{Err: fmt.Errorf("%s: reading %s %s: %w", field, kind, key, err), RequeueAfter: 5 * time.Second}
}

// secretRef names the credential Secret of the provider block and its field path.
func secretRef(spec *v1alpha1.IssuerSpec) (*v1alpha1.SecretKeySelector, string) {
	switch {
	case spec.SSLCI != nil:
		return &spec.SSLCI.TokenSecretRef, "spec.sslci.tokenSecretRef"
	case spec.SSLMarket != nil:
		return &spec.SSLMarket.TokenSecretRef, "spec.sslmarket.tokenSecretRef"
	case spec.CyberSSL != nil:
		return &spec.CyberSSL.APIKeySecretRef, "spec.cyberssl.apiKeySecretRef"
	}
	return nil, ""
}
