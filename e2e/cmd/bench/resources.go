package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// The /proc/PID/status fields resources samples: the resident set and its
// two parts, anonymous (the Go heap, stacks, the runtime's own) and
// file-backed (the executable's pages, shared and reclaimable).
var rssFields = []string{"VmRSS:", "RssAnon:", "RssFile:"}

// resources samples the issuer replicas' resident memory during the phase,
// every 250 ms: the peak of the RSS and, separately, of its anonymous and
// file-backed parts (each its own peak). At the end it reads each replica's
// Go heap in use (go_memstats_heap_inuse_bytes), keeps a heap profile of
// it in the stack's folder, and reads the machine's load.
type resources struct {
	stack *framework.Stack

	mu     sync.Mutex
	peak   [][]int // KiB per replica, per rssFields
	cancel context.CancelFunc
	done   chan struct{}
}

func (s *resources) start(ctx context.Context, _ *phaseRun) error {
	s.peak = make([][]int, len(s.stack.Issuers))
	for i := range s.peak {
		s.peak[i] = make([]int, len(rssFields))
	}
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

// sample reads rssFields of every replica and raises the peaks.
func (s *resources) sample() [][]int {
	now := make([][]int, len(s.stack.Issuers))
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range s.stack.Issuers {
		now[i] = statusKiB(p.Pid(), rssFields...)
		for f, v := range now[i] {
			s.peak[i][f] = max(s.peak[i][f], v)
		}
	}
	return now
}

func (s *resources) stop(ctx context.Context, p *phaseRun, r *result) error {
	s.cancel()
	<-s.done
	final := s.sample()
	column := func(values [][]int, f int) string {
		var out []string
		for _, v := range values {
			out = append(out, mib(v[f]))
		}
		return strings.Join(out, "/")
	}
	r.set("RSS MiB peak", column(s.peak, 0))
	r.set("anon MiB peak", column(s.peak, 1))
	r.set("file MiB peak", column(s.peak, 2))
	r.set("RSS MiB end", column(final, 0))
	var heap, profiles []string
	for i := range s.stack.Issuers {
		heap = append(heap, s.heapInUse(ctx, i))
		path := filepath.Join(s.stack.Dir, fmt.Sprintf("heap-%s-%d-replica%d.pb.gz", p.phase, p.run, i))
		if err := s.heapProfile(ctx, i, path); err != nil {
			profiles = append(profiles, "none ("+err.Error()+")")
		} else {
			profiles = append(profiles, path)
		}
	}
	r.set("heap MiB end", strings.Join(heap, "/"))
	r.detail("end, per replica: anon %s MiB, file %s MiB; heap profiles (go tool pprof -top): %s",
		column(final, 1), column(final, 2), strings.Join(profiles, " "))
	r.set("load", loadAverage())
	return nil
}

// heapInUse is replica i's go_memstats_heap_inuse_bytes in MiB ("?" when
// its metrics cannot be read).
func (s *resources) heapInUse(ctx context.Context, i int) string {
	text, err := framework.Fetch(ctx, s.stack.MetricsURLs[i])
	if err != nil {
		return "?"
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		return "?"
	}
	f, ok := fams["go_memstats_heap_inuse_bytes"]
	if !ok || len(f.Metric) == 0 {
		return "?"
	}
	return mib(int(f.Metric[0].GetGauge().GetValue() / 1024))
}

// heapProfile saves replica i's heap profile (after a GC, so it shows what
// is live) to path.
func (s *resources) heapProfile(ctx context.Context, i int, path string) error {
	body, err := framework.Fetch(ctx, s.stack.PprofURLs[i]+"heap?gc=1")
	if err != nil {
		return err
	}
	return os.WriteFile(path, body, 0o644)
}

func mib(kib int) string { return strconv.Itoa((kib + 512) / 1024) }

// statusKiB reads fields of /proc/PID/status in KiB, e.g. "VmRSS:" (0
// for one it cannot).
func statusKiB(pid int, fields ...string) []int {
	out := make([]int, len(fields))
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return out
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		for i, field := range fields {
			if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
				if f := strings.Fields(rest); len(f) > 0 {
					out[i], _ = strconv.Atoi(f[0])
				}
			}
		}
	}
	return out
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
