package signer

import (
	"context"
	"fmt"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

// holder reads, live, what the request's cert-manager Certificate holds;
// nil for a request without one.
func (s *Signer) holder(ctx context.Context, lr *ledgerRequest) func() (*order.Holder, error) {
	if lr.certificate == "" || lr.ref.Kind != "CertificateRequest" {
		return nil
	}
	ns := lr.live.GetNamespace()
	return func() (*order.Holder, error) {
		crt := &cmapi.Certificate{}
		if err := s.APIReader.Get(ctx, types.NamespacedName{Namespace: ns, Name: lr.certificate}, crt); err != nil {
			if apierrors.IsNotFound(err) {
				return nil, nil
			}
			return nil, fmt.Errorf("reading Certificate %s/%s: %w", ns, lr.certificate, err)
		}
		h := &order.Holder{Secret: ns + "/" + crt.Spec.SecretName}
		for _, c := range crt.Status.Conditions {
			if c.Type == cmapi.CertificateConditionIssuing {
				h.Reason, h.Message = c.Reason, c.Message
			}
		}
		if crt.Status.RenewalTime != nil {
			h.RenewalTime = crt.Status.RenewalTime.Time
		}
		secret := &corev1.Secret{}
		err := s.APIReader.Get(ctx, types.NamespacedName{Namespace: ns, Name: crt.Spec.SecretName}, secret)
		switch {
		case apierrors.IsNotFound(err):
			return h, nil
		case err != nil:
			return nil, fmt.Errorf("reading Secret %s: %w", h.Secret, err)
		}
		if leaf, err := ca.Leaf(secret.Data[corev1.TLSCertKey]); err == nil {
			h.Fingerprint, h.NotAfter = ca.KeyFingerprint(leaf.RawSubjectPublicKeyInfo), leaf.NotAfter
		}
		return h, nil
	}
}

// claimantAlive tells whether a request still works on its claim: it
// exists, is the same object, and has not ended.
func (s *Signer) claimantAlive(ctx context.Context) order.Claimant {
	return func(ref v1alpha1.RequestReference) (bool, error) {
		var obj client.Object = &cmapi.CertificateRequest{}
		if ref.Kind == "CertificateSigningRequest" {
			obj = &certificatesv1.CertificateSigningRequest{}
		}
		err := s.APIReader.Get(ctx, types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}, obj)
		switch {
		case apierrors.IsNotFound(err):
			return false, nil
		case err != nil:
			return false, fmt.Errorf("reading %s %s/%s, which claimed the order: %w", ref.Kind, ref.Namespace, ref.Name, err)
		case obj.GetUID() != ref.UID:
			return false, nil
		}
		switch r := obj.(type) {
		case *cmapi.CertificateRequest:
			return !requestDone(r.Status.Conditions), nil
		case *certificatesv1.CertificateSigningRequest:
			return len(r.Status.Certificate) == 0 && !csrFailed(r), nil
		}
		return false, nil
	}
}
