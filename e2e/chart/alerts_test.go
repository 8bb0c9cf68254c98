//go:build e2e

package chart

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// TestAlertRules checks the chart's alert rules with promtool (v0.316.0,
// built from the Go module proxy by e2e/scripts/tool.sh): they parse, and
// each fires on the synthetic series of testdata/alerts_test.yaml that
// should fire it, and only on those.
func TestAlertRules(t *testing.T) {
	promtool, err := framework.AssetTool("promtool")
	require.NoError(t, err)
	rules := filepath.Join(chartDir(t), "files", "alerts.yaml")
	for _, args := range [][]string{{"check", "rules", rules}, {"test", "rules", filepath.Join("testdata", "alerts_test.yaml")}} {
		out, err := exec.CommandContext(t.Context(), promtool, args...).CombinedOutput()
		require.NoError(t, err, "promtool %v:\n%s", args, out)
		assert.Contains(t, string(out), "SUCCESS")
		t.Logf("promtool %v:\n%s", args, out)
	}
}

// TestPrometheusRule: switched on, the chart's PrometheusRule carries the
// rule file's groups exactly; switched off (the default), there is none.
func TestPrometheusRule(t *testing.T) {
	_, objs := render(t)
	for _, o := range objs {
		assert.NotEqual(t, "PrometheusRule", o.GetKind(), "off by default")
	}
	_, objs = render(t, allOn)
	rule := find(t, objs, "PrometheusRule", "reseller-issuer")
	assert.Equal(t, "prometheus", rule.GetLabels()["release"], "the labels Prometheus selects rules by")
	groups, found, err := unstructured.NestedSlice(rule.Object, "spec", "groups")
	require.NoError(t, err)
	require.True(t, found)
	data, err := os.ReadFile(filepath.Join(chartDir(t), "files", "alerts.yaml"))
	require.NoError(t, err)
	var file map[string]any
	require.NoError(t, yaml.Unmarshal(data, &file))
	assert.Equal(t, file["groups"], groups)
	assert.Len(t, groups[0].(map[string]any)["rules"], 5, "the five alerts")
}
