//go:build e2e

package chart

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

func TestLint(t *testing.T) {
	for _, values := range [][]string{nil, {"--values", allOn}} {
		out, err := helm(t, append([]string{"lint", "--strict", chartDir(t)}, values...)...)
		require.NoError(t, err)
		assert.Contains(t, out, "1 chart(s) linted, 0 chart(s) failed")
	}
}

// TestBadValues: each file in testdata/bad-values is refused by
// values.schema.json, and the error names the field its "# want:" line gives.
func TestBadValues(t *testing.T) {
	files, err := filepath.Glob("testdata/bad-values/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			want := wantLine(t, f)
			_, err := helm(t, "template", "reseller-issuer", chartDir(t), "--values", f)
			require.Error(t, err, "helm accepted %s", f)
			assert.Contains(t, err.Error(), "values don't meet the specifications of the schema")
			assert.Contains(t, err.Error(), want)
		})
	}
}

func wantLine(t *testing.T, file string) string {
	t.Helper()
	f, err := os.Open(file)
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if w, ok := strings.CutPrefix(s.Text(), "# want: "); ok {
			return w
		}
	}
	t.Fatalf("%s has no '# want:' line", file)
	return ""
}

// TestDefaults checks what the chart renders with its defaults: exactly
// these objects (plus one CRD per file in deploy/crds), wired together.
func TestDefaults(t *testing.T) {
	_, objs := render(t)
	var got, crds []string
	for _, o := range objs {
		if o.GetKind() == "CustomResourceDefinition" {
			crds = append(crds, o.GetName())
			assert.Equal(t, "keep", o.GetAnnotations()["helm.sh/resource-policy"], "CRDs are kept on uninstall by default")
			continue
		}
		got = append(got, o.GetKind()+" "+namespaced(o))
	}
	assert.ElementsMatch(t, []string{
		"ServiceAccount reseller-issuer/reseller-issuer",
		"ClusterRole reseller-issuer",
		"ClusterRoleBinding reseller-issuer",
		"Role reseller-issuer/reseller-issuer",
		"RoleBinding reseller-issuer/reseller-issuer",
		"ClusterRole reseller-issuer:approve",
		"ClusterRoleBinding reseller-issuer:approve",
		"Service reseller-issuer/reseller-issuer-http01",
		"Service reseller-issuer/reseller-issuer-metrics",
		"Deployment reseller-issuer/reseller-issuer",
		"PodDisruptionBudget reseller-issuer/reseller-issuer",
	}, got)
	assert.ElementsMatch(t, generatedCRDs(t), crds, "the chart installs every CRD in deploy/crds")

	dep := typed[appsv1.Deployment](t, find(t, objs, "Deployment", "reseller-issuer"))
	assert.EqualValues(t, 2, *dep.Spec.Replicas)
	pod := dep.Spec.Template
	c := pod.Spec.Containers[0]
	assert.Contains(t, c.Args, "--http01-service=reseller-issuer-http01.reseller-issuer.svc.cluster.local:80",
		"the controller is told the responder Service's name, which the chart renders")
	assert.Contains(t, c.Args, "--cluster-resource-namespace=reseller-issuer")
	assert.Contains(t, c.Args, "--leader-elect=true")
	assert.True(t, *pod.Spec.SecurityContext.RunAsNonRoot)
	assert.Equal(t, corev1.SeccompProfileTypeRuntimeDefault, pod.Spec.SecurityContext.SeccompProfile.Type)
	assert.True(t, *c.SecurityContext.ReadOnlyRootFilesystem)
	assert.False(t, *c.SecurityContext.AllowPrivilegeEscalation)
	assert.Equal(t, []corev1.Capability{"ALL"}, c.SecurityContext.Capabilities.Drop)
	assert.NotNil(t, c.LivenessProbe)
	assert.NotNil(t, c.ReadinessProbe)
	assert.NotEmpty(t, c.Resources.Requests)
	require.Len(t, pod.Spec.TopologySpreadConstraints, 2)
	for _, tsc := range pod.Spec.TopologySpreadConstraints {
		assert.Equal(t, dep.Spec.Selector.MatchLabels, tsc.LabelSelector.MatchLabels, "spread counts this release's pods")
	}

	for _, name := range []string{"reseller-issuer-http01", "reseller-issuer-metrics"} {
		svc := typed[corev1.Service](t, find(t, objs, "Service", name))
		assert.True(t, labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(pod.Labels)), "Service %s selects the pods", name)
		for _, p := range svc.Spec.Ports {
			assert.True(t, slices.ContainsFunc(c.Ports, func(cp corev1.ContainerPort) bool { return cp.Name == p.TargetPort.StrVal }),
				"Service %s targets container port %q", name, p.TargetPort.StrVal)
		}
	}

	approver := typed[rbacv1.ClusterRoleBinding](t, find(t, objs, "ClusterRoleBinding", "reseller-issuer:approve"))
	assert.Equal(t, []rbacv1.Subject{{Kind: "ServiceAccount", Name: "cert-manager", Namespace: "cert-manager"}}, approver.Subjects,
		"cert-manager's controller approves requests by default")
}

// TestRBACIsGenerated: the chart's controller RBAC is exactly what
// controller-gen derives from the code (deploy/rbac/role.yaml).
func TestRBACIsGenerated(t *testing.T) {
	_, objs := render(t)
	root, err := framework.RepoRoot()
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(root, "deploy", "rbac", "role.yaml"))
	require.NoError(t, err)
	generated, err := framework.DecodeObjects(data)
	require.NoError(t, err)
	for _, g := range generated {
		want := typed[rbacv1.ClusterRole](t, g) // Role and ClusterRole share the rules' shape
		got := typed[rbacv1.ClusterRole](t, find(t, objs, g.GetKind(), "reseller-issuer"))
		assert.Equal(t, want.Rules, got.Rules, "%s rules", g.GetKind())
	}
}

func TestAllOn(t *testing.T) {
	_, objs := render(t, allOn)
	for _, kind := range []string{"ServiceMonitor", "PrometheusRule", "NetworkPolicy", "PodDisruptionBudget"} {
		assert.NotEmpty(t, framework.SelectObjects(objs, kind), "all-on renders a %s", kind)
	}
	dep := typed[appsv1.Deployment](t, find(t, objs, "Deployment", "reseller-issuer"))
	c := dep.Spec.Template.Spec.Containers[0]
	assert.Equal(t, "registry.example.com/reseller-issuer@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", c.Image,
		"a digest wins over the tag")
	assert.Contains(t, c.Args, "--http01-service=reseller-issuer-http01.reseller-issuer.svc.cluster.example:8089")
	assert.Contains(t, c.Args, "--max-retry-duration=12h")
	assert.Equal(t, "system-cluster-critical", dep.Spec.Template.Spec.PriorityClassName)
	role := find(t, objs, "Role", "reseller-issuer")
	assert.Equal(t, "reseller-issuer-secrets", role.GetNamespace(), "the Lease's Role lives in the cluster resource namespace")

	sm := find(t, objs, "ServiceMonitor", "reseller-issuer")
	selector, _, err := unstructured.NestedStringMap(sm.Object, "spec", "selector", "matchLabels")
	require.NoError(t, err)
	metrics := typed[corev1.Service](t, find(t, objs, "Service", "reseller-issuer-metrics"))
	assert.True(t, labels.SelectorFromSet(selector).Matches(labels.Set(metrics.Labels)), "the ServiceMonitor selects the metrics Service")
}

func generatedCRDs(t *testing.T) []string {
	t.Helper()
	root, err := framework.RepoRoot()
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join(root, "deploy", "crds", "*.yaml"))
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		objs, err := framework.DecodeObjects(data)
		require.NoError(t, err)
		for _, o := range objs {
			names = append(names, o.GetName())
		}
	}
	return names
}

func find(t *testing.T, objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	t.Helper()
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	t.Fatalf("no %s %s rendered", kind, name)
	return nil
}

func typed[T any](t *testing.T, o *unstructured.Unstructured) *T {
	t.Helper()
	out := new(T)
	require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, out))
	return out
}

func namespaced(o *unstructured.Unstructured) string {
	if o.GetNamespace() == "" {
		return o.GetName()
	}
	return o.GetNamespace() + "/" + o.GetName()
}
