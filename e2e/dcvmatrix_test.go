//go:build e2e

package e2e

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// seen records every object of a few kinds that existed in a namespace
// while a certificate was issued: challenges are short-lived, a watch sees
// them all.
type seen struct {
	mu         sync.Mutex
	challenges map[string]*v1alpha1.ResellerChallenge
	ingresses  map[string]*networkingv1.Ingress
	routes     map[string]*gatewayv1.HTTPRoute
	services   map[string]*corev1.Service
	// onOrders are the names a ResellerOrder showed an open challenge for,
	// by challenge type.
	onOrders map[string]string
}

// watchNamespace starts recording ns through informers (which list, then
// watch from that version and retry, so no short-lived object is missed);
// it stops with the test.
func watchNamespace(t *testing.T, s *framework.Stack, ns string) *seen {
	t.Helper()
	informers, err := cache.New(s.Control.Config, cache.Options{
		Scheme:            s.Control.Client.Scheme(),
		DefaultNamespaces: map[string]cache.Config{ns: {}},
	})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	r := &seen{
		challenges: map[string]*v1alpha1.ResellerChallenge{},
		ingresses:  map[string]*networkingv1.Ingress{},
		routes:     map[string]*gatewayv1.HTTPRoute{},
		services:   map[string]*corev1.Service{},
		onOrders:   map[string]string{},
	}
	record := func(obj any) {
		r.mu.Lock()
		defer r.mu.Unlock()
		switch o := obj.(type) {
		case *v1alpha1.ResellerChallenge:
			// Keep the most informative version: the last one with a state.
			if prev := r.challenges[o.Name]; prev == nil || o.Status.State != "" {
				r.challenges[o.Name] = o.DeepCopy()
			}
		case *networkingv1.Ingress:
			r.ingresses[o.Name] = o.DeepCopy()
		case *gatewayv1.HTTPRoute:
			r.routes[o.Name] = o.DeepCopy()
		case *corev1.Service:
			r.services[o.Name] = o.DeepCopy()
		case *v1alpha1.ResellerOrder:
			for _, n := range o.Status.Names {
				if n.Challenge != nil {
					r.onOrders[n.Name] = n.Challenge.Type
				}
			}
		}
	}
	handler := toolscache.ResourceEventHandlerFuncs{
		AddFunc:    record,
		UpdateFunc: func(_, obj any) { record(obj) },
	}
	for _, obj := range []client.Object{&v1alpha1.ResellerChallenge{}, &v1alpha1.ResellerOrder{}, &networkingv1.Ingress{}, &gatewayv1.HTTPRoute{}, &corev1.Service{}} {
		inf, err := informers.GetInformer(ctx, obj)
		require.NoError(t, err)
		_, err = inf.AddEventHandler(handler)
		require.NoError(t, err)
	}
	go func() { _ = informers.Start(ctx) }()
	require.True(t, informers.WaitForCacheSync(ctx), "informers synced")
	return r
}

// onOrder is the type of the challenge a ResellerOrder showed for name.
func (r *seen) onOrder(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.onOrders[name]
}

func (r *seen) challengeList() []*v1alpha1.ResellerChallenge {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*v1alpha1.ResellerChallenge
	for _, c := range r.challenges {
		out = append(out, c)
	}
	return out
}

// dcvEnv is one case's namespace, issuer and certificate.
type dcvEnv struct {
	s        *framework.Stack
	ns       string
	account  string
	provider string
	issuer   *v1alpha1.ResellerIssuer
	cert     *cmapi.Certificate
	seen     *seen
}

// dcvCase is one cell of the matrix: a provider, a way of validating, and
// what a person does while the request waits.
type dcvCase struct {
	name     string
	provider string
	names    []string
	// solvers sets the issuer's domain validation (and provider fields).
	solvers func(s *framework.Stack, spec *v1alpha1.IssuerSpec)
	// whilePending runs once a challenge exists: approve mails, publish
	// a record by hand, change the issuer.
	whilePending func(t *testing.T, e *dcvEnv)
	// check runs after the certificate is Ready.
	check func(t *testing.T, e *dcvEnv)
	// methods are the challenge methods the request must have shown.
	methods []string
	// solverKinds are the solver kinds the challenges must have shown.
	solverKinds []string
	// builtIn are the names the built-in responder validates: their
	// challenge is shown on the ResellerOrder, not as a ResellerChallenge.
	builtIn []string
}

func dcvMatrix() []dcvCase {
	http01Kinds := []string{v1alpha1.SolverHTTP01}
	return []dcvCase{
		{
			name: "sslci-ingress", provider: v1alpha1.ProviderSSLCI, names: []string{"www.ing.sslci." + dnsZone, "api.ing.sslci." + dnsZone},
			solvers: func(_ *framework.Stack, spec *v1alpha1.IssuerSpec) { ingressSolver(spec) },
			check:   checkIngress, methods: []string{v1alpha1.MethodHTTP01}, solverKinds: http01Kinds,
		},
		{
			name: "sslci-gateway", provider: v1alpha1.ProviderSSLCI, names: []string{"www.gw.sslci." + dnsZone},
			solvers: func(_ *framework.Stack, spec *v1alpha1.IssuerSpec) { gatewaySolver(spec) },
			check:   checkHTTPRoute, methods: []string{v1alpha1.MethodHTTP01}, solverKinds: http01Kinds,
		},
		{
			// No dns01 solver: a person publishes the record the condition,
			// the Event and `kubectl get resellerchallenges` name, and the
			// request goes on by itself.
			name: "sslci-manual", provider: v1alpha1.ProviderSSLCI, names: []string{"manual.sslci." + dnsZone},
			solvers:      func(_ *framework.Stack, spec *v1alpha1.IssuerSpec) { spec.SSLCI.Method = "dns" },
			whilePending: publishByHand,
			methods:      []string{v1alpha1.MethodDNS01}, solverKinds: []string{v1alpha1.SolverManual},
		},
		{
			name: "sslmarket-manual", provider: v1alpha1.ProviderSSLMarket, names: []string{"manual.sslmarket." + dnsZone},
			solvers:      func(_ *framework.Stack, spec *v1alpha1.IssuerSpec) { spec.SSLMarket.DVAuthMethod = "DNS" },
			whilePending: publishByHand,
			methods:      []string{v1alpha1.MethodDNS01}, solverKinds: []string{v1alpha1.SolverManual},
		},
		{
			name: "cyberssl-manual", provider: v1alpha1.ProviderCyberSSL, names: []string{"manual.cyberssl." + dnsZone},
			solvers:      func(_ *framework.Stack, spec *v1alpha1.IssuerSpec) { spec.CyberSSL.DVMethod = "dns" },
			whilePending: publishByHand,
			methods:      []string{v1alpha1.MethodDNS01}, solverKinds: []string{v1alpha1.SolverManual},
		},
		{
			name: "sslmarket-ingress", provider: v1alpha1.ProviderSSLMarket, names: []string{"www.ing.sslmarket." + dnsZone, "ing.sslmarket." + dnsZone},
			solvers: func(_ *framework.Stack, spec *v1alpha1.IssuerSpec) { ingressSolver(spec) },
			check:   checkIngress, methods: []string{v1alpha1.MethodHTTP01}, solverKinds: http01Kinds,
		},
		{
			name: "sslmarket-gateway", provider: v1alpha1.ProviderSSLMarket, names: []string{"www.gw.sslmarket." + dnsZone},
			solvers: func(_ *framework.Stack, spec *v1alpha1.IssuerSpec) { gatewaySolver(spec) },
			check:   checkHTTPRoute, methods: []string{v1alpha1.MethodHTTP01}, solverKinds: http01Kinds,
		},
		{
			name: "cyberssl-ingress", provider: v1alpha1.ProviderCyberSSL, names: []string{"www.ing.cyberssl." + dnsZone},
			solvers: func(_ *framework.Stack, spec *v1alpha1.IssuerSpec) { ingressSolver(spec) },
			check:   checkIngress, methods: []string{v1alpha1.MethodHTTP01}, solverKinds: http01Kinds,
		},
		{
			name: "sslmarket-email", provider: v1alpha1.ProviderSSLMarket, names: []string{"mail.sslmarket." + dnsZone, "www.mail.sslmarket." + dnsZone},
			solvers: func(_ *framework.Stack, spec *v1alpha1.IssuerSpec) {
				spec.SSLMarket.DVAuthMethod = "FILE" // the solver decides
				emailSolver(spec)
			},
			whilePending: resendThenApprove,
			methods:      []string{v1alpha1.MethodEmail}, solverKinds: []string{v1alpha1.SolverEmail},
		},
		{
			name: "cyberssl-gateway", provider: v1alpha1.ProviderCyberSSL, names: []string{"www.gw.cyberssl." + dnsZone, "gw.cyberssl." + dnsZone},
			solvers: func(_ *framework.Stack, spec *v1alpha1.IssuerSpec) { gatewaySolver(spec) },
			check:   checkHTTPRoute, methods: []string{v1alpha1.MethodHTTP01}, solverKinds: http01Kinds,
		},
		{
			name: "cyberssl-email", provider: v1alpha1.ProviderCyberSSL, names: []string{"mail.cyberssl." + dnsZone, "www.mail.cyberssl." + dnsZone},
			solvers: func(_ *framework.Stack, spec *v1alpha1.IssuerSpec) {
				emailSolver(spec, "hostmaster@cyberssl."+dnsZone)
			},
			whilePending: func(t *testing.T, e *dcvEnv) {
				chs := waitForPerson(t, e, 2)
				for _, ch := range chs {
					assert.Equal(t, []string{"hostmaster@cyberssl." + dnsZone}, ch.Spec.Email)
				}
				waitEvent(t, e, "ApprovalEmail", "hostmaster@cyberssl."+dnsZone)
				for _, m := range approveMails(t, e, 2) {
					assert.Equal(t, []string{"hostmaster@cyberssl." + dnsZone}, m.To)
				}
			},
			methods: []string{v1alpha1.MethodEmail}, solverKinds: []string{v1alpha1.SolverEmail},
		},
		{
			// One order, two methods: the order is placed with the primary
			// name's (http), the dns01 name is switched by change_dv_method.
			name: "cyberssl-mixed", provider: v1alpha1.ProviderCyberSSL, names: []string{"www.mixed.cyberssl." + dnsZone, "api.dns.mixed.cyberssl." + dnsZone},
			solvers: func(s *framework.Stack, spec *v1alpha1.IssuerSpec) {
				dnsSolver := dns01Solvers(s).Solvers[0]
				dnsSolver.Selector = &v1alpha1.Selector{DNSZones: []string{"dns.mixed.cyberssl." + dnsZone}}
				spec.DomainValidation = &v1alpha1.DomainValidation{Solvers: []v1alpha1.Solver{dnsSolver, {HTTP01: &v1alpha1.HTTP01Solver{}}}}
			},
			methods: []string{v1alpha1.MethodDNS01}, solverKinds: []string{v1alpha1.SolverDNS01},
			builtIn: []string{"www.mixed.cyberssl." + dnsZone},
		},
		{
			// The Issuer changes its mind while the order waits: email,
			// then dns01. The name is switched with change_dv_method and
			// issued without anyone approving the mail, which is void.
			name: "cyberssl-switch", provider: v1alpha1.ProviderCyberSSL, names: []string{"switch.cyberssl." + dnsZone},
			solvers: func(_ *framework.Stack, spec *v1alpha1.IssuerSpec) {
				emailSolver(spec, "hostmaster@cyberssl."+dnsZone)
			},
			whilePending: switchToDNS,
			methods:      []string{v1alpha1.MethodEmail, v1alpha1.MethodDNS01}, solverKinds: []string{v1alpha1.SolverEmail, v1alpha1.SolverDNS01},
		},
	}
}

// TestDCVMatrix issues one certificate per cell of the matrix and checks
// what the user sees on the way (ResellerChallenges, Events, routing
// objects) and that nothing is left behind.
func TestDCVMatrix(t *testing.T) {
	s := sharedStack(t)
	for _, tc := range dcvMatrix() {
		t.Run(tc.name, func(t *testing.T) {
			runDCVCase(t, s, tc)
		})
	}
}

func runDCVCase(t *testing.T, s *framework.Stack, tc dcvCase) {
	e := startDCVCase(t, s, tc.name, tc.provider, func(spec *v1alpha1.IssuerSpec) { tc.solvers(s, spec) }, tc.names...)
	if tc.whilePending != nil {
		tc.whilePending(t, e)
	}
	waitCertificateReady(t, s, e.cert)
	secret := waitSecret(t, s, e.ns, e.cert.Spec.SecretName)
	verifyChain(t, s, secret.Data[corev1.TLSCertKey], tc.names, publicKeyOfSecret(t, secret))
	assert.Equal(t, 1, orders(t, s, tc.provider, e.account), "exactly one paid order")

	// Every name was shown as a challenge, with the expected methods and
	// solvers.
	var methods, kinds, names []string
	for _, ch := range e.seen.challengeList() {
		methods, kinds, names = append(methods, ch.Spec.Method), append(kinds, ch.Spec.Solver), append(names, ch.Spec.DNSName)
		assert.NotEmpty(t, ch.Spec.Target)
		assert.Equal(t, "CertificateRequest", ch.Spec.RequestRef.Kind)
	}
	assert.ElementsMatch(t, tc.methods, compact(methods))
	assert.ElementsMatch(t, tc.solverKinds, compact(kinds))
	for _, n := range tc.names {
		if slices.Contains(tc.builtIn, n) {
			assert.NotContains(t, names, n, "no ResellerChallenge for a name the built-in responder validates")
			assert.Equal(t, "http-01", e.seen.onOrder(n), "the ResellerOrder shows the challenge of %s", n)
			continue
		}
		assert.Contains(t, names, n, "a challenge for every name")
	}
	if tc.check != nil {
		tc.check(t, e)
	}
	requireCleanedUp(t, e)
}

// startDCVCase creates the case's namespace, Secrets (API token, TSIG) and
// ResellerIssuer (its spec changed by solvers), starts recording the
// namespace, and requests a certificate for names.
func startDCVCase(t *testing.T, s *framework.Stack, name, provider string, solvers func(*v1alpha1.IssuerSpec), names ...string) *dcvEnv {
	t.Helper()
	ctx := context.Background()
	account := "dcv-" + name
	e := &dcvEnv{s: s, ns: account, account: account, provider: provider}
	createNamespace(t, s, e.ns)
	createSecret(t, s, e.ns, "api", accounts[account])
	createTSIGSecret(t, s, e.ns)
	e.seen = watchNamespace(t, s, e.ns)
	spec := specFor(s, provider, "api")
	solvers(&spec)
	e.issuer = &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: e.ns, Name: provider}, Spec: spec}
	require.NoError(t, s.Control.Client.Create(ctx, e.issuer))
	waitIssuerCondition(t, s, e.issuer, metav1.ConditionTrue)
	ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: provider}
	e.cert = createCertificate(t, s, e.ns, "cert", ref, names...)
	return e
}

// A request deleted while it waits leaves nothing behind: its challenges go
// (the controller deletes them; the garbage collector would too) and their
// finalizer removes the DNS record already published.
func TestChallengeCleanupOnDeletion(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	// The dns01 name is published and validated; the email name keeps the
	// order waiting until the request is deleted.
	e := startDCVCase(t, s, "cyberssl-delete", v1alpha1.ProviderCyberSSL, func(spec *v1alpha1.IssuerSpec) {
		dnsSolver := dns01Solvers(s).Solvers[0]
		dnsSolver.Selector = &v1alpha1.Selector{DNSZones: []string{"dns.delete.cyberssl." + dnsZone}}
		spec.DomainValidation = &v1alpha1.DomainValidation{Solvers: []v1alpha1.Solver{
			dnsSolver,
			{Email: &v1alpha1.EmailSolver{Approvers: []v1alpha1.Email{"hostmaster@cyberssl." + dnsZone}}},
		}}
	}, "delete.cyberssl."+dnsZone, "www.dns.delete.cyberssl."+dnsZone)
	waitForPerson(t, e, 1)
	var record string
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var list v1alpha1.ResellerChallengeList
		require.NoError(c, s.Control.Client.List(ctx, &list, client.InNamespace(e.ns)))
		record = ""
		for _, ch := range list.Items {
			if ch.Spec.DNS01 != nil && ch.Status.State == v1alpha1.ChallengePresented {
				record = ch.Spec.DNS01.Record
			}
		}
		assert.NotEmpty(c, record, "the dns01 challenge is published")
	}, time.Minute, 500*time.Millisecond)
	values, err := s.DNS.Lookup(ctx, record, dns.TypeCNAME)
	require.NoError(t, err)
	require.NotEmpty(t, values, "the CNAME is published while the request waits")

	// No garbage collector runs here: delete the Certificate, then its
	// request, as the collector would.
	req := requestOf(t, e)
	require.NoError(t, s.Control.Client.Delete(ctx, e.cert))
	require.NoError(t, s.Control.Client.Delete(ctx, req))
	requireCleanedUp(t, e)
	assert.Equal(t, 1, orders(t, s, e.provider, e.account))
}
