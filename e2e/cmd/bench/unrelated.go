package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"sync"
	"sync/atomic"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// unrelatedNamespace holds what -unrelated-requests and -unrelated-secrets
// create.
const unrelatedNamespace = "bench-unrelated"

// createUnrelated fills the cluster with CertificateRequests of another
// issuer (each with a 2048-bit CSR, as a real one) and Secrets of the size
// of a TLS Secret, none of which the issuer works on.
func (b *bench) createUnrelated(ctx context.Context) error {
	o := b.o
	if o.unrelatedRequests == 0 && o.unrelatedSecrets == 0 {
		return nil
	}
	c := b.stack.Control.Client
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: unrelatedNamespace}}); err != nil {
		return err
	}
	csr, err := unrelatedCSR()
	if err != nil {
		return err
	}
	payload := make([]byte, 3000)
	if _, err := rand.Read(payload); err != nil {
		return err
	}
	b.say("creating %d CertificateRequests of another issuer and %d unrelated Secrets", o.unrelatedRequests, o.unrelatedSecrets)
	err = b.createMany(ctx, o.unrelatedRequests, func(i int) client.Object {
		return &cmapi.CertificateRequest{
			ObjectMeta: metav1.ObjectMeta{Namespace: unrelatedNamespace, Name: fmt.Sprintf("other-%05d", i)},
			Spec: cmapi.CertificateRequestSpec{
				Request:   csr,
				IssuerRef: cmmeta.IssuerReference{Group: "other-issuer.example.com", Kind: "OtherIssuer", Name: "other"},
			},
		}
	})
	if err != nil {
		return err
	}
	return b.createMany(ctx, o.unrelatedSecrets, func(i int) client.Object {
		return &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: unrelatedNamespace, Name: fmt.Sprintf("other-%05d", i)},
			Data:       map[string][]byte{"payload": payload},
		}
	})
}

// createMany creates n objects, o.parallel at a time.
func (b *bench) createMany(ctx context.Context, n int, obj func(int) client.Object) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, b.o.parallel)
	for w := range b.o.parallel {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n && errs[w] == nil; i = int(next.Add(1)) - 1 {
				errs[w] = b.stack.Control.Client.Create(ctx, obj(i))
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func unrelatedCSR() ([]byte, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:  pkix.Name{CommonName: "unrelated.example.com"},
		DNSNames: []string{"unrelated.example.com"},
	}, key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), nil
}
