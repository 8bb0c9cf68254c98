package metrics

import (
	"context"
	"strings"
	"sync"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/prometheus/client_golang/prometheus"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// What a waiting request waits for: the reason label of
// reseller_issuer_requests_waiting. The first three are read from the
// cluster, the next three are recorded by Sign, the last three are read
// from the request's challenges.
const (
	WaitApproval       = "approval"           // not approved (or denied) yet
	WaitIssuerNotReady = "issuer_not_ready"   // its Issuer is missing or not Ready
	WaitQueued         = "queued"             // not signed yet by this leader
	WaitLimit          = "limit_reached"      // held by the spend guard
	WaitFunds          = "insufficient_funds" // the reseller refused the order for lack of funds
	WaitRetrying       = "retrying"           // a transient error (network, 5xx, 429)
	WaitPerson         = "person"             // a challenge waits for a person (manual DCV, email approval)
	WaitValidation     = "validation"         // challenges published, the reseller has not validated yet
	WaitReseller       = "reseller"           // ordered and validated: issuance at the reseller
)

var waitReasons = []string{WaitApproval, WaitIssuerNotReady, WaitQueued, WaitLimit, WaitFunds, WaitRetrying, WaitPerson, WaitValidation, WaitReseller}

// Waits holds, per request, the reason Sign last waited for when it is one
// the cluster does not show (WaitLimit, WaitFunds, WaitRetrying), or ""
// once the request moved on.
type Waits struct {
	mu      sync.Mutex
	reasons map[types.UID]string
}

// Set records why the request uid waits; "" means: read it from the
// cluster.
func (w *Waits) Set(uid types.UID, reason string) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.reasons == nil {
		w.reasons = map[types.UID]string{}
	}
	w.reasons[uid] = reason
}

// Done forgets the request uid: it was issued or failed.
func (w *Waits) Done(uid types.UID) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.reasons, uid)
}

// Get returns the recorded reason and whether Sign has seen uid at all.
func (w *Waits) Get(uid types.UID) (string, bool) {
	if w == nil {
		return "", false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	r, ok := w.reasons[uid]
	return r, ok
}

// keep forgets every request not in live (issued, failed or deleted).
func (w *Waits) keep(live map[types.UID]bool) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for uid := range w.reasons {
		if !live[uid] {
			delete(w.reasons, uid)
		}
	}
}

// waiting is one request neither issued nor failed.
type waiting struct {
	uid      types.UID
	created  time.Time
	approved bool
	issuer   issuerKey
}

func (c *Cluster) collectRequests(ctx context.Context, ch chan<- prometheus.Metric, issuers map[issuerKey]issuer, challenges []v1alpha1.ResellerChallenge) error {
	reqs, err := c.waitingRequests(ctx)
	if err != nil {
		return err
	}
	person, open := map[types.UID]bool{}, map[types.UID]bool{}
	for i := range challenges {
		uid := challenges[i].Spec.RequestRef.UID
		open[uid] = true
		if challenges[i].Status.State == v1alpha1.ChallengeWaitingForPerson {
			person[uid] = true
		}
	}
	count := map[string]int{}
	oldest := map[string]time.Time{}
	live := map[types.UID]bool{}
	for _, r := range reqs {
		live[r.uid] = true
		reason := c.reason(r, issuers, person, open)
		count[reason]++
		if o, ok := oldest[reason]; !ok || r.created.Before(o) {
			oldest[reason] = r.created
		}
	}
	c.Waits.keep(live)
	now := c.Now()
	for _, reason := range waitReasons {
		age := 0.0
		if o, ok := oldest[reason]; ok {
			age = max(now.Sub(o).Seconds(), 0)
		}
		ch <- prometheus.MustNewConstMetric(requestsWaiting, prometheus.GaugeValue, float64(count[reason]), reason)
		ch <- prometheus.MustNewConstMetric(oldestWaiting, prometheus.GaugeValue, age, reason)
	}
	return nil
}

func (c *Cluster) reason(r waiting, issuers map[issuerKey]issuer, person, open map[types.UID]bool) string {
	if !r.approved {
		return WaitApproval
	}
	if i, ok := issuers[r.issuer]; !ok || !i.ready() {
		return WaitIssuerNotReady
	}
	recorded, seen := c.Waits.Get(r.uid)
	switch {
	case !seen:
		return WaitQueued
	case recorded != "":
		return recorded
	case person[r.uid]:
		return WaitPerson
	case open[r.uid]:
		return WaitValidation
	}
	return WaitReseller
}

// waitingRequests lists the requests of these issuers that are neither
// issued nor failed nor denied.
func (c *Cluster) waitingRequests(ctx context.Context) ([]waiting, error) {
	var out []waiting
	var crs cmapi.CertificateRequestList
	if err := c.Reader.List(ctx, &crs, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	for i := range crs.Items {
		cr := &crs.Items[i]
		ref := cr.Spec.IssuerRef
		if ref.Group != v1alpha1.GroupVersion.Group || crDone(cr) {
			continue
		}
		key := issuerKey{kind: ref.Kind, name: ref.Name}
		if ref.Kind == v1alpha1.KindResellerIssuer {
			key.namespace = cr.Namespace
		}
		out = append(out, waiting{uid: cr.UID, created: cr.CreationTimestamp.Time, approved: crCondition(cr, cmapi.CertificateRequestConditionApproved), issuer: key})
	}
	var csrs certificatesv1.CertificateSigningRequestList
	if err := c.Reader.List(ctx, &csrs, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	for i := range csrs.Items {
		csr := &csrs.Items[i]
		name, ok := strings.CutPrefix(csr.Spec.SignerName, v1alpha1.ClusterIssuerTypeIdentifier+"/")
		if !ok {
			if !strings.HasPrefix(csr.Spec.SignerName, v1alpha1.IssuerTypeIdentifier+"/") {
				continue
			}
		}
		if len(csr.Status.Certificate) > 0 || csrCondition(csr, certificatesv1.CertificateFailed) || csrCondition(csr, certificatesv1.CertificateDenied) {
			continue
		}
		out = append(out, waiting{uid: csr.UID, created: csr.CreationTimestamp.Time, approved: csrCondition(csr, certificatesv1.CertificateApproved),
			issuer: issuerKey{kind: v1alpha1.KindResellerClusterIssuer, name: name}})
	}
	return out, nil
}

func crDone(cr *cmapi.CertificateRequest) bool {
	if crCondition(cr, cmapi.CertificateRequestConditionDenied) || crCondition(cr, cmapi.CertificateRequestConditionInvalidRequest) {
		return true
	}
	for _, c := range cr.Status.Conditions {
		if c.Type == cmapi.CertificateRequestConditionReady && (c.Status == cmmeta.ConditionTrue || c.Reason == cmapi.CertificateRequestReasonFailed || c.Reason == cmapi.CertificateRequestReasonDenied) {
			return true
		}
	}
	return false
}

func crCondition(cr *cmapi.CertificateRequest, t cmapi.CertificateRequestConditionType) bool {
	for _, c := range cr.Status.Conditions {
		if c.Type == t && c.Status == cmmeta.ConditionTrue {
			return true
		}
	}
	return false
}

func csrCondition(csr *certificatesv1.CertificateSigningRequest, t certificatesv1.RequestConditionType) bool {
	for _, c := range csr.Status.Conditions {
		if c.Type == t && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}
