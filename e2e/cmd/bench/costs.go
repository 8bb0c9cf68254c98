package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// costs says where a phase's time goes, in figures that hold while other
// work shares the machine, from the phase's start until all its
// Certificates are Ready: the CPU-seconds per Certificate of each process
// of the stack (/proc/PID/stat) above its idle rate, the issuer's work queues (worker-seconds
// busy per Certificate, the share of the workers that kept busy, the mean
// wait in the queue), its requests' waits for the client-side rate limit,
// and the median seconds of each stretch of a Certificate's way to Ready.
// Set beside the CA phase, the reseller phases show what the issuer adds
// on top of cert-manager.
type costs struct {
	stack *framework.Stack

	began time.Time
	cpu   map[string]float64 // process -> CPU-s at the start
	// idle is each process's CPU-s per second in idleWindow before the
	// phase: leader election, resyncs, the previous phase's leftovers.
	idle    map[string]float64
	metrics map[string]float64 // family|label -> value at the start
	// at the phase's end (all Ready), taken by ready.
	end        time.Time
	cpuEnd     map[string]float64
	metricsEnd map[string]float64
}

// A readier is a probe that also measures the moment all the phase's
// Certificates are Ready, before the phase settles.
type readier interface {
	ready(ctx context.Context, p *phaseRun) error
}

// idleWindow is how long the processes' idle CPU is measured before a
// phase: the phase's figures are net of it, so that a phase that lasts
// longer (a loaded machine) is not charged for the time it lasted.
const idleWindow = 3 * time.Second

func (c *costs) start(ctx context.Context, _ *phaseRun) (err error) {
	from, before := time.Now(), c.cpuSeconds()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(idleWindow):
	}
	c.began, c.cpu = time.Now(), c.cpuSeconds()
	c.idle = map[string]float64{}
	for k, v := range c.cpu {
		c.idle[k] = (v - before[k]) / c.began.Sub(from).Seconds()
	}
	c.metrics, err = c.scrape(ctx)
	return err
}

func (c *costs) ready(ctx context.Context, _ *phaseRun) (err error) {
	c.end, c.cpuEnd = time.Now(), c.cpuSeconds()
	c.metricsEnd, err = c.scrape(ctx)
	return err
}

func (c *costs) stop(ctx context.Context, p *phaseRun, r *result) error {
	n := float64(p.n)
	elapsed := c.end.Sub(c.began).Seconds()
	// net is k's CPU-s per Certificate above its idle rate.
	net := func(k string) float64 { return (c.cpuEnd[k] - c.cpu[k] - c.idle[k]*elapsed) / n }
	var procs []string
	stackCPU, issuerCPU, idleCPU := 0.0, 0.0, 0.0
	for _, k := range c.processes() {
		v := net(k)
		stackCPU += v
		idleCPU += c.idle[k] * elapsed / n
		if strings.HasPrefix(k, "issuer-") {
			issuerCPU += v
		}
		procs = append(procs, fmt.Sprintf("%s %.3f", k, v))
	}
	r.set("stack CPU-s/cert", fmt.Sprintf("%.3f", stackCPU))
	r.set("issuer CPU-s/cert", fmt.Sprintf("%.3f", issuerCPU))
	r.detail("CPU-s/cert to all Ready, net of each process's idle rate (%s before the phase; %.3f in all over the phase): %s; machine (every process, other work too) %.3f",
		idleWindow, idleCPU, strings.Join(procs, ", "), net(machine))

	diff := func(k string) float64 { return c.metricsEnd[k] - c.metrics[k] }
	var queues []string
	for _, name := range c.queues() {
		items := diff(workCount + "|" + name)
		if items == 0 {
			continue
		}
		busy := diff(workSum + "|" + name)
		workers := c.metricsEnd[maxWorkers+"|"+name]
		occupancy := "?"
		if workers > 0 && elapsed > 0 {
			occupancy = fmt.Sprintf("%.0f%% of %.0f", 100*busy/(workers*elapsed), workers)
		}
		queues = append(queues, fmt.Sprintf("%s: %.2f reconciles/cert, busy %.2f worker-s/cert (%s workers), queue wait mean %.2f s",
			name, items/n, busy/n, occupancy, diff(queueSum+"|"+name)/max(diff(queueCount+"|"+name), 1)))
	}
	if len(queues) > 0 {
		r.detail("work queues: %s", strings.Join(queues, "; "))
	}
	if p.phase != phaseCA {
		waited, passed := 0.0, 0.0
		byResource := []string{}
		for _, k := range sortedKeys(c.metricsEnd) {
			if rest, ok := strings.CutPrefix(k, limiterSum+"|"); ok {
				if d := diff(k); d > 0.0005*n {
					byResource = append(byResource, fmt.Sprintf("%s %.3f", strings.ReplaceAll(rest, "|", " "), d/n))
				}
				waited += diff(k)
				passed += diff(limiterCount + "|" + rest)
			}
		}
		r.set("limiter s/cert", fmt.Sprintf("%.3f", waited/n))
		r.detail("client-side limiter: %.2f requests/cert passed it, waiting %.3f s/cert in all%s", passed/n, waited/n, strings.Join(append([]string{""}, byResource...), ", "))
	}
	stretches, err := c.timeline(ctx, p)
	if err != nil {
		return err
	}
	r.detail("seconds per Certificate, median/p90 (1 s resolution): %s", stretches)
	return nil
}

const machine = "machine"

// processes are the stack's processes in the order printed.
func (c *costs) processes() []string {
	out := []string{}
	for i := range c.stack.Issuers {
		out = append(out, fmt.Sprintf("issuer-%d", i))
	}
	return append(out, "cert-manager", "kube-apiserver", "etcd", "sandbox", "bench")
}

// cpuSeconds reads the CPU time (user + system) of every process of the
// stack and of the machine.
func (c *costs) cpuSeconds() map[string]float64 {
	out := map[string]float64{}
	for i, p := range c.stack.Issuers {
		out[fmt.Sprintf("issuer-%d", i)] = processCPU(p.Pid())
	}
	out["cert-manager"] = processCPU(c.stack.CertManager.Pid())
	out["sandbox"] = processCPU(c.stack.Sandbox.Pid())
	out["bench"] = processCPU(os.Getpid())
	// envtest starts etcd and kube-apiserver as this process's children.
	for pid, comm := range children(os.Getpid()) {
		if comm == "etcd" || comm == "kube-apiserver" {
			out[comm] += processCPU(pid)
		}
	}
	out[machine] = machineCPU()
	return out
}

// clockTick is USER_HZ, the unit of /proc's CPU times (100 on Linux).
const clockTick = 100

// processCPU is utime + stime of pid in seconds (0 when it cannot read).
func processCPU(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from after it (utime and stime are fields 14 and 15).
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / clockTick
}

// children maps the pids of ppid's child processes to their names.
func children(ppid int) map[int]string {
	out := map[int]string{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		s := string(data)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < open {
			continue
		}
		f := strings.Fields(s[closing+1:])
		if len(f) < 2 || f[1] != strconv.Itoa(ppid) {
			continue
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(s[:open]))
		out[pid] = s[open+1 : closing]
	}
	return out
}

// machineCPU is the CPU time every process of the machine spent (the
// "cpu" line of /proc/stat without idle and iowait), in seconds.
func machineCPU() float64 {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	total := 0.0
	for i, v := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		x, _ := strconv.ParseFloat(v, 64)
		total += x
	}
	return total / clockTick
}

// Metric families the costs read, summed over the replicas (only the
// leader's controllers work).
const (
	workSum      = "workqueue_work_duration_seconds_sum"
	workCount    = "workqueue_work_duration_seconds_count"
	queueSum     = "workqueue_queue_duration_seconds_sum"
	queueCount   = "workqueue_queue_duration_seconds_count"
	maxWorkers   = "controller_runtime_max_concurrent_reconciles"
	limiterSum   = "reseller_issuer_kube_api_limiter_wait_seconds_sum"
	limiterCount = "reseller_issuer_kube_api_limiter_wait_seconds_count"
)

// scrape reads the work queues' and the limiter's figures of every
// replica, keyed "family|label[|label]"; the workers' count is the
// largest any replica reports.
func (c *costs) scrape(ctx context.Context) (map[string]float64, error) {
	replicas, err := replicaMetrics(ctx, c.stack)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, fams := range replicas {
		for _, family := range []string{"workqueue_work_duration_seconds", "workqueue_queue_duration_seconds", "reseller_issuer_kube_api_limiter_wait_seconds"} {
			for _, m := range fams[family].GetMetric() {
				labels := map[string]string{}
				for _, l := range m.GetLabel() {
					labels[l.GetName()] = l.GetValue()
				}
				key := labels["name"]
				if family == "reseller_issuer_kube_api_limiter_wait_seconds" {
					key = labels["verb"] + "|" + labels["resource"]
				}
				out[family+"_sum|"+key] += m.GetHistogram().GetSampleSum()
				out[family+"_count|"+key] += float64(m.GetHistogram().GetSampleCount())
			}
		}
		for _, m := range fams[maxWorkers].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "controller" {
					k := maxWorkers + "|" + l.GetValue()
					out[k] = max(out[k], m.GetGauge().GetValue())
				}
			}
		}
	}
	return out, nil
}

// queues are the work queues' names, sorted.
func (c *costs) queues() []string {
	var out []string
	for k := range c.metricsEnd {
		if name, ok := strings.CutPrefix(k, workCount+"|"); ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// timeline measures, per Certificate, the stretches of its way to Ready
// from the objects' own timestamps (whole seconds): cert-manager makes
// the request; the issuer creates the order (its first Sign), the
// reseller's certificate arrives (saved on the order), the request turns
// Ready; cert-manager turns the Certificate Ready. The CA phase has no
// order: its stretch is the request's signing.
func (c *costs) timeline(ctx context.Context, p *phaseRun) (string, error) {
	cl := c.stack.Control.Client
	var certs cmapi.CertificateList
	var requests cmapi.CertificateRequestList
	if err := cl.List(ctx, &certs, client.InNamespace(p.ns)); err != nil {
		return "", err
	}
	if err := cl.List(ctx, &requests, client.InNamespace(p.ns)); err != nil {
		return "", err
	}
	type orderTimes struct{ created, obtained time.Time }
	orders := map[string]orderTimes{} // request name -> its order's times
	if p.phase != phaseCA {
		var list v1alpha1.ResellerOrderList
		if err := cl.List(ctx, &list, client.InNamespace(p.ns)); err != nil {
			return "", err
		}
		for _, o := range list.Items {
			for _, got := range o.Status.Certificates {
				orders[got.Request] = orderTimes{o.CreationTimestamp.Time, got.ObtainedAt.Time}
			}
		}
	}
	certReady := map[string]time.Time{}
	certCreated := map[string]time.Time{}
	for _, cert := range certs.Items {
		certCreated[cert.Name] = cert.CreationTimestamp.Time
		for _, cond := range cert.Status.Conditions {
			if cond.Type == cmapi.CertificateConditionReady && cond.Status == cmmeta.ConditionTrue {
				certReady[cert.Name] = timeOf(cond.LastTransitionTime)
			}
		}
	}
	stretches := map[string][]float64{}
	var names []string
	add := func(name string, from, to time.Time) {
		if from.IsZero() || to.IsZero() {
			return
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		stretches[name] = append(stretches[name], to.Sub(from).Seconds())
	}
	for _, cr := range requests.Items {
		cert := cr.Annotations[cmapi.CertificateNameKey]
		var ready time.Time
		for _, cond := range cr.Status.Conditions {
			if cond.Type == cmapi.CertificateRequestConditionReady && cond.Status == cmmeta.ConditionTrue {
				ready = timeOf(cond.LastTransitionTime)
			}
		}
		created := cr.CreationTimestamp.Time
		add("cert→request", certCreated[cert], created)
		if o, ok := orders[cr.Name]; ok {
			add("request→order", created, o.created)
			add("order→obtained", o.created, o.obtained)
			add("obtained→request Ready", o.obtained, ready)
		} else {
			add("request→Ready", created, ready)
		}
		add("request Ready→cert Ready", ready, certReady[cert])
		add("cert→cert Ready", certCreated[cert], certReady[cert])
	}
	var out []string
	for _, name := range names {
		v := stretches[name]
		sort.Float64s(v)
		out = append(out, fmt.Sprintf("%s %.0f/%.0f", name, v[len(v)/2], v[len(v)*9/10]))
	}
	return strings.Join(out, ", "), nil
}

func timeOf(t *metav1.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time
}
