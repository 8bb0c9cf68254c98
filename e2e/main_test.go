//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"github.com/stretchr/testify/require"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// The reseller accounts of the shared stack: one per test, so each test can
// count exactly what it spent.
var accounts = map[string]string{
	"sslci-certificate":     "canary-7f3a-sslci-certificate",
	"sslci-ingress":         "canary-7f3a-sslci-ingress",
	"sslci-csr":             "canary-7f3a-sslci-csr",
	"chaos-sslci":           "canary-7f3a-chaos-sslci",
	"chaos-sslmarket":       "canary-7f3a-chaos-sslmarket",
	"chaos-cyberssl":        "canary-7f3a-chaos-cyberssl",
	"limits-sslmarket":      "canary-7f3a-limits-sslmarket",
	"dns01-sslci":           "canary-7f3a-dns01-sslci",
	"dns01-sslmarket":       "canary-7f3a-dns01-sslmarket",
	"dns01-cyberssl":        "canary-7f3a-dns01-cyberssl",
	"manual-sslci":          "canary-7f3a-manual-sslci",
	"mixed-sslci":           "canary-7f3a-mixed-sslci",
	"faults-sslci":          "canary-7f3a-faults-sslci",
	"faults-sslmarket":      "canary-7f3a-faults-sslmarket",
	"faults-cyberssl":       "canary-7f3a-faults-cyberssl",
	"sslmarket-certificate": "canary-7f3a-sslmarket-certificate",
	"sslmarket-ingress":     "canary-7f3a-sslmarket-ingress",
	"cyberssl-certificate":  "canary-7f3a-cyberssl-certificate",
	"cyberssl-ingress":      "canary-7f3a-cyberssl-ingress",
	"badinput-sslci":        "canary-7f3a-badinput-sslci",
	"badinput-sslmarket":    "canary-7f3a-badinput-sslmarket",
	"badinput-cyberssl":     "canary-7f3a-badinput-cyberssl",
	"dcv-sslci-ingress":     "canary-7f3a-dcv-sslci-ingress",
	"dcv-sslci-gateway":     "canary-7f3a-dcv-sslci-gateway",
	"dcv-sslci-manual":      "canary-7f3a-dcv-sslci-manual",
	"dcv-sslmarket-ingress": "canary-7f3a-dcv-sslmarket-ingress",
	"dcv-sslmarket-email":   "canary-7f3a-dcv-sslmarket-email",
	"dcv-cyberssl-gateway":  "canary-7f3a-dcv-cyberssl-gateway",
	"dcv-cyberssl-email":    "canary-7f3a-dcv-cyberssl-email",
	"dcv-cyberssl-mixed":    "canary-7f3a-dcv-cyberssl-mixed",
	"dcv-cyberssl-switch":   "canary-7f3a-dcv-cyberssl-switch",
	"dcv-cyberssl-delete":   "canary-7f3a-dcv-cyberssl-delete",
	"dcv-sslmarket-manual":  "canary-7f3a-dcv-sslmarket-manual",
	"dcv-cyberssl-manual":   "canary-7f3a-dcv-cyberssl-manual",
	"dcv-sslmarket-gateway": "canary-7f3a-dcv-sslmarket-gateway",
	"dcv-cyberssl-ingress":  "canary-7f3a-dcv-cyberssl-ingress",
	"health-cyberssl":       "canary-7f3a-health-cyberssl",
	"funds-cyberssl":        "canary-7f3a-funds-cyberssl",
	"metrics-sslci":         "canary-7f3a-metrics-sslci",
	"metrics-sslmarket":     "canary-7f3a-metrics-sslmarket",
	"metrics-cyberssl":      "canary-7f3a-metrics-cyberssl",
	"second-sslci":          "canary-7f3a-second-sslci",
	"second-sslmarket":      "canary-7f3a-second-sslmarket",
	"second-cyberssl":       "canary-7f3a-second-cyberssl",
	"webhook-sslci":         "canary-7f3a-webhook-sslci",
	"webhook-sslmarket":     "canary-7f3a-webhook-sslmarket",
	"webhook-cyberssl":      "canary-7f3a-webhook-cyberssl",
	"approver-sslci":        "canary-7f3a-approver-sslci",
	"renew-sslci":           "canary-7f3a-renew-sslci",
	"renew-sslmarket":       "canary-7f3a-renew-sslmarket",
	"renew-cyberssl":        "canary-7f3a-renew-cyberssl",
	"neworder-sslmarket":    "canary-7f3a-neworder-sslmarket",
	"early-sslmarket":       "canary-7f3a-early-sslmarket",
	"reinstall-sslmarket":   "canary-7f3a-reinstall-sslmarket",
	"reinstall-cyberssl":    "canary-7f3a-reinstall-cyberssl",
	"neworder-cyberssl":     "canary-7f3a-neworder-cyberssl",
	"renamed-sslmarket":     "canary-7f3a-renamed-sslmarket",
	"renamed-cyberssl":      "canary-7f3a-renamed-cyberssl",
}

// wrongToken is a token no sandbox account has.
const wrongToken = "canary-7f3a-wrong-token"

var (
	stackOnce sync.Once
	stack     *framework.Stack
	errStack  error
)

// sharedStack starts the full stack once for all tests of the package.
func sharedStack(t *testing.T) *framework.Stack {
	t.Helper()
	stackOnce.Do(func() {
		dir, err := os.MkdirTemp("", "reseller-e2e-")
		if err != nil {
			errStack = err
			return
		}
		fmt.Fprintf(os.Stderr, "e2e: logs of every component in %s\n", dir)
		stack, errStack = framework.StartStack(context.Background(), framework.StackOptions{
			Dir:      dir,
			Accounts: accounts,
			Replicas: 2,
			DNSZone:  dnsZone,
			Progress: func(format string, args ...any) { fmt.Fprintf(os.Stderr, "e2e: "+format+"\n", args...) },
		})
	})
	require.NoError(t, errStack)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs of every component are in %s", stack.Dir)
		}
	})
	return stack
}

func TestMain(m *testing.M) {
	ctrllog.SetLogger(logr.Discard())
	code := m.Run()
	if stack != nil {
		leaks, err := leakedSecrets(context.Background(), stack)
		switch {
		case err != nil:
			fmt.Fprintln(os.Stderr, "e2e: checking for leaked credentials:", err)
			code = 1
		case len(leaks) > 0:
			fmt.Fprintln(os.Stderr, "FAIL e2e: credentials leaked:\n  "+strings.Join(leaks, "\n  "))
			code = 1
		default:
			fmt.Fprintf(os.Stderr, "e2e: no credential (%d canaries) in logs, Events, conditions, annotations or metrics\n", len(canaries()))
		}
		// Every component ran with its chart's RBAC: a permission missing
		// from a chart fails the run, named.
		if err := deniedErr(stack); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL e2e:", err)
			code = 1
		} else {
			fmt.Fprintln(os.Stderr, "e2e: RBAC refused no request of cert-manager or reseller-issuer")
		}
		if err := stack.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: stopping the stack:", err)
		}
	}
	os.Exit(code)
}
