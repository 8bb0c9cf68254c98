package framework

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/knot"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

// ClusterResourceNamespace holds the Secrets of ResellerClusterIssuers.
const ClusterResourceNamespace = "reseller-issuer"

// Stack is the whole local system: control plane, cert-manager, the
// reseller-issuer binary and the reseller sandbox, each its own process.
// cert-manager and reseller-issuer run as the ServiceAccounts their charts
// create, with exactly the RBAC their charts grant; the harness creates test
// objects as its own admin (Control.Client).
type Stack struct {
	Dir         string
	Control     *ControlPlane
	CertManager *Process
	// CertManagerIdentity and IssuerIdentity are the components' identities.
	CertManagerIdentity, IssuerIdentity *Identity
	// Issuers are the reseller-issuer replicas; they elect a leader.
	Issuers []*Process
	Sandbox *Process
	// SandboxURL is the sandbox's base URL, e.g. http://127.0.0.1:PORT.
	SandboxURL string
	// MetricsURLs are the replicas' Prometheus endpoints.
	MetricsURLs []string
	// PprofURLs are the replicas' /debug/pprof/ bases (--pprof-address).
	PprofURLs []string
	// DNS is the authoritative server for DNSZone (nil without one); the
	// sandbox validates DNS records against it.
	DNS *knot.Server

	responders *http.Server
}

// StackOptions configures StartStack.
type StackOptions struct {
	// Dir receives logs, binaries and the kubeconfig.
	Dir string
	// Accounts are the sandbox accounts, name -> token.
	Accounts map[string]string
	// DNSZone, when set, is served by a real Knot DNS that accepts
	// TSIG-signed dynamic updates (RFC 2136).
	DNSZone string
	// Replicas of reseller-issuer to run (default 1). With more than one,
	// the sandbox reaches their HTTP responders through a failover proxy,
	// as a Service would.
	Replicas int
	// Progress, if set, receives one line per step.
	Progress func(format string, args ...any)
	// Args are extra command-line arguments per component, appended to
	// the stack's own: keys "cert-manager", "reseller-issuer", "sandbox"
	// (e.g. {"sandbox": {"--issue-delay", "0"}, "cert-manager": {"-v", "2"}}).
	Args map[string][]string
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
	var err error
	say("installing the RBAC of cert-manager's chart and of reseller-issuer's chart")
	if s.CertManagerIdentity, err = s.Control.InstallCertManagerIdentity(ctx, s.Dir); err != nil {
		return err
	}
	if s.IssuerIdentity, err = s.Control.InstallIssuerIdentity(ctx, s.Dir, ClusterResourceNamespace); err != nil {
		return err
	}
	say("starting the cert-manager controllers as %s", s.CertManagerIdentity.User())
	s.CertManager, err = StartProcess(ctx, "cert-manager", filepath.Join(s.Dir, "cert-manager.log"), filepath.Join(bin, "cert-manager-host"),
		append([]string{"--kubeconfig", s.CertManagerIdentity.Kubeconfig}, o.Args["cert-manager"]...)...)
	if err != nil {
		return err
	}

	// Knot binds its port before the others are chosen, and the others are
	// chosen together, so no two components are handed the same port.
	var dnsArgs, issuerDNSArgs []string
	if o.DNSZone != "" {
		say("starting Knot DNS for %s", o.DNSZone)
		if s.DNS, err = knot.Start(ctx, filepath.Join(s.Dir, "knot"), o.DNSZone, "reseller-issuer-update."); err != nil {
			return err
		}
		dnsArgs = []string{"--dns-server", s.DNS.Addr()}
		// Split horizon, as far as the issuer can tell: the zone is served
		// by Knot on loopback only, so dns01 records are found and checked
		// there (the zone's NS names no reachable address).
		issuerDNSArgs = []string{"--dns01-recursive-nameservers", s.DNS.Addr(), "--dns01-recursive-nameservers-only"}
	}
	replicas := max(o.Replicas, 1)
	// Four per replica, the sandbox's, and the responder proxy's: chosen
	// together, so the proxy cannot take a port a replica binds later.
	all, err := freePorts(4*replicas + 2)
	if err != nil {
		return err
	}
	responders := make([]string, replicas)
	probes := make([]string, replicas)
	for i := range replicas {
		ports := all[4*i : 4*i+4]
		responders[i] = "127.0.0.1:" + strconv.Itoa(ports[0])
		s.MetricsURLs = append(s.MetricsURLs, "http://127.0.0.1:"+strconv.Itoa(ports[1])+"/metrics")
		probes[i] = "http://127.0.0.1:" + strconv.Itoa(ports[2]) + "/readyz"
		s.PprofURLs = append(s.PprofURLs, "http://127.0.0.1:"+strconv.Itoa(ports[3])+"/debug/pprof/")
		say("starting reseller-issuer replica %d as %s (responder on %s)", i, s.IssuerIdentity.User(), responders[i])
		args := []string{
			"--kubeconfig", s.IssuerIdentity.Kubeconfig,
			"--cluster-resource-namespace", ClusterResourceNamespace,
			"--http01-bind-address", responders[i],
			"--metrics-bind-address", "127.0.0.1:" + strconv.Itoa(ports[1]),
			"--health-probe-bind-address", "127.0.0.1:" + strconv.Itoa(ports[2]),
			"--pprof-address", "127.0.0.1:" + strconv.Itoa(ports[3]),
			"--zap-log-level", "debug",
			// A short reseller timeout keeps the wait on an unanswered paid call short.
			"--reseller-timeout", "5s",
			// Short leases: a killed leader's successor takes over in
			// seconds; long enough not to be lost on a loaded 2-core machine.
			"--leader-election-lease-duration", "8s",
			"--leader-election-renew-deadline", "6s",
			"--leader-election-retry-period", "1s",
		}
		p, err := StartProcess(ctx, fmt.Sprintf("reseller-issuer-%d", i), filepath.Join(s.Dir, fmt.Sprintf("reseller-issuer-%d.log", i)), filepath.Join(bin, "reseller-issuer"),
			append(append(args, issuerDNSArgs...), o.Args["reseller-issuer"]...)...)
		if err != nil {
			return err
		}
		p.Supervise()
		s.Issuers = append(s.Issuers, p)
	}
	http01 := responders[0]
	if replicas > 1 {
		if http01, err = s.startResponderProxy("127.0.0.1:"+strconv.Itoa(all[4*replicas+1]), responders); err != nil {
			return err
		}
	}

	sandboxPort := all[4*replicas]
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
		slices.Concat([]string{"--listen", "127.0.0.1:" + strconv.Itoa(sandboxPort), "--http01-address", http01, "--accounts-file", accountsFile}, dnsArgs, o.Args["sandbox"])...)
	if err != nil {
		return err
	}
	s.SandboxURL = "http://127.0.0.1:" + strconv.Itoa(sandboxPort)
	return Eventually(ctx, time.Minute, 200*time.Millisecond, func() (bool, error) {
		ok := httpOK(ctx, s.SandboxURL+sandbox.HealthPath)
		for _, p := range probes {
			ok = ok && httpOK(ctx, p)
		}
		return ok, nil
	}, nil)
}

// freePorts returns n distinct free loopback TCP ports: each listener is
// held until all are chosen.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// startResponderProxy plays the Service in front of the replicas' HTTP
// responders: each request goes to the first replica that answers 200.
func (s *Stack) startResponderProxy(addr string, backends []string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	client := &http.Client{Timeout: 5 * time.Second}
	s.responders = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, b := range backends {
			req, err := http.NewRequestWithContext(r.Context(), r.Method, "http://"+b+r.URL.RequestURI(), nil)
			if err != nil {
				continue
			}
			req.Host = r.Host
			resp, err := client.Do(req)
			if err != nil {
				continue
			}
			body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
			_ = resp.Body.Close()
			if err == nil && resp.StatusCode == http.StatusOK {
				_, _ = w.Write(body)
				return
			}
		}
		http.NotFound(w, r)
	})}
	go func() { _ = s.responders.Serve(ln) }()
	return ln.Addr().String(), nil
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
	return stats, s.getJSON(ctx, sandbox.StatsPath, &stats)
}

// AddFaults asks the sandbox to inject faults (POST /sandbox/faults).
func (s *Stack) AddFaults(ctx context.Context, faults ...sandbox.Fault) error {
	_, err := s.post(ctx, sandbox.FaultsPath, faults)
	return err
}

// Faults returns the sandbox's pending and fired faults.
func (s *Stack) Faults(ctx context.Context) (sandbox.FaultStatus, error) {
	var st sandbox.FaultStatus
	return st, s.getJSON(ctx, sandbox.FaultsPath, &st)
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

// Metrics returns the metrics of every reseller-issuer replica, one after
// the other, in the Prometheus text format.
func (s *Stack) Metrics(ctx context.Context) (string, error) {
	var all strings.Builder
	for _, u := range s.MetricsURLs {
		// A replica may just be restarting (the chaos test kills them).
		var body []byte
		err := Eventually(ctx, 30*time.Second, 250*time.Millisecond, func() (bool, error) {
			var err error
			body, err = Fetch(ctx, u)
			return err == nil, nil
		}, nil)
		if err != nil {
			return "", fmt.Errorf("metrics of %s: %w", u, err)
		}
		all.Write(body)
	}
	return all.String(), nil
}

func (s *Stack) get(ctx context.Context, path string) ([]byte, error) {
	return Fetch(ctx, s.SandboxURL+path)
}

// getJSON GETs path from the sandbox and decodes its JSON answer into out.
func (s *Stack) getJSON(ctx context.Context, path string, out any) error {
	body, err := s.get(ctx, path)
	if err != nil {
		return err
	}
	return json.Unmarshal(body, out)
}

// Fetch GETs url and returns the body of a 200.
func Fetch(ctx context.Context, url string) ([]byte, error) {
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
	if s.responders != nil {
		errs = append(errs, s.responders.Close())
	}
	for _, p := range append(slices.Clone(s.Issuers), s.Sandbox, s.CertManager) {
		if p != nil {
			errs = append(errs, p.Stop())
		}
	}
	if s.DNS != nil {
		s.DNS.Stop()
	}
	if s.Control != nil {
		errs = append(errs, s.Control.Stop())
	}
	return errors.Join(errs...)
}
