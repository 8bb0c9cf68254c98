package framework

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The identities the components under test run as: the ServiceAccounts the
// charts create.
const (
	CertManagerNamespace      = "cert-manager"
	CertManagerServiceAccount = "cert-manager"
	// IssuerRelease is the release name of our chart in the stack; the
	// ServiceAccount and the RBAC objects carry it as their name.
	IssuerRelease = "reseller-issuer"
)

// ChartPath is our chart's folder, relative to the repository root.
const ChartPath = "deploy/charts/reseller-issuer"

// identityKinds are the kinds that make up a component's identity.
var identityKinds = []string{"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"}

// Identity is a component's ServiceAccount with the RBAC its chart grants,
// installed in the cluster.
type Identity struct {
	Namespace, ServiceAccount string
	// Kubeconfig authenticates as the ServiceAccount.
	Kubeconfig string
	// Objects are what was created: the ServiceAccount and the RBAC.
	Objects []*unstructured.Unstructured
}

// User is the identity's user name as the API server sees it.
func (id *Identity) User() string {
	return "system:serviceaccount:" + id.Namespace + ":" + id.ServiceAccount
}

// Object returns the created object of that kind and name, or nil.
func (id *Identity) Object(kind, name string) *unstructured.Unstructured {
	for _, o := range id.Objects {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	return nil
}

// AssetTool returns the path of a tool linked into $KUBEBUILDER_ASSETS by
// e2e/scripts/assets.sh (helm, kubeconform, kubectl).
func AssetTool(name string) (string, error) {
	assets := os.Getenv(AssetsEnv)
	if assets == "" {
		return "", fmt.Errorf("%s is not set: e2e/scripts/assets.sh prints the folder", AssetsEnv)
	}
	path := filepath.Join(assets, name)
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("%s has no %s: run e2e/scripts/assets.sh again", AssetsEnv, name)
	}
	return path, nil
}

// RenderChart runs `helm template release chartDir --namespace namespace
// args...` and decodes the objects.
func RenderChart(ctx context.Context, chartDir, release, namespace string, args ...string) ([]*unstructured.Unstructured, error) {
	helm, err := AssetTool("helm")
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, helm, append([]string{"template", release, chartDir, "--namespace", namespace}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("helm template %s: %w: %s", chartDir, err, stderr.String())
	}
	return DecodeObjects(out)
}

// InstallCertManagerIdentity creates what cert-manager v1.21.1's own chart
// (deploy/charts/cert-manager in the module go.mod selects) grants its
// controller: the ServiceAccount cert-manager/cert-manager and its RBAC,
// rendered with the chart's defaults. The kubeconfig is written to dir.
func (cp *ControlPlane) InstallCertManagerIdentity(ctx context.Context, dir string) (*Identity, error) {
	module, err := moduleDir(certManagerModule)
	if err != nil {
		return nil, err
	}
	objs, err := RenderChart(ctx, filepath.Join(module, "deploy", "charts", "cert-manager"), "cert-manager", CertManagerNamespace)
	if err != nil {
		return nil, err
	}
	return cp.installIdentity(ctx, dir, CertManagerNamespace, CertManagerServiceAccount,
		grantedTo(objs, CertManagerNamespace, CertManagerServiceAccount))
}

// grantedTo returns, of a chart's objects, the ServiceAccount namespace/name,
// the (Cluster)RoleBindings that bind it, and the (Cluster)Roles those refer
// to: what the chart grants that one identity (not its other components').
func grantedTo(objs []*unstructured.Unstructured, namespace, name string) []*unstructured.Unstructured {
	var bindings []*unstructured.Unstructured
	roles := map[string]bool{} // kind/namespace/name of the roles bound
	for _, b := range SelectObjects(objs, "RoleBinding", "ClusterRoleBinding") {
		subjects, _, _ := unstructured.NestedSlice(b.Object, "subjects")
		for _, sub := range subjects {
			m, _ := sub.(map[string]any)
			if m["kind"] == "ServiceAccount" && m["name"] == name && m["namespace"] == namespace {
				bindings = append(bindings, b)
				kind, _, _ := unstructured.NestedString(b.Object, "roleRef", "kind")
				role, _, _ := unstructured.NestedString(b.Object, "roleRef", "name")
				ns := ""
				if kind == "Role" {
					ns = b.GetNamespace()
				}
				roles[kind+"/"+ns+"/"+role] = true
				break
			}
		}
	}
	var out []*unstructured.Unstructured
	for _, o := range objs {
		switch {
		case o.GetKind() == "ServiceAccount" && o.GetNamespace() == namespace && o.GetName() == name,
			roles[o.GetKind()+"/"+o.GetNamespace()+"/"+o.GetName()]:
			out = append(out, o)
		}
	}
	return append(out, bindings...)
}

// InstallIssuerIdentity creates what our chart grants reseller-issuer,
// rendered as release IssuerRelease in namespace (which must exist) with the
// chart's defaults plus helmArgs (e.g. "--set", "approver.enabled=false"):
// its ServiceAccount, its ClusterRole and Role from the code's RBAC markers,
// and the approver RBAC for cert-manager. The kubeconfig is written to dir.
func (cp *ControlPlane) InstallIssuerIdentity(ctx context.Context, dir, namespace string, helmArgs ...string) (*Identity, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	objs, err := RenderChart(ctx, filepath.Join(root, ChartPath), IssuerRelease, namespace, helmArgs...)
	if err != nil {
		return nil, err
	}
	return cp.installIdentity(ctx, dir, namespace, IssuerRelease, SelectObjects(objs, identityKinds...))
}

func (cp *ControlPlane) installIdentity(ctx context.Context, dir, namespace, serviceAccount string, objs []*unstructured.Unstructured) (*Identity, error) {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}
	if err := cp.Client.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, err
	}
	if err := CreateObjects(ctx, cp.Client, objs); err != nil {
		return nil, err
	}
	id := &Identity{Namespace: namespace, ServiceAccount: serviceAccount, Objects: objs,
		Kubeconfig: filepath.Join(dir, serviceAccount+".kubeconfig")}
	if id.Object("ServiceAccount", serviceAccount) == nil {
		return nil, fmt.Errorf("the chart creates no ServiceAccount %s/%s", namespace, serviceAccount)
	}
	if err := cp.ServiceAccountKubeconfig(ctx, namespace, serviceAccount, id.Kubeconfig); err != nil {
		return nil, err
	}
	return id, nil
}
