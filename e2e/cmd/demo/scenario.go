package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// demoAccounts are the sandbox's reseller accounts.
var demoAccounts = map[string]string{"shop": "demo-token-shop", "platform": "demo-token-platform"}

type demo struct {
	stack *framework.Stack
	say   func(string, ...any)
}

// row is one line of the result table.
type row struct {
	resource, issuer, ready, names, notAfter, issuingCA string
}

// target is a TLS Secret the demo waits for.
type target struct {
	resource, issuer, namespace, secret string
}

func (d *demo) issue(ctx context.Context) ([]row, error) {
	c := d.stack.Control.Client
	const ns = "demo"
	objs := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}},
		secret(ns, "reseller-token", demoAccounts["shop"]),
		secret(framework.ClusterResourceNamespace, "reseller-token", demoAccounts["platform"]),
	}
	var targets []target
	for _, p := range framework.Providers {
		spec := d.stack.SandboxIssuerSpec(p, "reseller-token")
		objs = append(objs,
			&v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: p}, Spec: spec},
			&v1alpha1.ResellerClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: p}, Spec: spec},
			&cmapi.Certificate{
				ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: p + "-shop"},
				Spec: cmapi.CertificateSpec{
					SecretName: p + "-shop-tls",
					DNSNames:   []string{"shop." + p + ".example.com", "www.shop." + p + ".example.com"},
					IssuerRef:  cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: p},
				},
			},
			ingress(ns, p+"-portal", "portal."+p+".example.org", p+"-portal-tls", p),
		)
		targets = append(targets,
			target{"Certificate demo/" + p + "-shop", "ResellerIssuer demo/" + p, ns, p + "-shop-tls"},
			target{"Ingress demo/" + p + "-portal", "ResellerClusterIssuer " + p, ns, p + "-portal-tls"},
		)
	}
	for _, o := range objs {
		d.say("creating %T %s", o, client.ObjectKeyFromObject(o))
		if err := c.Create(ctx, o); err != nil {
			return nil, err
		}
	}
	var rows []row
	for _, t := range targets {
		r, err := d.wait(ctx, t)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// wait polls the TLS Secret of a target and its Certificate's Ready
// condition (cert-manager sets it a moment after writing the Secret),
// printing progress, and describes it.
func (d *demo) wait(ctx context.Context, t target) (row, error) {
	c := d.stack.Control.Client
	s := &corev1.Secret{}
	ready := "Unknown"
	err := framework.Eventually(ctx, 3*time.Minute, time.Second, func() (bool, error) {
		err := c.Get(ctx, types.NamespacedName{Namespace: t.namespace, Name: t.secret}, s)
		if err != nil || len(s.Data[corev1.TLSCertKey]) == 0 {
			return false, nil //nolint:nilerr // not there yet: polled again
		}
		ready, err = d.ready(ctx, t)
		return ready == string(cmmeta.ConditionTrue), err
	}, func(elapsed time.Duration) {
		d.say("waiting for %s (%s)", t.resource, elapsed.Round(time.Second))
	})
	if err != nil {
		return row{}, fmt.Errorf("%s: %w", t.resource, err)
	}
	block, _ := pem.Decode(s.Data[corev1.TLSCertKey])
	if block == nil {
		return row{}, fmt.Errorf("%s: Secret holds no PEM certificate", t.resource)
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return row{}, err
	}
	d.say("%s: certificate issued", t.resource)
	return row{t.resource, t.issuer, ready, strings.Join(leaf.DNSNames, ","), leaf.NotAfter.UTC().Format(time.DateOnly), leaf.Issuer.CommonName}, nil
}

// ready returns the Ready status of the Certificate writing t's Secret.
func (d *demo) ready(ctx context.Context, t target) (string, error) {
	var certs cmapi.CertificateList
	if err := d.stack.Control.Client.List(ctx, &certs, client.InNamespace(t.namespace)); err != nil {
		return "", err
	}
	for _, cert := range certs.Items {
		if cert.Spec.SecretName != t.secret {
			continue
		}
		for _, cond := range cert.Status.Conditions {
			if cond.Type == cmapi.CertificateConditionReady {
				return string(cond.Status), nil
			}
		}
	}
	return "Unknown", nil
}

func secret(ns, name, token string) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, StringData: map[string]string{"token": token}}
}

func ingress(ns, name, host, secretName, clusterIssuer string) *networkingv1.Ingress {
	pathType := networkingv1.PathTypePrefix
	return &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Annotations: map[string]string{
			"cert-manager.io/issuer":       clusterIssuer,
			"cert-manager.io/issuer-kind":  "ResellerClusterIssuer",
			"cert-manager.io/issuer-group": v1alpha1.GroupVersion.Group,
		}},
		Spec: networkingv1.IngressSpec{
			TLS: []networkingv1.IngressTLS{{Hosts: []string{host}, SecretName: secretName}},
			Rules: []networkingv1.IngressRule{{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
				Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &pathType, Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: name, Port: networkingv1.ServiceBackendPort{Number: 80}}}}},
			}}}},
		},
	}
}

func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "RESOURCE\tISSUER\tREADY\tNAMES\tNOT AFTER\tISSUING CA")
	for _, r := range rows {
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.resource, r.issuer, r.ready, r.names, r.notAfter, r.issuingCA)
	}
	_ = tw.Flush()
}
