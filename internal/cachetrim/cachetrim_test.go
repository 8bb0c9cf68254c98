package cachetrim

import (
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
)

var managed = []metav1.ManagedFieldsEntry{{Manager: "cert-manager"}}

func request(group string) *cmapi.CertificateRequest {
	return &cmapi.CertificateRequest{
		ObjectMeta: metav1.ObjectMeta{Name: "r", ManagedFields: managed, Annotations: map[string]string{"a": "b"}},
		Spec:       cmapi.CertificateRequestSpec{Request: []byte("csr"), IssuerRef: cmmeta.IssuerReference{Group: group, Kind: "K", Name: "n"}},
		Status:     cmapi.CertificateRequestStatus{Certificate: []byte("crt"), CA: []byte("ca")},
	}
}

func csr(signer string) *certificatesv1.CertificateSigningRequest {
	return &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: "c", ManagedFields: managed},
		Spec:       certificatesv1.CertificateSigningRequestSpec{Request: []byte("csr"), SignerName: signer},
		Status:     certificatesv1.CertificateSigningRequestStatus{Certificate: []byte("crt")},
	}
}

func TestRequest(t *testing.T) {
	tests := []struct {
		name     string
		in       any
		keepsCSR bool
	}{
		{"our CertificateRequest", request("reseller-issuer.dev"), true},
		{"another issuer's CertificateRequest", request("cert-manager.io"), false},
		{"our namespaced signer", csr("resellerissuers.reseller-issuer.dev/ns.name"), true},
		{"our cluster signer", csr("resellerclusterissuers.reseller-issuer.dev/name"), true},
		{"another signer", csr("kubernetes.io/kube-apiserver-client"), false},
		{"a look-alike signer", csr("resellerissuers.reseller-issuer.dev.evil/x"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Request(tt.in)
			require.NoError(t, err)
			switch r := out.(type) {
			case *cmapi.CertificateRequest:
				assert.Nil(t, r.ManagedFields)
				assert.Equal(t, "b", r.Annotations["a"], "metadata stays")
				assert.Equal(t, "n", r.Spec.IssuerRef.Name)
				assert.Equal(t, tt.keepsCSR, r.Spec.Request != nil)
				assert.Equal(t, tt.keepsCSR, r.Status.Certificate != nil)
				assert.Equal(t, tt.keepsCSR, r.Status.CA != nil)
			case *certificatesv1.CertificateSigningRequest:
				assert.Nil(t, r.ManagedFields)
				assert.Equal(t, tt.keepsCSR, r.Spec.Request != nil)
				assert.Equal(t, tt.keepsCSR, r.Status.Certificate != nil)
			default:
				t.Fatalf("unexpected %T", out)
			}
		})
	}
	tomb := toolscache.DeletedFinalStateUnknown{Key: "ns/r"}
	out, err := Request(tomb)
	require.NoError(t, err)
	assert.Equal(t, tomb, out)
}
