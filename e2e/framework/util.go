package framework

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// RepoRoot returns the nearest folder at or above the working directory that
// holds a go.mod file.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// BuildBinaries runs one `go build -o outDir/ pkgs...` in repoRoot, built as
// the Dockerfile builds the controller's image (buildFlags, no cgo), so that
// tests and make bench run, and measure, the binary that ships: with cgo
// it is linked against libc and resolves names through it. Each binary is
// named after the last element of its package path. pkgs are package
// patterns relative to repoRoot, such as "./e2e/cmd/cert-manager-host".
func BuildBinaries(repoRoot, outDir string, pkgs ...string) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	args := append(append([]string{"build"}, buildFlags...), "-o", filepath.Clean(outDir)+string(filepath.Separator))
	args = append(args, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %v: %w\n%s", args, err, out)
	}
	return nil
}

// buildFlags are the Dockerfile's go build flags (TestBuildFlagsAreTheImages).
var buildFlags = []string{"-buildvcs=false", "-trimpath", "-ldflags", "-s -w"}

// Eventually calls cond every interval until it returns true, returns an
// error (which ends the wait), ctx ends or timeout passes. After each attempt
// that is not yet done, progress (when non-nil) is called with the time
// elapsed since the start, so callers can print progress lines.
func Eventually(ctx context.Context, timeout, interval time.Duration, cond func() (bool, error), progress func(elapsed time.Duration)) error {
	start := time.Now()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		done, err := cond()
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		if progress != nil {
			progress(time.Since(start).Round(time.Second))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return fmt.Errorf("condition not met within %s", timeout)
		case <-tick.C:
		}
	}
}
