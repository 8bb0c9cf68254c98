// Command demo brings up the local stack (etcd, kube-apiserver, cert-manager,
// reseller-issuer and the reseller sandbox), issues certificates through the
// simulated resellers, prints what it got, and tears everything down (KEEP=1
// keeps the stack up until Ctrl-C).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/go-logr/logr"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

func main() {
	os.Exit(demoMain())
}

// demoMain runs the demo and returns the exit code, so that its deferred
// calls run before main exits.
func demoMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv("KEEP") == "1"); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 1
	}
	return 0
}

func run(ctx context.Context, keep bool) error {
	ctrllog.SetLogger(logr.Discard())
	dir, err := os.MkdirTemp("", "reseller-demo-")
	if err != nil {
		return err
	}
	say := func(format string, args ...any) { fmt.Printf("==> "+format+"\n", args...) }
	say("logs and kubeconfig in %s", dir)
	stack, err := framework.StartStack(ctx, framework.StackOptions{Dir: dir, Accounts: demoAccounts, Progress: say})
	if err != nil {
		return err
	}
	defer func() {
		say("tearing the stack down")
		if err := stack.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "demo: stopping:", err)
		}
	}()

	d := &demo{stack: stack, say: say}
	rows, err := d.issue(ctx)
	if err != nil {
		return fmt.Errorf("%w (component logs: %s)", err, dir)
	}
	fmt.Println()
	printTable(os.Stdout, rows)
	stats, err := stack.SandboxStats(ctx)
	if err != nil {
		return err
	}
	fmt.Println()
	for _, account := range []string{"shop", "platform"} {
		fmt.Printf("sandbox account %-8s  SSLCI finalizes %d   SSLmarket orders %d   CyberSSL orders %d\n", account,
			stats.SSLCI[account].Finalizes, stats.SSLmarket[account].Orders, stats.CyberSSL[account].Orders)
	}
	fmt.Println()
	printNextStep(os.Stdout, keep, stack.Control.KubeconfigPath, filepath.Join(os.Getenv(framework.AssetsEnv), "kubectl"))
	if keep {
		say("KEEP=1: the stack stays up; press Ctrl-C to tear it down")
		<-ctx.Done()
	}
	return nil
}

// printNextStep tells how to look at the stack with kubectl when it stays
// up, and how to keep it up when it does not: a kubeconfig printed just
// before the teardown points at an apiserver that is gone.
func printNextStep(w io.Writer, keep bool, kubeconfig, kubectl string) {
	if !keep {
		_, _ = fmt.Fprintln(w, "To look around with kubectl, run KEEP=1 make demo: it keeps the stack up until Ctrl-C.")
		return
	}
	_, _ = fmt.Fprintf(w, "Point kubectl at the stack:\n  export KUBECONFIG=%s\n  %s get resellerissuers,resellerclusterissuers,certificates,certificaterequests -A -o wide\n", kubeconfig, kubectl)
}
