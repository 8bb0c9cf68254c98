// Command bench measures issuance at scale on the local stack (make bench):
// per phase it creates N one-name Certificates at once, first through
// cert-manager's own CA issuer, then through each reseller of the sandbox
// (its delays at zero), waits for all of them to be Ready, and prints one
// row per phase: seconds to all Ready, the ratio to the CA issuer, the
// billable orders against the Certificates, the CertificateRequests
// created per Certificate, the issuer's API-server requests and reseller
// calls per Certificate (broken down by verb and resource, and by
// operation, under the table), the replicas' peak and final RSS and the
// machine's load. -unrelated-requests and -unrelated-secrets add objects
// the issuer must not keep in memory. With -assert-calls it also fails
// when a reseller phase called its reseller above the protocol minimum
// (counts only, never times: make test runs it small). It exits non-zero when a reseller phase paid for
// more (or fewer) orders than it had Certificates.
//
// Structure: options.go (flags), phase.go (what a phase issues through),
// run.go (one phase: create, wait, settle), probe.go (what is measured
// around a phase; add a probe to add columns), costs.go (where the time
// goes: CPU per process, work queues, limiter waits, stretches to Ready),
// report.go (the table).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

func main() {
	os.Exit(benchMain())
}

// benchMain returns the exit code, so that deferred calls run before exit.
func benchMain() int {
	o, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ok, err := run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	if !ok {
		return 1
	}
	return 0
}

func run(ctx context.Context, o *options) (bool, error) {
	ctrllog.SetLogger(logr.Discard())
	dir := o.dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "reseller-bench-"); err != nil {
			return false, err
		}
	}
	say := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "==> "+format+"\n", args...) }
	say("logs and kubeconfig in %s", dir)
	stack, err := framework.StartStack(ctx, framework.StackOptions{
		Dir:      dir,
		Accounts: o.accounts(),
		Replicas: o.replicas,
		Progress: say,
		Args: map[string][]string{
			// The sandbox answers at once: the figures are ours, not its.
			"sandbox": {"--issue-delay", "0"},
			// cert-manager's trigger controller logs why it re-issues at 2.
			"cert-manager":    {"-v", fmt.Sprint(o.certManagerV)},
			"reseller-issuer": o.issuerArgs,
		},
	})
	if err != nil {
		return false, err
	}
	defer func() {
		say("tearing the stack down (logs stay in %s)", dir)
		if err := stack.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "bench: stopping:", err)
		}
	}()

	b := &bench{stack: stack, o: o, say: say}
	if err := b.createUnrelated(ctx); err != nil {
		return false, fmt.Errorf("creating unrelated objects: %w", err)
	}
	var results []*result
	for r := 1; r <= o.runs; r++ {
		for _, p := range o.phases {
			res, err := b.runPhase(ctx, p, r)
			if err != nil {
				return false, fmt.Errorf("phase %s, run %d: %w (component logs: %s)", p, r, err, dir)
			}
			results = append(results, res)
			printTable(os.Stdout, results)
		}
	}
	fmt.Println()
	printTable(os.Stdout, results)
	ok := allPaidOnce(results)
	ok = o.maxAPI.within(results) && ok
	if !o.assertCalls {
		return ok, nil
	}
	return atMinimum(results) && ok, nil
}
