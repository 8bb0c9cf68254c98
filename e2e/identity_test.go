//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// approverBinding is the chart's ClusterRoleBinding that lets cert-manager's
// controller approve requests for reseller issuers.
const approverBinding = framework.IssuerRelease + ":approve"

// TestApproverRBAC: cert-manager approves a request for a reseller issuer
// only through the chart's approver binding. Without it, cert-manager's
// approvals are rejected (the approval policy enforces cert-manager's
// webhook rule), the request stays unapproved and nothing is ordered; with
// it back, the same Certificate is issued.
func TestApproverRBAC(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	c := s.Control.Client
	binding := s.IssuerIdentity.Object("ClusterRoleBinding", approverBinding)
	require.NotNil(t, binding, "the chart renders the approver binding")

	ns := "approver"
	createNamespace(t, s, ns)
	createSecret(t, s, ns, "sslci-token", accounts["approver-sslci"])
	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sslci"}, Spec: sslciSpec(s, "sslci-token")}
	require.NoError(t, c.Create(ctx, issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)

	require.NoError(t, c.Delete(ctx, binding.DeepCopy()))
	restored := false
	restore := func() {
		if !restored {
			require.NoError(t, framework.CreateObjects(ctx, c, []*unstructured.Unstructured{binding}))
			restored = true
		}
	}
	t.Cleanup(restore)

	names := []string{"approve.example.com"}
	cert := createCertificate(t, s, ns, "shop", cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: "sslci"}, names...)
	req := waitRequest(t, s, cert)
	signer := "resellerissuers.reseller-issuer.dev/" + ns + ".sslci"

	// cert-manager tries, is refused, backs off and tries again.
	var refused []framework.Refusal
	require.NoError(t, framework.Eventually(ctx, issueTimeout, time.Second, func() (bool, error) {
		all, err := s.Control.Audit.Rejections()
		refused = slices.DeleteFunc(all, func(r framework.Refusal) bool {
			return r.User != s.CertManagerIdentity.User() || r.Resource != "certificaterequests" || r.Subresource != "status" ||
				r.Namespace != ns || r.Name != req.Name
		})
		return len(refused) >= 2, err
	}, nil), "cert-manager never tried to approve %s/%s", ns, req.Name)
	for _, r := range refused {
		assert.Contains(t, r.Message, "may not approve or deny CertificateRequests for signer "+signer)
	}
	require.NoError(t, c.Get(ctx, client.ObjectKeyFromObject(req), req))
	for _, cond := range req.Status.Conditions {
		assert.NotContains(t, []cmapi.CertificateRequestConditionType{cmapi.CertificateRequestConditionApproved, cmapi.CertificateRequestConditionDenied}, cond.Type,
			"the request stays undecided without the approver binding")
	}
	stats, err := s.SandboxStats(ctx)
	require.NoError(t, err)
	assert.Zero(t, stats.SSLCI["approver-sslci"].VerificationOrders, "nothing is ordered for an unapproved request")

	restore()
	waitCertificateReady(t, s, cert)
	secret := waitSecret(t, s, ns, cert.Spec.SecretName)
	verifyChain(t, s, secret.Data["tls.crt"], names, publicKeyOfSecret(t, secret))
	assert.Equal(t, 1, finalizes(t, s, "approver-sslci"))
}

// TestMissingPermissionIsNamed: when the controller lacks a permission, the
// suite names the verb and the resource instead of waiting for a
// certificate that never comes. The chart's ClusterRole loses "get secrets"
// for a moment; an Issuer's credential check is then refused, and
// deniedErr says so.
func TestMissingPermissionIsNamed(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	c := s.Control.Client
	require.NoError(t, deniedErr(s), "no permission is missing before the test")

	role := &rbacv1.ClusterRole{}
	require.NoError(t, c.Get(ctx, client.ObjectKey{Name: framework.IssuerRelease}, role))
	original := slices.Clone(role.Rules)
	var without []rbacv1.PolicyRule
	for _, r := range role.Rules {
		if slices.Contains(r.Resources, "secrets") {
			r.Resources = slices.DeleteFunc(slices.Clone(r.Resources), func(res string) bool { return res == "secrets" })
		}
		without = append(without, r)
	}
	role.Rules = without
	require.NoError(t, c.Update(ctx, role))
	restoreRole := func() {
		require.NoError(t, c.Get(ctx, client.ObjectKey{Name: framework.IssuerRelease}, role))
		role.Rules = original
		require.NoError(t, c.Update(ctx, role))
	}
	restored := false
	t.Cleanup(func() {
		if !restored {
			restoreRole()
		}
	})

	ns := "missing-permission"
	createNamespace(t, s, ns)
	createSecret(t, s, ns, "sslci-token", accounts["sslci-certificate"])
	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sslci"}, Spec: sslciSpec(s, "sslci-token")}
	require.NoError(t, c.Create(ctx, issuer))

	var err error
	require.NoError(t, framework.Eventually(ctx, time.Minute, 250*time.Millisecond, func() (bool, error) {
		err = deniedErr(s)
		return err != nil, nil
	}, nil), "the missing permission was never reported")
	assert.Contains(t, err.Error(), fmt.Sprintf("%s may not get secrets (core) named \"sslci-token\" in namespace %q", s.IssuerIdentity.User(), ns))

	restoreRole()
	restored = true
	require.NoError(t, s.Control.Audit.Forgive())
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
	require.NoError(t, c.Delete(ctx, issuer))
}

// deniedErr names every request RBAC refused to a component under test: a
// permission its chart lacks.
func deniedErr(s *framework.Stack) error {
	denials, err := s.Control.Audit.Denials()
	if err != nil {
		return fmt.Errorf("reading the audit log: %w", err)
	}
	if len(denials) == 0 {
		return nil
	}
	lines := make([]string, len(denials))
	for i, d := range denials {
		lines[i] = d.String()
	}
	return fmt.Errorf("RBAC refused %d requests (a permission missing from a chart):\n  %s", len(denials), strings.Join(lines, "\n  "))
}

// waitRequest waits for the CertificateRequest of a Certificate's first
// issuance.
func waitRequest(t *testing.T, s *framework.Stack, cert *cmapi.Certificate) *cmapi.CertificateRequest {
	t.Helper()
	var req *cmapi.CertificateRequest
	require.Eventually(t, func() bool {
		var reqs cmapi.CertificateRequestList
		if err := s.Control.Client.List(context.Background(), &reqs, client.InNamespace(cert.Namespace)); err != nil {
			return false
		}
		for i, r := range reqs.Items {
			if r.Annotations[cmapi.CertificateNameKey] == cert.Name {
				req = &reqs.Items[i]
				return true
			}
		}
		return false
	}, issueTimeout, 250*time.Millisecond, "no CertificateRequest for Certificate %s/%s", cert.Namespace, cert.Name)
	return req
}
