package framework

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

// PaidCalls returns the sandbox's paid-call events after seq, waiting up
// to wait for one.
func (s *Stack) PaidCalls(ctx context.Context, after int, wait time.Duration) ([]sandbox.PaidCallEvent, error) {
	var events []sandbox.PaidCallEvent
	return events, s.getJSON(ctx, fmt.Sprintf("%s?after=%d&wait=%s", sandbox.PaidCallsPath, after, wait), &events)
}

// HoldPaidCalls has the sandbox hold every paid call for before it carries
// it out (dropping it if the client hangs up meanwhile) and its answer for
// after (0 and 0 end it).
func (s *Stack) HoldPaidCalls(ctx context.Context, before, after time.Duration) error {
	if _, err := s.post(ctx, sandbox.PaidCallsPath+"?before="+before.String()+"&after="+after.String(), nil); err != nil {
		return fmt.Errorf("holding paid calls: %w", err)
	}
	return nil
}

// CallerOf returns the process among procs, and its pid, that holds the
// loopback TCP connection whose local end is remote (a client address the
// sandbox saw, host:port), read from /proc while the connection is open.
func CallerOf(remote string, procs []*Process) (*Process, int, error) {
	_, portText, err := net.SplitHostPort(remote)
	if err != nil {
		return nil, 0, err
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, 0, err
	}
	inode, err := socketInode(port)
	if err != nil {
		return nil, 0, err
	}
	want := "socket:[" + inode + "]"
	for _, p := range procs {
		pid, running := p.Running()
		if !running {
			continue
		}
		fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
		for _, fd := range fds {
			if link, err := os.Readlink(fd); err == nil && link == want {
				return p, pid, nil
			}
		}
	}
	return nil, 0, fmt.Errorf("no running process holds the connection from %s", remote)
}

// socketInode finds the inode of the IPv4 TCP socket whose local port is
// port in /proc/net/tcp.
func socketInode(port int) (string, error) {
	data, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return "", err
	}
	suffix := fmt.Sprintf(":%04X", port)
	for _, line := range strings.Split(string(data), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 10 || !strings.HasSuffix(f[1], suffix) || f[9] == "0" {
			continue
		}
		return f[9], nil
	}
	return "", fmt.Errorf("no socket on local port %d", port)
}
