package main

import (
	"flag"
	"fmt"
	"net"
	"strconv"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/reseller-issuer/reseller-issuer/internal/dcv/dns01"
)

// The Kubernetes client's rate limits by default. controller-runtime gives
// each resource type its own REST client and limiter, and a certificate
// costs 4 to 5 ResellerOrder writes: at cert-manager's 20 and 50, 200
// Certificates at once waited 40-50 s on that one limiter (make bench).
const (
	defaultKubeAPIQPS   = 50
	defaultKubeAPIBurst = 100
)

// defaultOrderRetention keeps an order that is over for 90 days: its
// record of what was bought outlives the certificate's renewal window and
// a quarter's bookkeeping.
const defaultOrderRetention = 90 * 24 * time.Hour

type options struct {
	kubeconfig               string
	kubeAPIQPS               float64
	kubeAPIBurst             int
	metricsAddr              string
	probeAddr                string
	pprofAddr                string
	http01Addr               string
	http01SelfURL            string
	http01Service            string
	http01ServiceHost        string
	http01ServicePort        int32
	leaderElect              bool
	leaderElectionNamespace  string
	leaseDuration            time.Duration
	renewDeadline            time.Duration
	retryPeriod              time.Duration
	clusterResourceNamespace string
	concurrency              int
	maxRetryDuration         time.Duration
	resellerTimeout          time.Duration
	checkInterval            time.Duration
	checkGrace               time.Duration
	dns01Nameservers         []string
	dns01RecursiveOnly       bool
	clusterIssuerAmbient     bool
	orderRetention           time.Duration
	zap                      zap.Options
}

// defaultConcurrency is the workers of each controller. A Sign in which the
// order moved follows it for up to 4 s (looks after 0.25, 0.75, 1.75 s ...),
// asleep in its worker between looks: with 8 workers, 200 requests at once
// waited 3.7 s on average in the queue and the workers were 93% busy, mostly
// asleep (make bench, SSLmarket); 32 leave no queue. A sleeping worker costs
// a goroutine; up to 32 calls to one reseller may run at once.
const defaultConcurrency = 32

func parseOptions(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("reseller-issuer", flag.ContinueOnError)
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "Path to a kubeconfig; in-cluster config or $KUBECONFIG when empty.")
	fs.Float64Var(&o.kubeAPIQPS, "kube-api-qps", defaultKubeAPIQPS, "Requests per second the controller may send to the Kubernetes API server (client-side limit), whether it runs in the cluster or with a kubeconfig.")
	fs.IntVar(&o.kubeAPIBurst, "kube-api-burst", defaultKubeAPIBurst, "Requests the controller may send to the Kubernetes API server in a burst above --kube-api-qps.")
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", ":8080", "Address of the Prometheus metrics endpoint; 0 disables it.")
	fs.StringVar(&o.pprofAddr, "pprof-address", "", "Address of Go's profiler (/debug/pprof/) for chasing a slow or large controller, e.g. 127.0.0.1:6060; off when empty.")
	fs.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "Address of the /healthz and /readyz probes.")
	fs.StringVar(&o.http01Addr, "http01-bind-address", ":8089", "Address of the HTTP validation responder.")
	fs.StringVar(&o.http01SelfURL, "http01-self-url", "", "URL at which this process reaches its own responder for self-checks (default http://127.0.0.1:<http01 port>).")
	fs.StringVar(&o.http01Service, "http01-service", "reseller-issuer-http01.reseller-issuer.svc.cluster.local:80", "host:port of the Service in front of the responders; the Ingresses and HTTPRoutes of http01 solvers route to it through an ExternalName Service.")
	fs.BoolVar(&o.leaderElect, "leader-elect", true, "Elect a leader so only one replica signs at a time.")
	fs.StringVar(&o.leaderElectionNamespace, "leader-election-namespace", "", "Namespace of the leader election Lease (default: --cluster-resource-namespace).")
	fs.DurationVar(&o.leaseDuration, "leader-election-lease-duration", 15*time.Second, "How long a non-leader waits before taking over a Lease whose holder stopped renewing.")
	fs.DurationVar(&o.renewDeadline, "leader-election-renew-deadline", 10*time.Second, "How long the leader retries renewing before it gives up leadership.")
	fs.DurationVar(&o.retryPeriod, "leader-election-retry-period", 2*time.Second, "How often leader election is retried.")
	fs.StringVar(&o.clusterResourceNamespace, "cluster-resource-namespace", "reseller-issuer", "Namespace holding the Secrets of ResellerClusterIssuers.")
	fs.IntVar(&o.concurrency, "max-concurrent-requests", defaultConcurrency, "CertificateRequests and CSRs worked on at once (a request whose order is followed holds its worker between looks, up to 4 s).")
	fs.DurationVar(&o.maxRetryDuration, "max-retry-duration", 24*time.Hour, "A request that made no progress for this long, and has nothing paid, fails with the reason (cert-manager then retries with a new request); 0 never gives up. A request with a paid order never fails by this limit.")
	fs.DurationVar(&o.resellerTimeout, "reseller-timeout", 30*time.Second, "Timeout of each call to a reseller API.")
	fs.DurationVar(&o.checkInterval, "issuer-check-interval", 10*time.Minute, "How often every Issuer's credentials (and balance) are checked at its reseller; spec.healthCheck.interval overrides it per Issuer.")
	fs.DurationVar(&o.checkGrace, "issuer-check-grace", 5*time.Minute, "How long a Ready Issuer whose reseller cannot be reached stays Ready before it turns Ready=False.")
	nameservers := fs.String("dns01-recursive-nameservers", "", "Comma-separated nameservers (host:port, or https:// DNS-over-HTTPS URLs) that find DNS zones and, with --dns01-recursive-nameservers-only, check dns01 records; default: those of /etc/resolv.conf.")
	fs.BoolVar(&o.dns01RecursiveOnly, "dns01-recursive-nameservers-only", false, "Check dns01 records on --dns01-recursive-nameservers (or /etc/resolv.conf's) only, not on the zone's authoritative nameservers (split-horizon DNS).")
	fs.BoolVar(&o.clusterIssuerAmbient, "cluster-issuer-ambient-credentials", false, "Let ResellerClusterIssuers' dns01 solvers use the controller's ambient cloud credentials (IRSA, Workload Identity, managed identity) when they name no Secret. ResellerIssuers never can.")
	fs.DurationVar(&o.orderRetention, "order-retention", defaultOrderRetention, "How long a ResellerOrder is kept once it is over (final, its subscription and last certificate ended) before it is deleted; 0 keeps every order. Open orders, abandoned ones and those whose subscription still runs are never deleted.")
	o.zap.BindFlags(fs)
	err := fs.Parse(args)
	if err != nil {
		return nil, err
	}
	if o.dns01Nameservers, err = dns01.ParseNameservers(*nameservers); err != nil {
		return nil, fmt.Errorf("--dns01-recursive-nameservers: %w", err)
	}
	if o.kubeAPIQPS <= 0 {
		return nil, fmt.Errorf("--kube-api-qps must be more than 0, got %v", o.kubeAPIQPS)
	}
	if o.kubeAPIBurst < 1 {
		return nil, fmt.Errorf("--kube-api-burst must be at least 1, got %d", o.kubeAPIBurst)
	}
	if o.concurrency < 1 {
		return nil, fmt.Errorf("--max-concurrent-requests must be at least 1, got %d", o.concurrency)
	}
	if o.checkInterval < 5*time.Second {
		return nil, fmt.Errorf("--issuer-check-interval must be at least 5s, got %s", o.checkInterval)
	}
	if o.orderRetention < 0 {
		return nil, fmt.Errorf("--order-retention must not be negative (0 keeps every order), got %s", o.orderRetention)
	}
	if o.checkGrace < 0 {
		return nil, fmt.Errorf("--issuer-check-grace must not be negative, got %s", o.checkGrace)
	}
	if o.clusterResourceNamespace == "" {
		return nil, fmt.Errorf("--cluster-resource-namespace must not be empty")
	}
	host, port, err := net.SplitHostPort(o.http01Service)
	if err != nil || host == "" {
		return nil, fmt.Errorf("--http01-service must be host:port, got %q", o.http01Service)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 {
		return nil, fmt.Errorf("--http01-service %q: port must be 1-65535", o.http01Service)
	}
	o.http01ServiceHost, o.http01ServicePort = host, int32(p)
	if o.leaderElectionNamespace == "" {
		o.leaderElectionNamespace = o.clusterResourceNamespace
	}
	return o, nil
}
