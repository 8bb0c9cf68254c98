// Package cachetrim keeps the controller's informer cache to what it reads:
// no object keeps its managedFields, and a CertificateRequest or
// CertificateSigningRequest of another issuer is cached as its identity
// (name, namespace, UID, resourceVersion) and what tells that it is another
// issuer's (spec.issuerRef, spec.signerName), nothing else. The API cannot
// filter requests by issuer on the server (issuerRef and signerName
// prefixes are not selectable fields), so each replica still receives every
// request once but holds a small copy.
//
// The readers of other issuers' requests in the cache, and what they read:
// issuer-lib's request controllers (their issuer index and their
// reconcile's issuer match read spec.issuerRef and spec.signerName, which
// end the work on a request of another issuer; their update predicates
// read conditions and annotations, which, kept empty, no longer enqueue
// such a request on every change of them), the challenge controller's
// watch (a request's UID and whether it finished: another issuer's never
// does, which only stops the lookups of challenges it cannot have), and
// the metrics' list of waiting requests (it skips another issuer's by
// spec.issuerRef.group and spec.signerName first). The signer and the
// order protocol read requests live, not from the cache.
package cachetrim

import (
	"strings"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// Options are the manager's cache options.
func Options() cache.Options {
	return cache.Options{
		DefaultTransform: cache.TransformStripManagedFields(),
		ByObject: map[client.Object]cache.ByObject{
			&cmapi.CertificateRequest{}:                 {Transform: Request},
			&certificatesv1.CertificateSigningRequest{}: {Transform: Request},
		},
	}
}

// Request is the cache transform of CertificateRequests and
// CertificateSigningRequests: ours lose their managedFields only; another
// issuer's is replaced by a copy of its identity and issuer reference.
func Request(in any) (any, error) {
	switch r := in.(type) {
	case *cmapi.CertificateRequest:
		if r.Spec.IssuerRef.Group != v1alpha1.GroupVersion.Group {
			return &cmapi.CertificateRequest{
				TypeMeta:   r.TypeMeta,
				ObjectMeta: identity(&r.ObjectMeta),
				Spec:       cmapi.CertificateRequestSpec{IssuerRef: r.Spec.IssuerRef},
			}, nil
		}
	case *certificatesv1.CertificateSigningRequest:
		if !ours(r.Spec.SignerName) {
			return &certificatesv1.CertificateSigningRequest{
				TypeMeta:   r.TypeMeta,
				ObjectMeta: identity(&r.ObjectMeta),
				Spec:       certificatesv1.CertificateSigningRequestSpec{SignerName: r.Spec.SignerName},
			}, nil
		}
	default:
		return in, nil // a tombstone of a deleted object
	}
	return cache.TransformStripManagedFields()(in)
}

// identity is what the cache and its watchers need of an object of
// another issuer: its key, UID and version.
func identity(m *metav1.ObjectMeta) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace, UID: m.UID, ResourceVersion: m.ResourceVersion}
}

func ours(signerName string) bool {
	kind, _, _ := strings.Cut(signerName, "/")
	return kind == v1alpha1.IssuerTypeIdentifier || kind == v1alpha1.ClusterIssuerTypeIdentifier
}

var _ toolscache.TransformFunc = Request
