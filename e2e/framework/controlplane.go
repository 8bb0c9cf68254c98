// Package framework brings up the local stack used by the e2e tests and the
// demo: an envtest control plane (etcd + kube-apiserver as local processes),
// the binaries under test started as separate OS processes, and helpers to
// wait for conditions.
package framework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
)

// AssetsEnv names the environment variable holding the folder with the
// kube-apiserver, etcd and kubectl binaries (see e2e/scripts/assets.sh).
const AssetsEnv = "KUBEBUILDER_ASSETS"

// ControlPlane is a running etcd + kube-apiserver with the CRDs installed,
// RBAC authorization, an audit log of every request made by a
// ServiceAccount, and cert-manager's approval rule (InstallApprovalPolicy).
type ControlPlane struct {
	// Config authenticates as the test harness's own admin, the user
	// AdminUser, bound to the cluster-admin ClusterRole. It is for creating
	// test objects; the components under test run as their ServiceAccounts
	// (see ServiceAccountKubeconfig).
	Config *rest.Config
	// Client is a client for Config with the core, networking, certificates,
	// cert-manager and Gateway API (gateway.networking.k8s.io/v1) schemes.
	Client client.Client
	// KubeconfigPath is a kubeconfig file for Config, for kubectl.
	KubeconfigPath string
	// Audit reads the audit log: requests that RBAC refused.
	Audit *AuditLog

	env  *envtest.Environment
	logs []*os.File
}

// Scheme returns a scheme with the Kubernetes built-in types, cert-manager's
// API groups and Gateway API's gateway.networking.k8s.io/v1 registered.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(cmapi.AddToScheme(s))
	utilruntime.Must(cmacme.AddToScheme(s))
	utilruntime.Must(gatewayv1.Install(s))
	return s
}

// StartControlPlane starts etcd and kube-apiserver from $KUBEBUILDER_ASSETS,
// installs cert-manager's CRDs, Gateway API's standard HTTPRoute CRD (the
// HTTP-01 solver creates HTTPRoutes) and this repository's deploy/crds (when
// that folder exists) and cert-manager's approval rule, and writes
// dir/kubeconfig for the harness's admin. The control plane's own logs go to
// dir/etcd.log and dir/kube-apiserver.log, the audit log to dir/audit.log.
// Call Stop when done.
func StartControlPlane(ctx context.Context, dir string) (*ControlPlane, error) {
	return StartControlPlaneWith(ctx, dir, ControlPlaneOptions{})
}

// ControlPlaneOptions configures StartControlPlaneWith.
type ControlPlaneOptions struct {
	// WithoutOwnCRDs leaves this repository's deploy/crds out (a chart
	// installs them).
	WithoutOwnCRDs bool
	// ExtraCRDs are more CRD files or folders to install.
	ExtraCRDs []string
}

// StartControlPlaneWith is StartControlPlane with options.
func StartControlPlaneWith(ctx context.Context, dir string, o ControlPlaneOptions) (*ControlPlane, error) {
	assets := os.Getenv(AssetsEnv)
	if assets == "" {
		return nil, fmt.Errorf("%s is not set: point it at a folder holding kube-apiserver, etcd and kubectl (e2e/scripts/assets.sh prints one)", AssetsEnv)
	}
	for _, bin := range []string{"kube-apiserver", "etcd", "kubectl"} {
		if _, err := os.Stat(filepath.Join(assets, bin)); err != nil {
			return nil, fmt.Errorf("%s=%s lacks %s: %w", AssetsEnv, assets, bin, err)
		}
	}
	crds, err := crdPaths(!o.WithoutOwnCRDs)
	if err != nil {
		return nil, err
	}
	crds = append(crds, o.ExtraCRDs...)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	auditArgs, err := auditFlags(dir)
	if err != nil {
		return nil, err
	}

	cp := &ControlPlane{KubeconfigPath: filepath.Join(dir, "kubeconfig"), Audit: &AuditLog{Path: filepath.Join(dir, auditLogName)}}
	etcdLog, err := cp.openLog(filepath.Join(dir, "etcd.log"))
	if err != nil {
		return nil, err
	}
	apiserverLog, err := cp.openLog(filepath.Join(dir, "kube-apiserver.log"))
	if err != nil {
		cp.closeLogs()
		return nil, err
	}
	cp.env = &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDInstallOptions:     envtest.CRDInstallOptions{Paths: crds},
		ErrorIfCRDPathMissing: true,
		Scheme:                Scheme(),
	}
	cp.env.ControlPlane.Etcd = &envtest.Etcd{Out: etcdLog, Err: etcdLog}
	apiserver := cp.env.ControlPlane.GetAPIServer()
	apiserver.Out, apiserver.Err = apiserverLog, apiserverLog
	for flag, value := range auditArgs {
		apiserver.Configure().Set(flag, value)
	}
	if err := enableAggregation(apiserver, dir); err != nil {
		cp.closeLogs()
		return nil, fmt.Errorf("configuring the aggregation layer: %w", err)
	}

	if err := ctx.Err(); err != nil {
		cp.closeLogs()
		return nil, err
	}
	if _, err := cp.env.Start(); err != nil {
		return nil, errors.Join(fmt.Errorf("starting control plane (logs in %s): %w", dir, err), cp.Stop())
	}
	if err := cp.connect(ctx); err != nil {
		return nil, errors.Join(err, cp.Stop())
	}
	if err := InstallApprovalPolicy(ctx, cp.Client); err != nil {
		return nil, errors.Join(err, cp.Stop())
	}
	return cp, nil
}

// connect provisions the harness's admin (AdminUser, with a client
// certificate) and binds it to cluster-admin.
func (cp *ControlPlane) connect(ctx context.Context) error {
	admin, err := cp.env.AddUser(envtest.User{Name: AdminUser}, &rest.Config{QPS: 100, Burst: 200})
	if err != nil {
		return fmt.Errorf("adding admin user: %w", err)
	}
	if err := bindClusterAdmin(ctx, cp.env.Config, AdminUser); err != nil {
		return err
	}
	kubeconfig, err := admin.KubeConfig()
	if err != nil {
		return fmt.Errorf("rendering kubeconfig: %w", err)
	}
	if err := os.WriteFile(cp.KubeconfigPath, kubeconfig, 0o600); err != nil {
		return err
	}
	cp.Config = admin.Config()
	cp.Client, err = client.New(cp.Config, client.Options{Scheme: cp.env.Scheme})
	if err != nil {
		return fmt.Errorf("building client: %w", err)
	}
	return nil
}

// Stop stops kube-apiserver and etcd and removes their data.
func (cp *ControlPlane) Stop() error {
	err := cp.env.Stop()
	cp.closeLogs()
	return err
}

func (cp *ControlPlane) openLog(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err == nil {
		cp.logs = append(cp.logs, f)
	}
	return f, err
}

func (cp *ControlPlane) closeLogs() {
	for _, f := range cp.logs {
		_ = f.Close()
	}
	cp.logs = nil
}

// crdPaths lists cert-manager's CRD files and Gateway API's standard HTTPRoute
// CRD, which the HTTP-01 solver creates (from the module versions go.mod
// selects), and, with own, this repository's deploy/crds folder when it exists.
func crdPaths(own bool) ([]string, error) {
	dir, err := moduleDir(certManagerModule)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, pattern := range []string{"cert-manager.io_*.yaml", "acme.cert-manager.io_*.yaml"} {
		files, err := filepath.Glob(filepath.Join(dir, "deploy", "crds", pattern))
		if err != nil {
			return nil, err
		}
		paths = append(paths, files...)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no cert-manager CRDs in %s/deploy/crds", dir)
	}
	gateway, err := moduleDir("sigs.k8s.io/gateway-api")
	if err != nil {
		return nil, err
	}
	httpRoutes := filepath.Join(gateway, "config", "crd", "standard", "gateway.networking.k8s.io_httproutes.yaml")
	if _, err := os.Stat(httpRoutes); err != nil {
		return nil, fmt.Errorf("locating the Gateway API HTTPRoute CRD: %w", err)
	}
	paths = append(paths, httpRoutes)
	if !own {
		return paths, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	if dir := filepath.Join(root, "deploy", "crds"); isDir(dir) {
		paths = append(paths, dir)
	}
	return paths, nil
}

// certManagerModule is the module whose CRDs and chart the tests install.
const certManagerModule = "github.com/cert-manager/cert-manager"

// moduleDir returns the module cache folder of a module required by the
// repository, downloading it if needed.
func moduleDir(module string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("locating %s: %w", module, err)
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal(out, &mod); err != nil {
		return "", fmt.Errorf("locating %s: %w", module, err)
	}
	if mod.Dir == "" {
		return "", fmt.Errorf("locating %s: %s", module, mod.Error)
	}
	return mod.Dir, nil
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}
