// Package cachetrim keeps the controller's informer cache to what it reads:
// no object keeps its managedFields, and a CertificateRequest or
// CertificateSigningRequest of another issuer keeps only what tells that it
// is another issuer's (no CSR, no certificate). The API cannot filter
// requests by issuer on the server (issuerRef and signerName prefixes are
// not selectable fields), so each replica still receives every request once
// but holds a small copy.
package cachetrim

import (
	"strings"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
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
// CertificateSigningRequests: it drops managedFields, and from a request
// of another issuer its CSR and certificate.
func Request(in any) (any, error) {
	strip := cache.TransformStripManagedFields()
	switch r := in.(type) {
	case *cmapi.CertificateRequest:
		if r.Spec.IssuerRef.Group != v1alpha1.GroupVersion.Group {
			r.Spec.Request = nil
			r.Status.Certificate = nil
			r.Status.CA = nil
		}
	case *certificatesv1.CertificateSigningRequest:
		if !ours(r.Spec.SignerName) {
			r.Spec.Request = nil
			r.Status.Certificate = nil
		}
	default:
		return in, nil // a tombstone of a deleted object
	}
	return strip(in)
}

func ours(signerName string) bool {
	kind, _, _ := strings.Cut(signerName, "/")
	return kind == v1alpha1.IssuerTypeIdentifier || kind == v1alpha1.ClusterIssuerTypeIdentifier
}

var _ toolscache.TransformFunc = Request
