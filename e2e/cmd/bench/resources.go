package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// resources samples the issuer replicas' resident memory during the phase
// (peak and final, MiB; and the anonymous part at the end: the rest is the
// executable's pages, shared and reclaimable) and reads the machine's load
// at the end.
type resources struct {
	stack *framework.Stack

	mu     sync.Mutex
	peak   []int // KiB per replica
	cancel context.CancelFunc
	done   chan struct{}
}

func (s *resources) start(ctx context.Context, _ *phaseRun) error {
	s.peak = make([]int, len(s.stack.Issuers))
	s.done = make(chan struct{})
	ctx, s.cancel = context.WithCancel(ctx)
	go func() {
		defer close(s.done)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			s.sample()
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return nil
}

func (s *resources) sample() []int {
	now := make([]int, len(s.stack.Issuers))
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range s.stack.Issuers {
		now[i] = statusKiB(p.Pid(), "VmRSS:")
		s.peak[i] = max(s.peak[i], now[i])
	}
	return now
}

func (s *resources) stop(_ context.Context, _ *phaseRun, r *result) error {
	s.cancel()
	<-s.done
	final := s.sample()
	var peaks, finals, anon []string
	for i, p := range s.stack.Issuers {
		peaks = append(peaks, mib(s.peak[i]))
		finals = append(finals, mib(final[i]))
		anon = append(anon, mib(statusKiB(p.Pid(), "RssAnon:")))
	}
	r.set("RSS MiB peak", strings.Join(peaks, "/"))
	r.set("RSS MiB end", strings.Join(finals, "/"))
	r.set("anon MiB end", strings.Join(anon, "/"))
	r.set("load", loadAverage())
	return nil
}

func mib(kib int) string { return strconv.Itoa((kib + 512) / 1024) }

// statusKiB reads a field of /proc/PID/status in KiB, e.g. "VmRSS:" (0
// when it cannot).
func statusKiB(pid int, field string) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.Atoi(f[0])
				return n
			}
		}
	}
	return 0
}

// loadAverage is the 1-minute load of the machine and its CPU count.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}
