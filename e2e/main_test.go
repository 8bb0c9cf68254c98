//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
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
	"sslci-certificate": "tok-sslci-certificate",
	"sslci-ingress":     "tok-sslci-ingress",
	"sslci-csr":         "tok-sslci-csr",
}

var (
	stackOnce sync.Once
	stack     *framework.Stack
	stackErr  error
)

// sharedStack starts the full stack once for all tests of the package.
func sharedStack(t *testing.T) *framework.Stack {
	t.Helper()
	stackOnce.Do(func() {
		dir, err := os.MkdirTemp("", "reseller-e2e-")
		if err != nil {
			stackErr = err
			return
		}
		fmt.Fprintf(os.Stderr, "e2e: logs of every component in %s\n", dir)
		stack, stackErr = framework.StartStack(context.Background(), framework.StackOptions{
			Dir:      dir,
			Accounts: accounts,
			Progress: func(format string, args ...any) { fmt.Fprintf(os.Stderr, "e2e: "+format+"\n", args...) },
		})
	})
	require.NoError(t, stackErr)
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
		if err := stack.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: stopping the stack:", err)
		}
	}
	os.Exit(code)
}
