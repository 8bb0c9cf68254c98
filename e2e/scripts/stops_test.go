// Package scripts holds no Go code: its test checks that the set-up scripts
// and the Makefile stop with one line saying what is missing and how to fix
// it, when Go, CA certificates, the Go module proxy, etcd or a C compiler
// cannot be had.
package scripts

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Lines that are not the one line: make's own when a recipe fails, and
// debian.sh's progress before it runs apt-get.
var (
	makeTrailer = regexp.MustCompile(`^g?make(\[\d+\])?: \*\*\* \[.*\] Error \d+$`)
	aptProgress = regexp.MustCompile(`^\[debian\] installing `)
)

// brokenApt is an apt-get that fails as it does when the mirrors cannot be
// reached.
const brokenApt = "#!/bin/sh\necho 'W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease' >&2\n" +
	"echo 'E: Unable to locate package gcc' >&2\nexit 100\n"

func TestStopsWithOneLine(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// A Go module proxy that refuses everything.
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down for the test", http.StatusServiceUnavailable)
	}))
	t.Cleanup(proxy.Close)
	noProxy := []string{"GOPROXY=" + proxy.URL, "GOMODCACHE=" + t.TempDir(), "GOFLAGS=-modcacherw", "GONOSUMDB=*", "GOSUMDB=off"}

	tooOld := t.TempDir()
	copyTree(t, filepath.Join(root, "e2e", "scripts"), filepath.Join(tooOld, "e2e", "scripts"))
	copyTree(t, filepath.Join(root, "Makefile"), filepath.Join(tooOld, "Makefile"))
	writeFile(t, filepath.Join(tooOld, "go.mod"), "module example.com/x\n\ngo 1.99.0\n")

	// Not root and no password-less sudo, or root without apt-get: either
	// way no Debian packages; and no etcd on PATH.
	noPackages := []string{"apt-get", "sudo", "etcd"}
	cases := []struct {
		name string
		dir  string
		// hide are commands left out of PATH.
		hide []string
		// fake are commands replaced by these scripts.
		fake map[string]string
		env  []string
		args []string
		want []string
	}{
		{"no go: make", root, []string{"go"}, nil, nil, []string{"make", "demo"},
			[]string{"go is not installed", "https://go.dev/dl/"}},
		{"no go: a tool build", root, []string{"go"}, nil, nil, []string{"e2e/scripts/tool.sh", "helm"},
			[]string{"go is not installed", "https://go.dev/dl/"}},
		{"go too old", tooOld, nil, nil, []string{"GOTOOLCHAIN=local"}, []string{"make", "build"},
			[]string{"is too old for this module (go.mod needs go 1.99.0", "install Go 1.99.0 or newer"}},
		{"no CA certificates", root, noPackages, nil, []string{"SSL_CERT_FILE=/nonexistent/ca.crt", "SSL_CERT_DIR=/nonexistent"}, []string{"make", "build"},
			[]string{"no CA certificates", "sudo apt-get install ca-certificates", "SSL_CERT_FILE"}},
		{"proxy unreachable: a tool", root, nil, nil, noProxy, []string{"e2e/scripts/tool.sh", "kubeconform"},
			[]string{"[tool] no kubeconform: github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0 cannot be downloaded", "503", "make the Go module proxy reachable"}},
		{"proxy unreachable: kube-apiserver", root, nil, nil, noProxy, []string{"e2e/scripts/kube-binaries.sh"},
			[]string{"[kube-binaries] no kube-apiserver: k8s.io/kubernetes@v1.36.3 cannot be downloaded", "503", "make the Go module proxy reachable"}},
		{"no packages and proxy unreachable: etcd", root, noPackages, nil, noProxy, []string{"e2e/scripts/assets.sh"},
			[]string{"[tool] no etcd:", "sudo apt-get install etcd-server", "ETCD=/path/to/etcd"}},
		{"no packages: gcc for -race", root, append([]string{"gcc", "cc"}, noPackages...), nil, nil, []string{"make", "test-unit"},
			[]string{"gcc is missing", "sudo apt-get install gcc libc6-dev"}},
		{"apt-get fails: gcc for -race", root, []string{"gcc", "cc", "sudo"}, map[string]string{"apt-get": brokenApt}, nil, []string{"make", "cc"},
			[]string{"gcc is missing", "sudo apt-get install gcc libc6-dev"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, hidden := range c.hide {
				if _, err := os.Stat(filepath.Join("/usr/sbin", hidden)); err == nil {
					t.Skipf("/usr/sbin/%s exists: the scripts look there too, so it cannot be hidden", hidden)
				}
			}
			cmd := exec.CommandContext(t.Context(), c.args[0], c.args[1:]...)
			cmd.Dir = c.dir
			cmd.Env = append(os.Environ(), "PATH="+pathWithout(t, c.fake, c.hide...), "RESELLER_CACHE="+t.TempDir(), "MAKEFLAGS=")
			cmd.Env = append(cmd.Env, c.env...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			if err == nil {
				t.Fatalf("%s succeeded; stderr:\n%s", strings.Join(c.args, " "), stderr.String())
			}
			var lines []string
			for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
				if !makeTrailer.MatchString(l) && !aptProgress.MatchString(l) {
					lines = append(lines, l)
				}
			}
			if len(lines) != 1 {
				t.Fatalf("want one line on stderr, got %d:\n%s", len(lines), stderr.String())
			}
			for _, w := range c.want {
				if !strings.Contains(lines[0], w) {
					t.Errorf("the line lacks %q: %s", w, lines[0])
				}
			}
		})
	}
}

// pathWithout is a PATH of one folder holding links to every command on
// this PATH but the hidden ones, and the fake commands.
func pathWithout(t *testing.T, fake map[string]string, hidden ...string) string {
	t.Helper()
	dir := t.TempDir()
	skip := map[string]bool{}
	for _, h := range hidden {
		skip[h] = true
	}
	for name, script := range fake {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			link := filepath.Join(dir, e.Name())
			if skip[e.Name()] || e.IsDir() {
				continue
			}
			if _, err := os.Lstat(link); err == nil {
				continue // an earlier PATH entry wins
			}
			if err := os.Symlink(filepath.Join(d, e.Name()), link); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// copyTree copies a file or a folder of files.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
