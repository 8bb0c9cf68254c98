package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
)

const testKubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: u
  user: {token: t}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
`

// TestRestConfigRateLimits: every way of finding the API server gets the
// flags' rate limits (before, --kubeconfig got client-go's 5/s and the
// others none).
func TestRestConfigRateLimits(t *testing.T) {
	file := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(file, []byte(testKubeconfig), 0o600))
	// What controller-runtime's lookup returns in a Pod: no client-side limit.
	inCluster := func() (*rest.Config, error) {
		return &rest.Config{Host: "https://10.96.0.1:443", QPS: -1}, nil
	}
	tests := []struct {
		name    string
		args    []string
		env     string // $KUBECONFIG
		ambient func() (*rest.Config, error)
		host    string
		qps     float32
		burst   int
	}{
		{name: "--kubeconfig, defaults", args: []string{"--kubeconfig", file}, ambient: inCluster, host: "https://127.0.0.1:6443", qps: 50, burst: 100},
		{name: "--kubeconfig, flags", args: []string{"--kubeconfig", file, "--kube-api-qps", "75.5", "--kube-api-burst", "150"}, ambient: inCluster, host: "https://127.0.0.1:6443", qps: 75.5, burst: 150},
		{name: "KUBECONFIG, defaults", env: file, ambient: ctrl.GetConfig, host: "https://127.0.0.1:6443", qps: 50, burst: 100},
		{name: "KUBECONFIG, flags", args: []string{"--kube-api-qps", "100", "--kube-api-burst", "200"}, env: file, ambient: ctrl.GetConfig, host: "https://127.0.0.1:6443", qps: 100, burst: 200},
		{name: "in-cluster, defaults", ambient: inCluster, host: "https://10.96.0.1:443", qps: 50, burst: 100},
		{name: "in-cluster, flags", args: []string{"--kube-api-qps", "30", "--kube-api-burst", "60"}, ambient: inCluster, host: "https://10.96.0.1:443", qps: 30, burst: 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("KUBECONFIG", tt.env)
			o, err := parseOptions(tt.args)
			require.NoError(t, err)
			cfg, err := restConfig(o, tt.ambient)
			require.NoError(t, err)
			assert.Equal(t, tt.host, cfg.Host)
			assert.Equal(t, tt.qps, cfg.QPS)
			assert.Equal(t, tt.burst, cfg.Burst)
		})
	}
}

func TestRateLimitFlagsRejected(t *testing.T) {
	for _, args := range [][]string{
		{"--kube-api-qps", "0"},
		{"--kube-api-qps", "-1"},
		{"--kube-api-burst", "0"},
	} {
		_, err := parseOptions(args)
		assert.ErrorContains(t, err, args[0], args)
	}
}
