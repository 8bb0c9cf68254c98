package main

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// phaseCA is cert-manager's own CA issuer, the yardstick.
const phaseCA = "ca"

// options are the command-line flags.
type options struct {
	// n is the number of Certificates per phase, all created at once.
	n int
	// phases to run, in order: "ca" and provider names.
	phases []string
	// runs repeats every phase, each time in a fresh namespace and account.
	runs int
	// replicas of reseller-issuer.
	replicas int
	// timeout for all Certificates of a phase to be Ready.
	timeout time.Duration
	// settle is how long a phase must stay quiet (no request open, no
	// Certificate issuing) after all are Ready before it is counted.
	settle time.Duration
	// parallel is how many creates run at the same time.
	parallel int
	// certManagerV is the cert-manager host's klog verbosity.
	certManagerV int
	// dir keeps the logs (default: a new temporary folder).
	dir string
	// unrelatedRequests and unrelatedSecrets are created before the first
	// phase: CertificateRequests of another issuer and Secrets nobody
	// references, which the issuer should not hold in memory.
	unrelatedRequests, unrelatedSecrets int
	// issuerArgs are extra reseller-issuer flags (e.g. --kube-api-qps=50).
	issuerArgs []string
	// assertCalls fails the run when reseller calls exceed the minimum.
	assertCalls bool
	// maxAPI fails the run when a phase's API-server requests per
	// Certificate exceed its ceiling.
	maxAPI ceilings
}

func parseOptions(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.IntVar(&o.n, "n", 200, "Certificates per phase, created at once")
	phases := fs.String("phases", strings.Join(append([]string{phaseCA}, framework.Providers...), ","), "phases to run, in order (ca, sslci, sslmarket, cyberssl)")
	fs.IntVar(&o.runs, "runs", 1, "how many times to run every phase (fresh namespace and account each time)")
	fs.IntVar(&o.replicas, "replicas", 2, "reseller-issuer replicas")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Minute, "how long a phase may take to get all Certificates Ready")
	fs.DurationVar(&o.settle, "settle", 15*time.Second, "quiet time after all are Ready before a phase is counted (late second requests show up here)")
	fs.IntVar(&o.parallel, "parallel", 20, "concurrent creates")
	fs.IntVar(&o.certManagerV, "cert-manager-v", 2, "cert-manager host verbosity (2 logs why a Certificate is re-issued)")
	fs.IntVar(&o.unrelatedRequests, "unrelated-requests", 0, "CertificateRequests of another issuer to create before the first phase (memory)")
	fs.IntVar(&o.unrelatedSecrets, "unrelated-secrets", 0, "Secrets nobody references to create before the first phase (memory)")
	fs.Func("issuer-arg", "an extra reseller-issuer flag, e.g. -issuer-arg=--kube-api-qps=50 (repeatable)", func(v string) error {
		o.issuerArgs = append(o.issuerArgs, v)
		return nil
	})
	fs.BoolVar(&o.assertCalls, "assert-calls", false, "exit non-zero when a reseller phase called its reseller above the protocol minimum (counts, never times)")
	fs.Func("max-api-per-cert", "exit non-zero when a reseller phase made more API-server requests per Certificate than its ceiling, e.g. sslci=15,sslmarket=22 (counts, never times)", func(v string) error {
		var err error
		o.maxAPI, err = parseCeilings(v)
		return err
	})
	fs.StringVar(&o.dir, "dir", "", "folder for logs and kubeconfig (default: a new temporary folder)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if o.n < 1 || o.runs < 1 || o.replicas < 1 || o.parallel < 1 {
		return nil, errors.New("-n, -runs, -replicas and -parallel must be at least 1")
	}
	if o.unrelatedRequests < 0 || o.unrelatedSecrets < 0 {
		return nil, errors.New("-unrelated-requests and -unrelated-secrets must not be negative")
	}
	for _, p := range strings.Split(*phases, ",") {
		p = strings.TrimSpace(p)
		if p != phaseCA && !slices.Contains(framework.Providers, p) {
			return nil, fmt.Errorf("-phases: unknown phase %q (want ca, %s)", p, strings.Join(framework.Providers, ", "))
		}
		o.phases = append(o.phases, p)
	}
	return o, nil
}

// account is the sandbox account of a reseller phase's run.
func account(provider string, run int) string { return fmt.Sprintf("bench-%s-%d", provider, run) }

// accounts are the sandbox accounts of every phase and run, name -> token.
func (o *options) accounts() map[string]string {
	out := map[string]string{}
	for r := 1; r <= o.runs; r++ {
		for _, p := range framework.Providers {
			out[account(p, r)] = "bench-token-" + account(p, r)
		}
	}
	return out
}
