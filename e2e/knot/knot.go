// Package knot runs Knot DNS (Debian's knotd) as a child process on a
// loopback port, authoritative for one zone that accepts TSIG-signed RFC 2136
// updates, for tests of the dns01 solver.
package knot

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/miekg/dns"

	"github.com/reseller-issuer/reseller-issuer/internal/dnsrecord"
)

// InstallHint says how to get the binaries this package needs.
const InstallHint = "apt-get install knot knot-dnsutils"

// Algorithm is the TSIG algorithm of the generated key, as named by
// github.com/miekg/dns (the CRD value is HMACSHA256).
const Algorithm = dns.HmacSHA256

// maxSocketPath is the length limit of a Unix socket path (sun_path, 108
// bytes on Linux, including the final NUL), with some margin.
const maxSocketPath = 100

// Server is a running knotd.
type Server struct {
	// Zone is the served zone, fully qualified.
	Zone string
	// KeyName is the TSIG key's name, fully qualified.
	KeyName string
	// Secret is the TSIG key's secret, base64.
	Secret string
	// Algorithm is the TSIG key's algorithm ("hmac-sha256.").
	Algorithm string
	// Dir holds the configuration, zone file, database and knot.log.
	Dir string

	// rundir holds the control socket and PID file: Dir/run, or a short
	// temporary directory when Dir is too long for a Unix socket path.
	rundir, tmpRundir string

	addr     string
	cmd      *exec.Cmd
	done     chan struct{}
	waitErr  error
	stopOnce sync.Once
}

// Binary finds knotd on PATH or in /usr/sbin, which is often not on a
// user's PATH.
func Binary() (string, error) {
	if p, err := exec.LookPath("knotd"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/knotd"); err == nil {
		return "/usr/sbin/knotd", nil
	}
	return "", fmt.Errorf("knotd not found on PATH or in /usr/sbin: %s", InstallHint)
}

// Start writes a configuration under dir and runs knotd, authoritative for
// zone (SOA, NS and the NS's A record) and accepting updates signed with a
// new random hmac-sha256 key named keyName. It returns once the server
// answers the zone's SOA. Stop it with Stop (it also stops when ctx ends).
func Start(ctx context.Context, dir, zone, keyName string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	zone, keyName = dns.CanonicalName(zone), dns.CanonicalName(keyName)
	if _, ok := dns.IsDomainName(zone); !ok || zone == "." {
		return nil, fmt.Errorf("knot: invalid zone %q", zone)
	}
	if _, ok := dns.IsDomainName(keyName); !ok || keyName == "." {
		return nil, fmt.Errorf("knot: invalid key name %q", keyName)
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	s := &Server{
		Zone:      zone,
		KeyName:   keyName,
		Secret:    base64.StdEncoding.EncodeToString(raw),
		Algorithm: Algorithm,
		Dir:       dir,
	}
	s.rundir = filepath.Join(dir, "run")
	if len(s.rundir+"/knot.sock") >= maxSocketPath {
		if s.tmpRundir, err = os.MkdirTemp("", "knot-run-"); err != nil {
			return nil, err
		}
		s.rundir = s.tmpRundir
	}
	for _, d := range []string{"run", "storage", "zones"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "zones", strings.TrimSuffix(zone, ".")+".zone"), []byte(zoneFile(zone)), 0o644); err != nil {
		return nil, err
	}

	// The free port is found by binding and releasing it, which races with
	// other processes: try a few.
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if lastErr = s.start(ctx, bin, port); lastErr == nil {
			return s, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	s.removeTmp()
	return nil, lastErr
}

func (s *Server) start(ctx context.Context, bin string, port int) error {
	conf := filepath.Join(s.Dir, "knot.conf")
	if err := os.WriteFile(conf, []byte(s.config(port)), 0o600); err != nil {
		return err
	}
	logPath := filepath.Join(s.Dir, "knot.log")
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer func() { _ = log.Close() }() // the child keeps its own descriptor
	fmt.Fprintf(log, "=== %s: starting %s -c %s (port %d)\n", time.Now().Format(time.RFC3339), bin, conf, port)

	cmd := exec.CommandContext(ctx, bin, "-c", conf)
	cmd.Dir = s.Dir
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("knot: starting %s: %w", bin, err)
	}
	s.cmd, s.done, s.stopOnce = cmd, make(chan struct{}), sync.Once{}
	done := s.done
	go func() {
		s.waitErr = cmd.Wait()
		close(done)
	}()

	if err := s.waitReady(ctx, 15*time.Second); err != nil {
		s.stop()
		return fmt.Errorf("knot on %s: %w\n%s", s.addr, err, tail(logPath, 20))
	}
	return nil
}

func (s *Server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var lastErr error
	for {
		select {
		case <-s.done:
			if s.waitErr == nil {
				return errors.New("knotd exited before serving")
			}
			return fmt.Errorf("knotd exited before serving: %w", s.waitErr)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		soa, err := s.Lookup(ctx, s.Zone, dns.TypeSOA)
		if err == nil && len(soa) == 1 {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("%d SOA records", len(soa))
		}
		lastErr = err
		if time.Now().After(deadline) {
			return fmt.Errorf("no SOA for %s after %s (last error: %w)", s.Zone, limit, lastErr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Addr is the server's host:port (UDP and TCP).
func (s *Server) Addr() string { return s.addr }

// LogPath is knotd's log file.
func (s *Server) LogPath() string { return filepath.Join(s.Dir, "knot.log") }

// Stop sends SIGTERM and waits for knotd to exit (SIGKILL after 5 seconds).
// It may be called more than once.
func (s *Server) Stop() {
	s.stop()
	s.removeTmp()
}

func (s *Server) stop() {
	s.stopOnce.Do(func() {
		if s.cmd == nil || s.cmd.Process == nil {
			return
		}
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}

func (s *Server) removeTmp() {
	if s.tmpRundir != "" {
		_ = os.RemoveAll(s.tmpRundir)
	}
}

// Lookup asks the server, without recursion, for name's records of qtype
// (dns.TypeTXT, ...) and returns their data (dnsrecord.Values): TXT values
// joined and unescaped, CNAME/NS targets in canonical form, and the
// presentation form without the header for other types. A missing name or
// type gives an empty list.
func (s *Server) Lookup(ctx context.Context, name string, qtype uint16) ([]string, error) {
	name = dns.CanonicalName(name)
	c := &dns.Client{Net: "tcp", Timeout: 2 * time.Second}
	resp, err := dnsrecord.Exchange(ctx, c, dnsrecord.Question(name, qtype), s.addr)
	if err != nil {
		return nil, err
	}
	if resp.Rcode != dns.RcodeSuccess && resp.Rcode != dns.RcodeNameError {
		return nil, fmt.Errorf("%s %s: %s", dnsrecord.TypeString(qtype), name, dnsrecord.RcodeString(resp.Rcode))
	}
	return dnsrecord.Values(resp.Answer, name, qtype, false), nil
}

func (s *Server) config(port int) string {
	zone := strings.TrimSuffix(s.Zone, ".")
	return fmt.Sprintf(`# Written by e2e/knot for tests.
server:
    rundir: "%[6]s"
    listen: 127.0.0.1@%[2]d
    tcp-workers: 1
    udp-workers: 1
    background-workers: 1

log:
  - target: stderr
    any: info

database:
    storage: "%[1]s/storage"

key:
  - id: %[3]s
    algorithm: hmac-sha256
    secret: %[4]s

acl:
  - id: update
    key: %[3]s
    action: update

template:
  - id: default
    storage: "%[1]s/zones"
    file: "%%s.zone"

zone:
  - domain: %[5]s
    acl: update
`, s.Dir, port, s.KeyName, s.Secret, zone, s.rundir)
}

func zoneFile(zone string) string {
	return fmt.Sprintf(`$ORIGIN %[1]s
$TTL 60
@   SOA ns1.%[1]s hostmaster.%[1]s 1 3600 600 86400 60
@   NS  ns1.%[1]s
ns1 A   127.0.0.1
`, zone)
}

// freePort returns a port that was free for both TCP and UDP on 127.0.0.1.
func freePort() (int, error) {
	for range 10 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		_ = l.Close()
		if err != nil {
			continue
		}
		_ = u.Close()
		return port, nil
	}
	return 0, errors.New("knot: no port free for both TCP and UDP on 127.0.0.1")
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
