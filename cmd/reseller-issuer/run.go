package main

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	webhookslv "github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/webhook"
	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	"github.com/cert-manager/issuer-lib/controllers"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientmetrics "k8s.io/client-go/tools/metrics"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/cachetrim"
	"github.com/reseller-issuer/reseller-issuer/internal/challenge"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv/dns01"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv/http01"
	"github.com/reseller-issuer/reseller-issuer/internal/health"
	"github.com/reseller-issuer/reseller-issuer/internal/metrics"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
	"github.com/reseller-issuer/reseller-issuer/internal/signer"
)

// Leader election reads, creates and renews one Lease in the leader election
// namespace (the cluster resource namespace unless --leader-election-namespace
// says otherwise). The chart turns rules scoped to namespace=reseller-issuer
// into a Role there.
//
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;create;update,namespace=reseller-issuer

func run(ctx context.Context, o *options) error {
	logger := zap.New(zap.UseFlagOptions(&o.zap))
	ctrl.SetLogger(logger)

	cfg, err := restConfig(o, ctrl.GetConfig)
	if err != nil {
		return err
	}
	kubeAPI, err := metrics.NewKubeAPI(ctrlmetrics.Registry)
	if err != nil {
		return err
	}
	cfg.Wrap(kubeAPI.Wrap)
	limiterWaits, err := metrics.NewLimiterWaits(ctrlmetrics.Registry)
	if err != nil {
		return err
	}
	// controller-runtime registers client-go's request counts only; its
	// init has used clientmetrics.Register's once, so the wait is set here.
	clientmetrics.RateLimiterLatency = limiterWaits
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, cmapi.AddToScheme, v1alpha1.AddToScheme, gatewayv1.Install} {
		if err := add(scheme); err != nil {
			return err
		}
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme: scheme,
		Cache:  cachetrim.Options(),
		// Off unless asked: /debug/pprof/ for a slow or large issuer.
		PprofBindAddress:        o.pprofAddr,
		Metrics:                 metricsserver.Options{BindAddress: o.metricsAddr, FilterProvider: metrics.Uncompressed},
		HealthProbeBindAddress:  o.probeAddr,
		LeaderElection:          o.leaderElect,
		LeaderElectionID:        "reseller-issuer.reseller-issuer.dev",
		LeaderElectionNamespace: o.leaderElectionNamespace,
		LeaseDuration:           &o.leaseDuration,
		RenewDeadline:           &o.renewDeadline,
		RetryPeriod:             &o.retryPeriod,
		// A clean shutdown hands the Lease over at once.
		LeaderElectionReleaseOnCancel: true,
		Controller:                    config.Controller{MaxConcurrentReconciles: o.concurrency},
	})
	if err != nil {
		return fmt.Errorf("creating the manager: %w", err)
	}

	if err := http01.RegisterIndexes(ctx, mgr.GetFieldIndexer()); err != nil {
		return err
	}
	selfURL, err := selfURL(o)
	if err != nil {
		return err
	}
	responder := &http01.Responder{Reader: mgr.GetClient(), SelfURL: selfURL, HTTPClient: &http.Client{Timeout: 5 * time.Second}}
	if err := mgr.Add(&http01.Server{Addr: o.http01Addr, Handler: responder}); err != nil {
		return err
	}

	calls, err := ca.NewMetrics(ctrlmetrics.Registry)
	if err != nil {
		return err
	}
	// Routing objects are read from the API server: caching every Service,
	// Ingress and HTTPRoute of the cluster for a few challenges is waste.
	direct, err := client.New(cfg, client.Options{Scheme: scheme, Mapper: mgr.GetRESTMapper()})
	if err != nil {
		return fmt.Errorf("creating the API client: %w", err)
	}
	hooks := &webhookslv.Webhook{}
	if err := hooks.Initialize(cfg, ctx.Done()); err != nil {
		return fmt.Errorf("setting up the dns01 webhook client: %w", err)
	}
	publishers := &challenge.Publishers{
		DNS: &dns01.Builder{
			Options: dns01.Options{
				Nameservers:                     o.dns01Nameservers,
				RecursiveOnly:                   o.dns01RecursiveOnly,
				ClusterIssuerAmbientCredentials: o.clusterIssuerAmbient,
				UserAgent:                       "reseller-issuer",
			},
			Reader:  mgr.GetAPIReader(),
			Tokens:  dns01.ServiceAccountTokens{Client: direct},
			Webhook: hooks,
		},
		Routes: &http01.Routes{Client: direct, ServiceHost: o.http01ServiceHost, ServicePort: o.http01ServicePort},
	}
	if err := (&challenge.Reconciler{
		Client:      mgr.GetClient(),
		Reader:      mgr.GetAPIReader(),
		Remover:     publishers,
		Events:      mgr.GetEventRecorder("reseller-issuer"),
		Now:         time.Now,
		GiveUpAfter: 10 * time.Minute,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the challenge controller: %w", err)
	}
	if err := (&order.Retention{
		Client: mgr.GetClient(),
		Events: mgr.GetEventRecorder("reseller-issuer"),
		Now:    time.Now,
		After:  o.orderRetention,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the ResellerOrder retention: %w", err)
	}
	waits := &metrics.Waits{}
	if err := ctrlmetrics.Registry.Register(&metrics.Cluster{Reader: mgr.GetClient(), Leader: elected(mgr), Now: time.Now, Waits: waits}); err != nil {
		return err
	}
	resellers := &signer.Resellers{Now: time.Now, Timeout: o.resellerTimeout, Metrics: calls, Log: logger.WithName("reseller")}
	s := &signer.Signer{
		Client:                   mgr.GetClient(),
		APIReader:                mgr.GetAPIReader(),
		ClusterResourceNamespace: o.clusterResourceNamespace,
		Build:                    resellers.Build,
		Now:                      time.Now,
		Events:                   mgr.GetEventRecorder("reseller-issuer"),
		HTTP:                     responder,
		Publishers:               publishers,
		MaxRetryDuration:         o.maxRetryDuration,
		Waits:                    waits,
		Counters:                 calls,
	}
	scheduler := &health.Scheduler{Reader: mgr.GetClient(), Interval: o.checkInterval, Now: time.Now}
	checker := &health.Checker{
		Client:    mgr.GetClient(),
		Probe:     s.Probe,
		Scheduler: scheduler,
		Grace:     o.checkGrace,
		Events:    mgr.GetEventRecorder("reseller-issuer"),
		Now:       time.Now,
	}
	if err := (&controllers.CombinedController{
		IssuerTypes:        []issuerapi.Issuer{&v1alpha1.ResellerIssuer{}},
		ClusterIssuerTypes: []issuerapi.Issuer{&v1alpha1.ResellerClusterIssuer{}},
		FieldOwner:         "reseller-issuer.dev",
		// Sign gives up by --max-retry-duration itself (it never returns
		// the plain errors issuer-lib's limit applies to).
		MaxRetryDuration: math.MaxInt64,
		Check:            checker.Check,
		Sign:             s.Sign,
		// A reconcile whose cached request is already done elsewhere
		// neither signs again nor re-applies its status.
		IgnoreCertificateRequest: s.IgnoreStale,
		EventRecorder:            health.QuietRecorder{EventRecorder: mgr.GetEventRecorder("reseller-issuer")},
		// issuer-lib checks an Issuer only when its spec changes: the
		// scheduler enqueues each one again on its interval.
		PreSetupWithManager: func(_ context.Context, gvk schema.GroupVersionKind, _ ctrl.Manager, b *builder.Builder) error {
			if gvk.Group == v1alpha1.GroupVersion.Group && (gvk.Kind == v1alpha1.KindResellerIssuer || gvk.Kind == v1alpha1.KindResellerClusterIssuer) {
				b.WatchesRawSource(scheduler.Source(gvk.Kind))
			}
			return nil
		},
	}).SetupWithManager(ctx, mgr); err != nil {
		return fmt.Errorf("setting up the controllers: %w", err)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return err
	}
	logger.Info("starting", "clusterResourceNamespace", o.clusterResourceNamespace, "dns01Nameservers", o.dns01Nameservers, "dns01RecursiveOnly", o.dns01RecursiveOnly, "maxConcurrentRequests", o.concurrency, "leaderElection", o.leaderElect, "http01Address", o.http01Addr)
	return mgr.Start(ctx)
}

// elected reports whether this replica leads (always, without leader
// election).
func elected(mgr ctrl.Manager) func() bool {
	return func() bool {
		select {
		case <-mgr.Elected():
			return true
		default:
			return false
		}
	}
}

// restConfig loads the API server's address and credentials from
// --kubeconfig, else from ambient (controller-runtime's lookup: $KUBECONFIG,
// in-cluster, ~/.kube/config), and gives every source the same rate limits:
// each source sets its own otherwise (none: 5/s; controller-runtime: none).
func restConfig(o *options, ambient func() (*rest.Config, error)) (*rest.Config, error) {
	var cfg *rest.Config
	var err error
	if o.kubeconfig != "" {
		cfg, err = clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	} else {
		cfg, err = ambient()
	}
	if err != nil {
		return nil, fmt.Errorf("loading the Kubernetes client configuration: %w", err)
	}
	cfg.QPS = float32(o.kubeAPIQPS)
	cfg.Burst = o.kubeAPIBurst
	return cfg, nil
}

func selfURL(o *options) (string, error) {
	if o.http01SelfURL != "" {
		return o.http01SelfURL, nil
	}
	_, port, err := net.SplitHostPort(o.http01Addr)
	if err != nil {
		return "", fmt.Errorf("--http01-bind-address %q: %w", o.http01Addr, err)
	}
	return "http://" + net.JoinHostPort("127.0.0.1", port), nil
}
