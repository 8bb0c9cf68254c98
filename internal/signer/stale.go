package signer

import (
	"context"
	"errors"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/cert-manager/issuer-lib/controllers/signer"
	"github.com/go-logr/logr"
	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// IgnoreStale is issuer-lib's IgnoreCertificateRequest: it skips a
// reconcile whose cached copy of the request is behind the API server,
// where the request is already issued, failed or denied, or gone.
//
// Without it, our own writes during Sign (the order pointer) enqueue the
// request again, and the next reconcile often still sees the copy from
// before issuer-lib applied Issued: it signed again and re-applied the
// status with a new transition time (208 Issued Events for 200 requests in
// one bench run). Every such write is one more CertificateRequest event at
// the moment cert-manager's informers are busiest with the new Secret, and
// an apply from a stale copy that did not end in Issued would drop
// status.certificate, which the same field owner set. The copy read here
// serves the Sign of the same reconcile (liveReads).
func (s *Signer) IgnoreStale(ctx context.Context, cr signer.CertificateRequestObject, _ schema.GroupVersionKind, _ types.NamespacedName) (bool, error) {
	live, err := s.liveObject(ctx, cr)
	if apierrors.IsNotFound(err) || errors.Is(err, errReplaced) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	done := false
	switch r := live.(type) {
	case *cmapi.CertificateRequest:
		done = requestDone(r.Status.Conditions) || requestDenied(r.Status.Conditions)
	case *certificatesv1.CertificateSigningRequest:
		done = len(r.Status.Certificate) > 0 || csrFailed(r)
	}
	if done {
		logr.FromContextOrDiscard(ctx).V(1).Info("the cached request is behind the API server, where it is already done: not signing it again")
		return true, nil
	}
	// The Sign of this reconcile, if issuer-lib calls it, uses this copy.
	s.reads.put(live, s.Now())
	return false, nil
}

func requestDenied(conds []cmapi.CertificateRequestCondition) bool {
	for _, c := range conds {
		if c.Type == cmapi.CertificateRequestConditionDenied && c.Status == "True" {
			return true
		}
	}
	return false
}
