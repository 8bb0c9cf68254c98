package framework

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

// ClusterResourceNamespace holds the Secrets of ResellerClusterIssuers.
const ClusterResourceNamespace = "reseller-issuer"

// Stack is the whole local system: control plane, cert-manager, the
// reseller-issuer binary and the reseller sandbox, each its own process.
type Stack struct {
	Dir         string
	Control     *ControlPlane
	CertManager *Process
	Issuer      *Process
	Sandbox     *Process
	// SandboxURL is the sandbox's base URL, e.g. http://127.0.0.1:PORT.
	SandboxURL string
	// MetricsURL is reseller-issuer's Prometheus endpoint.
	MetricsURL string
}

// StackOptions configures StartStack.
type StackOptions struct {
	// Dir receives logs, binaries and the kubeconfig.
	Dir string
	// Accounts are the sandbox accounts, name -> token.
	Accounts map[string]string
	// Progress, if set, receives one line per step.
	Progress func(format string, args ...any)
}

// StartStack builds the binaries and starts every component. Call Stop.
func StartStack(ctx context.Context, o StackOptions) (*Stack, error) {
	say := o.Progress
	if say == nil {
		say = func(string, ...any) {}
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(o.Dir, "bin")
	say("building reseller-issuer, reseller-sandbox and the cert-manager host")
	if err := BuildBinaries(root, bin, "./cmd/reseller-issuer", "./cmd/reseller-sandbox", "./e2e/cmd/cert-manager-host"); err != nil {
		return nil, err
	}
	say("starting etcd and kube-apiserver")
	cp, err := StartControlPlane(ctx, o.Dir)
	if err != nil {
		return nil, err
	}
	s := &Stack{Dir: o.Dir, Control: cp}
	if err := v1alpha1.AddToScheme(cp.Client.Scheme()); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	if err := s.start(ctx, bin, o, say); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	return s, nil
}

func (s *Stack) start(ctx context.Context, bin string, o StackOptions, say func(string, ...any)) error {
	ports := make([]int, 4)
	for i := range ports {
		p, err := FreePort()
		if err != nil {
			return err
		}
		ports[i] = p
	}
	sandboxPort, http01Port, metricsPort, probePort := ports[0], ports[1], ports[2], ports[3]
	if err := s.Control.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ClusterResourceNamespace}}); err != nil {
		return err
	}

	say("starting the cert-manager controllers")
	var err error
	s.CertManager, err = StartProcess(ctx, "cert-manager", filepath.Join(s.Dir, "cert-manager.log"), filepath.Join(bin, "cert-manager-host"),
		"--kubeconfig", s.Control.KubeconfigPath)
	if err != nil {
		return err
	}

	say("starting the reseller sandbox on 127.0.0.1:%d", sandboxPort)
	// Tokens go through a file: a command line is visible to everyone and logged.
	var accounts strings.Builder
	for name, token := range o.Accounts {
		fmt.Fprintf(&accounts, "%s=%s\n", name, token)
	}
	accountsFile := filepath.Join(s.Dir, "sandbox-accounts")
	if err := os.WriteFile(accountsFile, []byte(accounts.String()), 0o600); err != nil {
		return err
	}
	s.Sandbox, err = StartProcess(ctx, "sandbox", filepath.Join(s.Dir, "sandbox.log"), filepath.Join(bin, "reseller-sandbox"),
		"--listen", "127.0.0.1:"+strconv.Itoa(sandboxPort), "--http01-address", "127.0.0.1:"+strconv.Itoa(http01Port), "--accounts-file", accountsFile)
	if err != nil {
		return err
	}
	s.SandboxURL = "http://127.0.0.1:" + strconv.Itoa(sandboxPort)
	s.MetricsURL = "http://127.0.0.1:" + strconv.Itoa(metricsPort) + "/metrics"

	say("starting reseller-issuer (responder on 127.0.0.1:%d)", http01Port)
	s.Issuer, err = StartProcess(ctx, "reseller-issuer", filepath.Join(s.Dir, "reseller-issuer.log"), filepath.Join(bin, "reseller-issuer"),
		"--kubeconfig", s.Control.KubeconfigPath,
		"--cluster-resource-namespace", ClusterResourceNamespace,
		"--http01-bind-address", "127.0.0.1:"+strconv.Itoa(http01Port),
		"--metrics-bind-address", "127.0.0.1:"+strconv.Itoa(metricsPort),
		"--health-probe-bind-address", "127.0.0.1:"+strconv.Itoa(probePort),
		"--zap-log-level", "debug",
		// A short reseller timeout keeps the wait on an unanswered paid call short.
		"--reseller-timeout", "5s",
		// Short leases: a killed leader's successor takes over in seconds.
		"--leader-election-lease-duration", "3s",
		"--leader-election-renew-deadline", "2s",
		"--leader-election-retry-period", "500ms",
	)
	if err != nil {
		return err
	}
	return Eventually(ctx, time.Minute, 200*time.Millisecond, func() (bool, error) {
		return httpOK(ctx, s.SandboxURL+sandbox.HealthPath) && httpOK(ctx, "http://127.0.0.1:"+strconv.Itoa(probePort)+"/readyz"), nil
	}, nil)
}

func httpOK(ctx context.Context, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// SandboxStats returns the sandbox's inspection counters.
func (s *Stack) SandboxStats(ctx context.Context) (sandbox.Stats, error) {
	var stats sandbox.Stats
	body, err := s.get(ctx, sandbox.StatsPath)
	if err != nil {
		return stats, err
	}
	return stats, json.Unmarshal(body, &stats)
}

// SandboxRoots returns a pool holding the sandbox's root CA.
func (s *Stack) SandboxRoots(ctx context.Context) (*x509.CertPool, error) {
	body, err := s.get(ctx, sandbox.CAPath)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(body) {
		return nil, errors.New("the sandbox served no root certificate")
	}
	return pool, nil
}

// Metrics returns reseller-issuer's metrics in the Prometheus text format.
func (s *Stack) Metrics(ctx context.Context) (string, error) {
	body, err := fetch(ctx, s.MetricsURL)
	return string(body), err
}

func (s *Stack) get(ctx context.Context, path string) ([]byte, error) {
	return fetch(ctx, s.SandboxURL+path)
}

func fetch(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
}

// Stop stops every process and the control plane.
func (s *Stack) Stop() error {
	var errs []error
	for _, p := range []*Process{s.Issuer, s.Sandbox, s.CertManager} {
		if p != nil {
			errs = append(errs, p.Stop())
		}
	}
	if s.Control != nil {
		errs = append(errs, s.Control.Stop())
	}
	return errors.Join(errs...)
}
