// Command cert-manager-host runs cert-manager's controllers (certificates,
// certificate requests for the CA and SelfSigned issuers, ingress-shim,
// issuers and cluster issuers) from the public packages of
// github.com/cert-manager/cert-manager, without the webhook and cainjector.
// It exists for the e2e tests and the demo, which have no container runtime.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"sync"
	"syscall"
	"time"

	"k8s.io/klog/v2"

	controllerpkg "github.com/cert-manager/cert-manager/pkg/controller"
	logf "github.com/cert-manager/cert-manager/pkg/logs"

	// Controllers register themselves with controllerpkg.Known() in init().
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificate-shim/ingresses"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	_ "github.com/cert-manager/cert-manager/pkg/controller/clusterissuers"
	_ "github.com/cert-manager/cert-manager/pkg/controller/issuers"

	// Issuer implementations used by the issuers/clusterissuers controllers.
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

func main() {
	if err := run(); err != nil {
		klog.ErrorS(err, "cert-manager-host failed")
		klog.Flush()
		os.Exit(1)
	}
	klog.Flush()
}

func run() error {
	fs := flag.NewFlagSet("cert-manager-host", flag.ContinueOnError)
	klog.InitFlags(fs) // -v, -vmodule, ...; klog writes to stderr
	kubeconfig := fs.String("kubeconfig", "", "path to a kubeconfig file")
	clusterResourceNamespace := fs.String("cluster-resource-namespace", "cert-manager",
		"namespace holding the Secrets referenced by ClusterIssuers")
	workers := fs.Int("workers", 5, "workers per controller")
	if err := fs.Parse(os.Args[1:]); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if *kubeconfig == "" {
		return errors.New("--kubeconfig is required")
	}

	logf.InitLogs()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	ctx = logf.NewContext(ctx, logf.Log, "cert-manager-host")

	factory, err := controllerpkg.NewContextFactory(ctx, contextOptions(*kubeconfig, *clusterResourceNamespace))
	if err != nil {
		return fmt.Errorf("building controller context: %w", err)
	}

	// Constructing a controller registers its informers with the shared
	// factories, so every controller is built before the factories start.
	names := make([]string, 0, len(controllerpkg.Known()))
	for name := range controllerpkg.Known() {
		names = append(names, name)
	}
	slices.Sort(names)
	controllers := make(map[string]controllerpkg.Interface, len(names))
	for _, name := range names {
		c, err := controllerpkg.Known()[name](factory)
		if err != nil {
			return fmt.Errorf("constructing controller %s: %w", name, err)
		}
		controllers[name] = c
	}

	shared, err := factory.Build()
	if err != nil {
		return fmt.Errorf("building shared context: %w", err)
	}
	shared.KubeSharedInformerFactory.Start(ctx.Done())
	shared.SharedInformerFactory.Start(ctx.Done())
	shared.HTTP01ResourceMetadataInformersFactory.Start(ctx.Done())
	shared.GWShared.Start(ctx.Done())

	klog.InfoS("starting controllers", "controllers", names, "workers", *workers)
	errs := make(chan error, len(controllers))
	var wg sync.WaitGroup
	for name, c := range controllers {
		wg.Go(func() {
			// Run fails when its caches never sync; after a signal that is expected.
			if err := c.Run(*workers, ctx); err != nil && ctx.Err() == nil {
				errs <- fmt.Errorf("controller %s: %w", name, err)
				stop() // one failed controller stops the others
			}
		})
	}
	<-ctx.Done()
	klog.InfoS("shutting down")
	wg.Wait()
	shared.KubeSharedInformerFactory.Shutdown()
	shared.SharedInformerFactory.Shutdown()
	shared.HTTP01ResourceMetadataInformersFactory.Shutdown()
	shared.GWShared.Shutdown()
	close(errs)
	var failed []error
	for err := range errs {
		failed = append(failed, err)
	}
	return errors.Join(failed...)
}

// contextOptions mirrors the defaults of cert-manager's controller
// configuration (internal/apis/config/controller/v1alpha1/defaults.go).
func contextOptions(kubeconfig, clusterResourceNamespace string) controllerpkg.ContextOptions {
	return controllerpkg.ContextOptions{
		Kubeconfig:         kubeconfig,
		KubernetesAPIQPS:   50,
		KubernetesAPIBurst: 100,
		IssuerOptions: controllerpkg.IssuerOptions{
			ClusterResourceNamespace: clusterResourceNamespace,
		},
		IngressShimOptions: controllerpkg.IngressShimOptions{
			DefaultIssuerKind:                 "Issuer",
			DefaultIssuerGroup:                "cert-manager.io",
			DefaultAutoCertificateAnnotations: []string{"kubernetes.io/tls-acme"},
		},
		CertificateOptions: controllerpkg.CertificateOptions{
			EnableOwnerRef:                           true,
			CopiedAnnotationPrefixes:                 []string{"*", "-kubectl.kubernetes.io/", "-fluxcd.io/", "-argocd.argoproj.io/"},
			CertificateRequestMinimumBackoffDuration: time.Hour,
			CertificateRequestMaximumBackoffDuration: 32 * time.Hour,
		},
		SchedulerOptions: controllerpkg.SchedulerOptions{MaxConcurrentChallenges: 60},
		ACMEOptions:      controllerpkg.ACMEOptions{DNS01CheckRetryPeriod: 10 * time.Second},
	}
}
