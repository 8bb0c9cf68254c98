package framework

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// WebhookSolver is a cert-manager DNS01 webhook solver running as its own
// process, under its own identity, reached through the kube-apiserver's
// aggregation layer: an APIService v1alpha1.<Group> backed by an
// ExternalName Service that names localhost.
type WebhookSolver struct {
	// Group is the solver's API group (dns01.webhook.groupName); Name its
	// resource (dns01.webhook.solverName).
	Group, Name string
	// User is the identity the solver runs as.
	User    string
	Process *Process
	// Namespace holds its Service.
	Namespace string
}

// WebhookSolverOptions configures StartWebhookSolver.
type WebhookSolverOptions struct {
	// Package is the solver program, e.g. ./e2e/cmd/knot-webhook; it takes
	// its group from $GROUP_NAME, as cert-manager's webhook-example does.
	Package string
	// Group and Name as in WebhookSolver.
	Group, Name string
	// Callers are the identities allowed to call the solver (create on
	// <Name> in <Group>), as cert-manager's chart grants its controller.
	Callers []rbacv1.Subject
}

// StartWebhookSolver builds the solver, gives it the RBAC every webhook
// solver needs (read the request-header CA from
// kube-system/extension-apiserver-authentication, delegate authentication
// and authorization to the API server), starts it with a serving
// certificate for <service>.<namespace>.svc (the name the aggregator
// verifies) and registers its APIService, then waits until the aggregator
// reports it Available.
func (s *Stack) StartWebhookSolver(ctx context.Context, o WebhookSolverOptions) (*WebhookSolver, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(s.Dir, "bin")
	if err := BuildBinaries(root, bin, o.Package); err != nil {
		return nil, err
	}
	w := &WebhookSolver{Group: o.Group, Name: o.Name, User: o.Name + "-webhook-solver", Namespace: o.Name + "-webhook"}
	dir := filepath.Join(s.Dir, w.Namespace)
	kubeconfig := filepath.Join(s.Dir, w.Namespace+".kubeconfig")
	if err := s.Control.UserKubeconfig(kubeconfig, w.User); err != nil {
		return nil, err
	}
	c := s.Control.Client
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: w.Namespace}}); err != nil {
		return nil, err
	}
	for _, obj := range webhookSolverRBAC(w, o.Callers) {
		if err := c.Create(ctx, obj); err != nil {
			return nil, fmt.Errorf("creating %T %s: %w", obj, obj.GetName(), err)
		}
	}

	ca, err := NewCA(dir, w.Name+"-webhook-ca")
	if err != nil {
		return nil, err
	}
	service := w.Name
	cert, key, err := ca.Issue(dir, w.Name+"-webhook", false, service+"."+w.Namespace+".svc", "localhost", "127.0.0.1")
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(1)
	if err != nil {
		return nil, err
	}
	port := ports[0]
	// env(1) passes GROUP_NAME and execs the solver in place.
	w.Process, err = StartProcess(ctx, w.Namespace, filepath.Join(s.Dir, w.Namespace+".log"), "/usr/bin/env",
		"GROUP_NAME="+o.Group, filepath.Join(bin, filepath.Base(o.Package)),
		"--secure-port", strconv.Itoa(port), "--bind-address", "127.0.0.1",
		"--tls-cert-file", cert, "--tls-private-key-file", key,
		"--kubeconfig", kubeconfig, "--authentication-kubeconfig", kubeconfig, "--authorization-kubeconfig", kubeconfig,
		"--v", "2")
	if err != nil {
		return nil, err
	}

	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: w.Namespace, Name: service},
		Spec: corev1.ServiceSpec{
			Type:         corev1.ServiceTypeExternalName,
			ExternalName: "localhost",
			Ports:        []corev1.ServicePort{{Name: "https", Port: int32(port)}},
		},
	}
	if err := c.Create(ctx, svc); err != nil {
		return nil, errors.Join(err, w.Process.Stop())
	}
	api := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1",
		"kind":       "APIService",
		"metadata":   map[string]any{"name": "v1alpha1." + o.Group},
		"spec": map[string]any{
			"group":                o.Group,
			"version":              "v1alpha1",
			"service":              map[string]any{"name": service, "namespace": w.Namespace, "port": int64(port)},
			"caBundle":             base64.StdEncoding.EncodeToString(ca.CertPEM),
			"groupPriorityMinimum": int64(1000),
			"versionPriority":      int64(15),
		},
	}}
	if err := c.Create(ctx, api); err != nil {
		return nil, errors.Join(err, w.Process.Stop())
	}
	if err := waitAPIServiceAvailable(ctx, c, api.GetName()); err != nil {
		return nil, errors.Join(fmt.Errorf("%w (solver log: %s; kube-apiserver log in %s)", err, w.Process.LogPath, s.Dir), w.Process.Stop())
	}
	return w, nil
}

// GrantSecrets lets the solver read Secrets in ns (where its config's
// Secrets live: the issuer's namespace, or the cluster resource namespace).
func (w *WebhookSolver) GrantSecrets(ctx context.Context, c client.Client, ns string) error {
	return c.Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: w.User + ":secrets"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: w.User + ":secrets"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: w.User}},
	})
}

// webhookSolverRBAC is the RBAC of the README's "RBAC for a webhook solver".
func webhookSolverRBAC(w *WebhookSolver, callers []rbacv1.Subject) []client.Object {
	solver := []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: w.User}}
	return []client.Object{
		// Read the request-header CA the aggregator's client certificate is
		// checked against.
		&rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: w.User + ":auth-reader"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "extension-apiserver-authentication-reader"},
			Subjects:   solver,
		},
		// TokenReviews and SubjectAccessReviews for the callers.
		&rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: w.User + ":auth-delegator"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "system:auth-delegator"},
			Subjects:   solver,
		},
		// Read the Secrets its config names (bound per namespace).
		&rbacv1.ClusterRole{
			ObjectMeta: metav1.ObjectMeta{Name: w.User + ":secrets"},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get"}}},
		},
		// Who may call it: create on the solver's resource.
		&rbacv1.ClusterRole{
			ObjectMeta: metav1.ObjectMeta{Name: w.Group + ":domain-solver"},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{w.Group}, Resources: []string{w.Name}, Verbs: []string{"create"}}},
		},
		&rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: w.Group + ":domain-solver"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: w.Group + ":domain-solver"},
			Subjects:   callers,
		},
	}
}

func waitAPIServiceAvailable(ctx context.Context, c client.Client, name string) error {
	last := "not seen yet"
	err := Eventually(ctx, 2*time.Minute, 500*time.Millisecond, func() (bool, error) {
		api := &unstructured.Unstructured{}
		api.SetAPIVersion("apiregistration.k8s.io/v1")
		api.SetKind("APIService")
		if err := c.Get(ctx, types.NamespacedName{Name: name}, api); err != nil {
			if apierrors.IsNotFound(err) {
				return false, nil
			}
			return false, err
		}
		conds, _, _ := unstructured.NestedSlice(api.Object, "status", "conditions")
		for _, c := range conds {
			m, _ := c.(map[string]any)
			if m["type"] == "Available" {
				last = fmt.Sprintf("%v: %v", m["reason"], m["message"])
				return m["status"] == "True", nil
			}
		}
		return false, nil
	}, nil)
	if err != nil {
		return fmt.Errorf("APIService %s not Available (%s): %w", name, last, err)
	}
	return nil
}

// Stop stops the solver process.
func (w *WebhookSolver) Stop() error { return w.Process.Stop() }
