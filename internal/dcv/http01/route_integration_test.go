//go:build integration

package http01

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// startAPIServer runs kube-apiserver with this repository's CRDs, without
// Gateway API's.
func startAPIServer(t *testing.T) *rest.Config {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal(`KUBEBUILDER_ASSETS is not set: KUBEBUILDER_ASSETS="$(e2e/scripts/assets.sh)" go test -tags integration ./internal/dcv/http01/`)
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:        []string{filepath.Join("..", "..", "..", "deploy", "crds")},
		ErrorIfCRDPathMissing:    true,
		ControlPlaneStartTimeout: 2 * time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
	}
	cfg, err := env.Start()
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, env.Stop()) })
	return cfg
}

// installHTTPRouteCRD installs Gateway API's standard HTTPRoute CRD from the
// module version go.mod selects.
func installHTTPRouteCRD(t *testing.T, cfg *rest.Config) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/gateway-api").Output()
	require.NoError(t, err, "locating sigs.k8s.io/gateway-api")
	path := filepath.Join(strings.TrimSpace(string(out)), "config", "crd", "standard", "gateway.networking.k8s.io_httproutes.yaml")
	_, err = envtest.InstallCRDs(cfg, envtest.CRDInstallOptions{Paths: []string{path}, ErrorIfPathMissing: true})
	require.NoError(t, err)
}

// newRoutes returns Routes on a fresh client (with a fresh REST mapper) and
// its write counter.
func newRoutes(t *testing.T, cfg *rest.Config) (*Routes, client.Client, *writes) {
	t.Helper()
	c, err := client.New(cfg, client.Options{Scheme: routeScheme(t)})
	require.NoError(t, err)
	w := &writes{}
	wc, err := client.NewWithWatch(cfg, client.Options{Scheme: c.Scheme(), Mapper: c.RESTMapper()})
	require.NoError(t, err)
	rc := interceptor.NewClient(wc, interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			w.create++
			return c.Create(ctx, obj, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			w.update++
			return c.Update(ctx, obj, opts...)
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
			w.patch++
			return c.Patch(ctx, obj, patch, opts...)
		},
		Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
			w.del++
			return c.Delete(ctx, obj, opts...)
		},
	})
	return &Routes{Client: rc, ServiceHost: testServiceHost, ServicePort: 80}, c, w
}

// createChallenge stores a ResellerChallenge, for a real UID.
func createChallenge(t *testing.T, c client.Client, name string) *v1alpha1.ResellerChallenge {
	t.Helper()
	ch := testChallenge()
	ch.UID = ""
	ch.Name = name
	ch.Spec.RequestRef = v1alpha1.RequestReference{Group: "cert-manager.io", Kind: "CertificateRequest", Name: "web-1", Namespace: testNS, UID: "request-uid"}
	ch.Spec.IssuerRef = v1alpha1.IssuerReference{Kind: "ResellerIssuer", Name: "sslci", SecretNamespace: testNS}
	require.NoError(t, c.Create(context.Background(), ch))
	return ch
}

// TestIntegrationRoutes runs Routes against a real kube-apiserver, first
// without, then with, the HTTPRoute CRD: what Present writes must be what
// the API server stores after defaulting, or every Present would update.
func TestIntegrationRoutes(t *testing.T) {
	cfg := startAPIServer(t)
	ctx := context.Background()
	_, c, _ := newRoutes(t, cfg)
	require.NoError(t, c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: testNS}}))

	ingress := &v1alpha1.HTTP01Solver{Ingress: &v1alpha1.HTTP01Ingress{
		IngressClassName: ptr.To("nginx"),
		Class:            ptr.To("nginx"),
		Labels:           map[string]string{"team": "a"},
		Annotations:      map[string]string{"nginx.ingress.kubernetes.io/ssl-redirect": "false"},
	}}
	route := &v1alpha1.HTTP01Solver{GatewayHTTPRoute: &v1alpha1.HTTP01GatewayHTTPRoute{
		ParentRefs: []v1alpha1.ParentReference{{Name: "public"}, {Name: "shared", Namespace: "infra", SectionName: "http"}},
		Labels:     map[string]string{"team": "a"},
	}}

	// presentTwice presents, then checks a second Present writes nothing.
	presentTwice := func(t *testing.T, r *Routes, w *writes, ch *v1alpha1.ResellerChallenge, solver *v1alpha1.HTTP01Solver) {
		t.Helper()
		require.NoError(t, r.Present(ctx, ch, solver))
		before := *w
		require.NoError(t, r.Present(ctx, ch, solver))
		assert.Equal(t, before, *w, "writes of a second Present")
	}
	controlled := func(t *testing.T, obj client.Object, ch *v1alpha1.ResellerChallenge) {
		t.Helper()
		require.NoError(t, c.Get(ctx, client.ObjectKeyFromObject(ch), obj))
		assert.True(t, metav1.IsControlledBy(obj, ch), "%T controlled by the challenge", obj)
		assert.Equal(t, ch.Name, obj.GetLabels()[ChallengeLabel])
	}
	gone := func(t *testing.T, obj client.Object, ch *v1alpha1.ResellerChallenge) {
		t.Helper()
		err := c.Get(ctx, client.ObjectKeyFromObject(ch), obj)
		assert.True(t, client.IgnoreNotFound(err) == nil && err != nil, "%T still there (%v)", obj, err)
	}

	t.Run("without the HTTPRoute CRD", func(t *testing.T) {
		r, c, w := newRoutes(t, cfg)
		ch := createChallenge(t, c, "no-gateway-api")
		presentTwice(t, r, w, ch, ingress)
		controlled(t, &corev1.Service{}, ch)
		controlled(t, &networkingv1.Ingress{}, ch)

		err := r.Present(ctx, ch, route)
		require.ErrorContains(t, err, "getting HTTPRoute team-a/no-gateway-api: no matches for kind \"HTTPRoute\"")

		require.NoError(t, r.CleanUp(ctx, ch))
		gone(t, &corev1.Service{}, ch)
		gone(t, &networkingv1.Ingress{}, ch)
		require.NoError(t, r.CleanUp(ctx, ch))
	})

	installHTTPRouteCRD(t, cfg)

	t.Run("with the HTTPRoute CRD", func(t *testing.T) {
		r, c, w := newRoutes(t, cfg)
		ch := createChallenge(t, c, "gateway-api")

		presentTwice(t, r, w, ch, ingress)
		controlled(t, &corev1.Service{}, ch)
		controlled(t, &networkingv1.Ingress{}, ch)

		presentTwice(t, r, w, ch, route)
		controlled(t, &corev1.Service{}, ch)
		controlled(t, &gatewayv1.HTTPRoute{}, ch)
		gone(t, &networkingv1.Ingress{}, ch)
		stored := &gatewayv1.HTTPRoute{}
		require.NoError(t, c.Get(ctx, client.ObjectKeyFromObject(ch), stored))
		assert.Equal(t, []gatewayv1.Hostname{testHost}, stored.Spec.Hostnames)
		assert.Len(t, stored.Spec.ParentRefs, 2)

		changed := route.DeepCopy()
		changed.GatewayHTTPRoute.ParentRefs = changed.GatewayHTTPRoute.ParentRefs[1:]
		before := *w
		presentTwice(t, r, w, ch, changed)
		assert.Equal(t, before.update+1, w.update, "changed parentRefs update the HTTPRoute")
		require.NoError(t, c.Get(ctx, client.ObjectKeyFromObject(ch), stored))
		assert.Len(t, stored.Spec.ParentRefs, 1)

		require.NoError(t, r.CleanUp(ctx, ch))
		gone(t, &corev1.Service{}, ch)
		gone(t, &networkingv1.Ingress{}, ch)
		gone(t, &gatewayv1.HTTPRoute{}, ch)
		require.NoError(t, r.CleanUp(ctx, ch))
	})
}
