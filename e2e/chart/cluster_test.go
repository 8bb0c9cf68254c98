//go:build e2e

package chart

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
	"github.com/reseller-issuer/reseller-issuer/e2e/kubeschema"
)

// TestOnCluster installs the chart with everything switched on, checks
// every rendered object against the API server's own schemas (kubeconform,
// strict), upgrades to the defaults, uninstalls (the CRDs stay), and
// applies the plain manifest.
func TestOnCluster(t *testing.T) {
	ctx := t.Context()
	const ns = "reseller-issuer"
	for _, name := range []string{ns, "reseller-issuer-secrets"} {
		require.NoError(t, cluster.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}))
	}

	t.Run("install", func(t *testing.T) {
		out, err := helm(t, "install", "reseller-issuer", chartDir(t), "--namespace", ns, "--values", allOn)
		require.NoError(t, err)
		assert.Contains(t, out, "STATUS: deployed")
		assert.Contains(t, out, "Next steps", "NOTES.txt tells what to create next")
		// The built-in responder's challenges are on the ResellerOrders only.
		assert.Contains(t, out, "the names each still validates (VALIDATING):\n  kubectl get resellerorders -A", "NOTES.txt shows where every open validation is")
		_, objs := render(t, allOn)
		for _, o := range objs {
			got := &unstructured.Unstructured{}
			got.SetGroupVersionKind(o.GroupVersionKind())
			assert.NoError(t, cluster.Client.Get(ctx, client.ObjectKeyFromObject(o), got), "%s %s", o.GetKind(), namespaced(o))
		}
	})

	// The README's troubleshooting check for a request that is not approved.
	// (kubectl auth can-i cannot ask it: signers is not a served resource,
	// so kubectl drops the group from the question and the answer is
	// always no.)
	t.Run("a SubjectAccessReview says the approver may approve our signers", func(t *testing.T) {
		kubectl, err := framework.AssetTool("kubectl")
		require.NoError(t, err)
		for _, c := range []struct{ user, want string }{
			{"system:serviceaccount:cert-manager:cert-manager", "true"},
			{"system:serviceaccount:cert-manager:someone-else", "false"},
		} {
			for _, signer := range []string{"resellerissuers", "resellerclusterissuers"} {
				cmd := exec.CommandContext(ctx, kubectl, "--kubeconfig", cluster.KubeconfigPath, "create",
					"-o", "jsonpath={.status.allowed}", "-f", "-")
				cmd.Stdin = strings.NewReader("apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n" +
					"  user: " + c.user + "\n" +
					"  groups: [system:serviceaccounts, system:serviceaccounts:cert-manager, system:authenticated]\n" +
					"  resourceAttributes: {group: cert-manager.io, resource: signers, verb: approve, name: '" + signer + ".reseller-issuer.dev/*'}\n")
				out, err := cmd.CombinedOutput()
				require.NoError(t, err, "%s", out)
				assert.Equal(t, c.want, string(out), "%s, %s", c.user, signer)
			}
		}
	})

	t.Run("kubeconform", func(t *testing.T) {
		for _, values := range [][]string{nil, {allOn}} {
			manifest, objs := render(t, values...)
			kubeconform(t, manifest, len(objs))
		}
		// The schemas are strict: a misspelled field fails.
		bad := "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  prots: [{port: 80}]\n"
		out, err := runKubeconform(t, bad)
		require.Error(t, err, "kubeconform accepted a misspelled field:\n%s", out)
		assert.Contains(t, out, "prots")
	})

	t.Run("upgrade to the defaults", func(t *testing.T) {
		_, err := helm(t, "upgrade", "reseller-issuer", chartDir(t), "--namespace", ns, "--reset-values")
		require.NoError(t, err)
		for _, kind := range []string{"ServiceMonitor", "PrometheusRule"} {
			err = cluster.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "reseller-issuer"}, object("monitoring.coreos.com/v1", kind))
			assert.True(t, apierrors.IsNotFound(err), "the %s is gone once switched off: %v", kind, err)
		}
	})

	t.Run("uninstall keeps the CRDs", func(t *testing.T) {
		_, err := helm(t, "uninstall", "reseller-issuer", "--namespace", ns, "--wait")
		require.NoError(t, err)
		for _, name := range generatedCRDs(t) {
			assert.NoError(t, cluster.Client.Get(ctx, client.ObjectKey{Name: name}, object("apiextensions.k8s.io/v1", "CustomResourceDefinition")), "CRD %s", name)
		}
		err = cluster.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "reseller-issuer"}, &corev1.ServiceAccount{})
		assert.True(t, apierrors.IsNotFound(err), "the rest is removed: %v", err)
	})

	t.Run("kubectl apply of the plain manifest", func(t *testing.T) {
		root, err := framework.RepoRoot()
		require.NoError(t, err)
		kubectl, err := framework.AssetTool("kubectl")
		require.NoError(t, err)
		out, err := exec.CommandContext(ctx, kubectl, "--kubeconfig", cluster.KubeconfigPath, "apply", "--server-side",
			"-f", filepath.Join(root, "deploy", "manifests", "reseller-issuer.yaml")).CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), "deployment.apps/reseller-issuer serverside-applied")
	})

	// The README's uninstall of the plain manifest: kubectl delete -f would
	// take the CRDs (every ResellerOrder) and the namespace with it.
	t.Run("the README's kubectl uninstall keeps the CRDs and the namespace", func(t *testing.T) {
		root, err := framework.RepoRoot()
		require.NoError(t, err)
		readme, err := os.ReadFile(filepath.Join(root, "README.md"))
		require.NoError(t, err)
		kubectl, err := framework.AssetTool("kubectl")
		require.NoError(t, err)
		for _, args := range []string{
			"delete -n reseller-issuer deployment,service,serviceaccount,poddisruptionbudget,role,rolebinding -l app.kubernetes.io/instance=reseller-issuer",
			"delete clusterrole,clusterrolebinding -l app.kubernetes.io/instance=reseller-issuer",
		} {
			require.Contains(t, string(readme), "kubectl "+args, "the README's command")
			out, err := exec.CommandContext(ctx, kubectl, append([]string{"--kubeconfig", cluster.KubeconfigPath}, strings.Fields(args)...)...).CombinedOutput()
			require.NoError(t, err, "%s", out)
		}
		manifest, err := os.ReadFile(filepath.Join(root, "deploy", "manifests", "reseller-issuer.yaml"))
		require.NoError(t, err)
		objs, err := framework.DecodeObjects(manifest)
		require.NoError(t, err)
		for _, o := range objs {
			err := cluster.Client.Get(ctx, client.ObjectKeyFromObject(o), object(o.GetAPIVersion(), o.GetKind()))
			switch o.GetKind() {
			case "CustomResourceDefinition", "Namespace":
				assert.NoError(t, err, "%s %s stays", o.GetKind(), namespaced(o))
			default:
				assert.True(t, apierrors.IsNotFound(err), "%s %s is deleted: %v", o.GetKind(), namespaced(o), err)
			}
		}
	})
}

// object is an empty object of a kind, to Get into.
func object(apiVersion, kind string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind}}
}

// kubeconform validates a manifest strictly against schemas produced from
// the test cluster's /openapi/v2, and requires every object to be valid.
func kubeconform(t *testing.T, manifest string, objects int) {
	t.Helper()
	out, err := runKubeconform(t, manifest)
	require.NoError(t, err, "%s", out)
	m := regexp.MustCompile(`Valid: (\d+), Invalid: 0, Errors: 0, Skipped: 0`).FindStringSubmatch(out)
	require.NotNil(t, m, "%s", out)
	t.Logf("kubeconform -strict: %s", strings.TrimSpace(out))
	valid, _ := strconv.Atoi(m[1])
	assert.Equal(t, objects, valid, "every rendered object is validated")
}

func runKubeconform(t *testing.T, manifest string) (string, error) {
	t.Helper()
	objs, err := framework.DecodeObjects([]byte(manifest))
	require.NoError(t, err)
	var want []kubeschema.GVK
	for _, o := range objs {
		want = append(want, kubeschema.GVK{APIVersion: o.GetAPIVersion(), Kind: o.GetKind()})
	}
	dir := t.TempDir()
	require.NoError(t, kubeschema.Write(openAPI(t, want), dir, want))
	bin, err := framework.AssetTool("kubeconform")
	require.NoError(t, err)
	cmd := exec.CommandContext(t.Context(), bin, "-strict", "-summary", "-schema-location", kubeschema.Location(dir), "-")
	cmd.Stdin = strings.NewReader(manifest)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// openAPI returns the cluster's OpenAPI v2 document once it publishes every
// kind of want (a CRD's schema appears a moment after the CRD).
func openAPI(t *testing.T, want []kubeschema.GVK) []byte {
	t.Helper()
	kube, err := kubernetes.NewForConfig(cluster.Config)
	require.NoError(t, err)
	var doc []byte
	require.NoError(t, framework.Eventually(t.Context(), time.Minute, time.Second, func() (bool, error) {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		doc, err = kube.Discovery().RESTClient().Get().AbsPath("/openapi/v2").SetHeader("Accept", "application/json").DoRaw(ctx)
		if err != nil {
			return false, err
		}
		return kubeschema.Write(doc, t.TempDir(), want) == nil, nil
	}, nil), "the API server never published every kind the chart renders")
	return doc
}
