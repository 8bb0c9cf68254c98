package main

import (
	"context"
	"fmt"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// setupIssuer creates the issuer a phase issues through in namespace ns and
// waits for it to be Ready.
func (b *bench) setupIssuer(ctx context.Context, phase, ns string, run int) (cmmeta.IssuerReference, error) {
	c := b.stack.Control.Client
	if phase == phaseCA {
		return b.setupCAIssuer(ctx, ns)
	}
	token := b.o.accounts()[account(phase, run)]
	if err := c.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "api"}, StringData: map[string]string{"token": token}}); err != nil {
		return cmmeta.IssuerReference{}, err
	}
	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: phase}, Spec: b.stack.SandboxIssuerSpec(phase, "api")}
	if err := c.Create(ctx, issuer); err != nil {
		return cmmeta.IssuerReference{}, err
	}
	err := framework.Eventually(ctx, 2*time.Minute, 250*time.Millisecond, func() (bool, error) {
		// A failed read is looked at again on the next tick.
		read := c.Get(ctx, client.ObjectKeyFromObject(issuer), issuer) == nil
		return read && apimeta.IsStatusConditionTrue(issuer.Status.Conditions, "Ready"), nil
	}, nil)
	if err != nil {
		return cmmeta.IssuerReference{}, fmt.Errorf("ResellerIssuer %s/%s not Ready: %w", ns, phase, err)
	}
	return cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: phase}, nil
}

// setupCAIssuer makes a CA key pair and a cert-manager CA Issuer signing
// with it.
func (b *bench) setupCAIssuer(ctx context.Context, ns string) (cmmeta.IssuerReference, error) {
	c := b.stack.Control.Client
	ca, err := framework.GenerateCA("bench CA")
	if err != nil {
		return cmmeta.IssuerReference{}, err
	}
	keyPEM, err := ca.KeyPEM()
	if err != nil {
		return cmmeta.IssuerReference{}, err
	}
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ca"},
		Type:       corev1.SecretTypeTLS,
		Data:       map[string][]byte{corev1.TLSCertKey: ca.CertPEM, corev1.TLSPrivateKeyKey: keyPEM},
	}
	if err := c.Create(ctx, secret); err != nil {
		return cmmeta.IssuerReference{}, err
	}
	issuer := &cmapi.Issuer{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: phaseCA},
		Spec:       cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{CA: &cmapi.CAIssuer{SecretName: "ca"}}},
	}
	if err := c.Create(ctx, issuer); err != nil {
		return cmmeta.IssuerReference{}, err
	}
	err = framework.Eventually(ctx, 2*time.Minute, 250*time.Millisecond, func() (bool, error) {
		read := c.Get(ctx, client.ObjectKeyFromObject(issuer), issuer) == nil
		for _, cond := range issuer.Status.Conditions {
			if read && cond.Type == cmapi.IssuerConditionReady && cond.Status == cmmeta.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	}, nil)
	if err != nil {
		return cmmeta.IssuerReference{}, fmt.Errorf("CA Issuer %s/ca not Ready: %w", ns, err)
	}
	return cmmeta.IssuerReference{Group: "cert-manager.io", Kind: "Issuer", Name: phaseCA}, nil
}
