//go:build e2e

// Package chart checks deploy/charts/reseller-issuer as users meet it: helm
// lint, what it renders (checked against the Kubernetes and CRD schemas by
// kubeconform, strictly), values refused by values.schema.json, and helm
// install, upgrade and uninstall on a local kube-apiserver.
package chart

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// cluster is the control plane the chart is installed into: Kubernetes,
// cert-manager's, Gateway API's HTTPRoute and the Prometheus Operator's
// monitoring CRDs, but not ours (the chart installs them).
var cluster *framework.ControlPlane

func TestMain(m *testing.M) {
	ctrllog.SetLogger(logr.Discard())
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "reseller-chart-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "chart: control plane logs in %s\n", dir)
	monitoring, err := output("e2e/scripts/monitoring-crds.sh")
	if err != nil {
		fmt.Fprintln(os.Stderr, "chart: the monitoring CRDs:", err)
		return 1
	}
	cluster, err = framework.StartControlPlaneWith(context.Background(), dir, framework.ControlPlaneOptions{
		WithoutOwnCRDs: true,
		ExtraCRDs:      []string{strings.TrimSpace(monitoring)},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "chart: starting the control plane:", err)
		return 1
	}
	code := m.Run()
	if err := cluster.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "chart: stopping the control plane:", err)
	}
	return code
}

// output runs a repository script and returns its stdout.
func output(script string, args ...string) (string, error) {
	root, err := framework.RepoRoot()
	if err != nil {
		return "", err
	}
	cmd := exec.Command(filepath.Join(root, script), args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	return string(out), err
}

// chartDir is the chart's folder.
func chartDir(t *testing.T) string {
	t.Helper()
	root, err := framework.RepoRoot()
	require.NoError(t, err)
	return filepath.Join(root, framework.ChartPath)
}

// helm runs helm against the test cluster and returns stdout, and stderr
// in the error.
func helm(t *testing.T, args ...string) (string, error) {
	t.Helper()
	bin, err := framework.AssetTool("helm")
	require.NoError(t, err)
	cmd := exec.CommandContext(t.Context(), bin, append(args, "--kubeconfig", cluster.KubeconfigPath)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("helm %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// render runs helm template as release reseller-issuer in namespace
// reseller-issuer with the given values files.
func render(t *testing.T, valuesFiles ...string) (string, []*unstructured.Unstructured) {
	t.Helper()
	args := []string{"template", "reseller-issuer", chartDir(t), "--namespace", "reseller-issuer"}
	for _, f := range valuesFiles {
		args = append(args, "--values", f)
	}
	out, err := helm(t, args...)
	require.NoError(t, err)
	objs, err := framework.DecodeObjects([]byte(out))
	require.NoError(t, err)
	return out, objs
}

const allOn = "testdata/all-on.yaml"
