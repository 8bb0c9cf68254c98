package cachetrim

import (
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
)

// meta is an object's metadata with every field the API server or another
// controller typically sets.
func meta(name string) metav1.ObjectMeta {
	now := metav1.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	return metav1.ObjectMeta{
		Name: name, Namespace: "ns", UID: "uid-" + types.UID(name), ResourceVersion: "42", Generation: 1,
		CreationTimestamp: now, DeletionTimestamp: &now, Finalizers: []string{"f"},
		Labels:          map[string]string{"l": "v"},
		Annotations:     map[string]string{cmapi.CertificateNameKey: "crt"},
		OwnerReferences: []metav1.OwnerReference{{Kind: "Certificate", Name: "crt"}},
		ManagedFields:   []metav1.ManagedFieldsEntry{{Manager: "cert-manager"}},
	}
}

// identityOf is what is kept of another issuer's request's metadata.
func identityOf(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: "ns", UID: "uid-" + types.UID(name), ResourceVersion: "42"}
}

func request(group string) *cmapi.CertificateRequest {
	return &cmapi.CertificateRequest{
		TypeMeta:   metav1.TypeMeta{Kind: "CertificateRequest", APIVersion: "cert-manager.io/v1"},
		ObjectMeta: meta("r"),
		Spec: cmapi.CertificateRequestSpec{
			Request: []byte("csr"), IssuerRef: cmmeta.IssuerReference{Group: group, Kind: "K", Name: "n"},
			Usages: []cmapi.KeyUsage{cmapi.UsageDigitalSignature}, Username: "u", Groups: []string{"g"},
		},
		Status: cmapi.CertificateRequestStatus{
			Certificate: []byte("crt"), CA: []byte("ca"),
			Conditions: []cmapi.CertificateRequestCondition{{Type: cmapi.CertificateRequestConditionApproved, Status: cmmeta.ConditionTrue, Message: "approved"}},
		},
	}
}

func csr(signer string) *certificatesv1.CertificateSigningRequest {
	return &certificatesv1.CertificateSigningRequest{
		TypeMeta:   metav1.TypeMeta{Kind: "CertificateSigningRequest", APIVersion: "certificates.k8s.io/v1"},
		ObjectMeta: meta("c"),
		Spec:       certificatesv1.CertificateSigningRequestSpec{Request: []byte("csr"), SignerName: signer, Username: "u"},
		Status: certificatesv1.CertificateSigningRequestStatus{
			Certificate: []byte("crt"),
			Conditions:  []certificatesv1.CertificateSigningRequestCondition{{Type: certificatesv1.CertificateApproved, Status: corev1.ConditionTrue}},
		},
	}
}

// withoutManagedFields is a copy of a request as ours is cached.
func withoutManagedFields[T interface {
	SetManagedFields([]metav1.ManagedFieldsEntry)
}](r T) T {
	r.SetManagedFields(nil)
	return r
}

func TestRequest(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"our CertificateRequest keeps all but managedFields", request("reseller-issuer.dev"), withoutManagedFields(request("reseller-issuer.dev"))},
		{"another issuer's CertificateRequest keeps its identity and issuerRef", request("cert-manager.io"), &cmapi.CertificateRequest{
			TypeMeta:   metav1.TypeMeta{Kind: "CertificateRequest", APIVersion: "cert-manager.io/v1"},
			ObjectMeta: identityOf("r"),
			Spec:       cmapi.CertificateRequestSpec{IssuerRef: cmmeta.IssuerReference{Group: "cert-manager.io", Kind: "K", Name: "n"}},
		}},
		{"a CertificateRequest of the default group (cert-manager.io) is another issuer's", request(""), &cmapi.CertificateRequest{
			TypeMeta:   metav1.TypeMeta{Kind: "CertificateRequest", APIVersion: "cert-manager.io/v1"},
			ObjectMeta: identityOf("r"),
			Spec:       cmapi.CertificateRequestSpec{IssuerRef: cmmeta.IssuerReference{Kind: "K", Name: "n"}},
		}},
		{"our namespaced signer", csr("resellerissuers.reseller-issuer.dev/ns.name"), withoutManagedFields(csr("resellerissuers.reseller-issuer.dev/ns.name"))},
		{"our cluster signer", csr("resellerclusterissuers.reseller-issuer.dev/name"), withoutManagedFields(csr("resellerclusterissuers.reseller-issuer.dev/name"))},
		{"another signer keeps its identity and signerName", csr("kubernetes.io/kube-apiserver-client"), &certificatesv1.CertificateSigningRequest{
			TypeMeta:   metav1.TypeMeta{Kind: "CertificateSigningRequest", APIVersion: "certificates.k8s.io/v1"},
			ObjectMeta: identityOf("c"),
			Spec:       certificatesv1.CertificateSigningRequestSpec{SignerName: "kubernetes.io/kube-apiserver-client"},
		}},
		{"a look-alike signer is another's", csr("resellerissuers.reseller-issuer.dev.evil/x"), &certificatesv1.CertificateSigningRequest{
			TypeMeta:   metav1.TypeMeta{Kind: "CertificateSigningRequest", APIVersion: "certificates.k8s.io/v1"},
			ObjectMeta: identityOf("c"),
			Spec:       certificatesv1.CertificateSigningRequestSpec{SignerName: "resellerissuers.reseller-issuer.dev.evil/x"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Request(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, out)
		})
	}
	tomb := toolscache.DeletedFinalStateUnknown{Key: "ns/r"}
	out, err := Request(tomb)
	require.NoError(t, err)
	assert.Equal(t, tomb, out)
}
