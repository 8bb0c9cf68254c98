package http01

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

const (
	testNS          = "team-a"
	testName        = "web-7f3k2"
	testHost        = "www.example.com"
	testPath        = "/.well-known/pki-validation/0A1B2C3D.txt"
	testServiceHost = "reseller-issuer-http01.reseller-issuer.svc.cluster.local"
)

func routeScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	require.NoError(t, clientgoscheme.AddToScheme(s))
	require.NoError(t, gatewayv1.Install(s))
	require.NoError(t, v1alpha1.AddToScheme(s))
	return s
}

func testChallenge() *v1alpha1.ResellerChallenge {
	return &v1alpha1.ResellerChallenge{
		ObjectMeta: metav1.ObjectMeta{Namespace: testNS, Name: testName, UID: "challenge-uid"},
		Spec: v1alpha1.ChallengeSpec{
			DNSName: testHost,
			Method:  v1alpha1.MethodHTTP01,
			Solver:  v1alpha1.SolverHTTP01,
			Target:  "http://" + testHost + testPath,
			HTTP01:  &v1alpha1.HTTP01Challenge{URL: "http://" + testHost + testPath, Path: testPath, Content: "token"},
		},
	}
}

// writes counts the calls that change objects.
type writes struct{ create, update, patch, del int }

// testRoutes returns Routes on a fake client holding objs, and the client's
// write counter. funcs, if set, intercept calls (writes are still counted).
func testRoutes(t *testing.T, funcs *interceptor.Funcs, objs ...client.Object) (*Routes, client.Client, *writes) {
	t.Helper()
	w := &writes{}
	f := interceptor.Funcs{}
	if funcs != nil {
		f = *funcs
	}
	get := f.Get
	f.Get = func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
		if get != nil {
			return get(ctx, c, key, obj, opts...)
		}
		return c.Get(ctx, key, obj, opts...)
	}
	create := f.Create
	f.Create = func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
		w.create++
		if create != nil {
			return create(ctx, c, obj, opts...)
		}
		return c.Create(ctx, obj, opts...)
	}
	f.Update = func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
		w.update++
		return c.Update(ctx, obj, opts...)
	}
	f.Patch = func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
		w.patch++
		return c.Patch(ctx, obj, patch, opts...)
	}
	del := f.Delete
	f.Delete = func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
		w.del++
		if del != nil {
			return del(ctx, c, obj, opts...)
		}
		return c.Delete(ctx, obj, opts...)
	}
	c := fake.NewClientBuilder().WithScheme(routeScheme(t)).WithObjects(objs...).WithInterceptorFuncs(f).Build()
	return &Routes{Client: c, ServiceHost: testServiceHost, ServicePort: 80}, c, w
}

// published is what exists under the challenge's name; nil when absent.
type published struct {
	svc   *corev1.Service
	ing   *networkingv1.Ingress
	route *gatewayv1.HTTPRoute
}

func getPublished(t *testing.T, c client.Client) published {
	t.Helper()
	var p published
	get := func(obj client.Object) bool {
		err := c.Get(context.Background(), client.ObjectKey{Namespace: testNS, Name: testName}, obj)
		if apierrors.IsNotFound(err) || meta.IsNoMatchError(err) {
			return false
		}
		require.NoError(t, err)
		return true
	}
	if svc := (&corev1.Service{}); get(svc) {
		p.svc = svc
	}
	if ing := (&networkingv1.Ingress{}); get(ing) {
		p.ing = ing
	}
	if route := (&gatewayv1.HTTPRoute{}); get(route) {
		p.route = route
	}
	return p
}

func requireControlledByChallenge(t *testing.T, obj metav1.Object) {
	t.Helper()
	assert.Equal(t, []metav1.OwnerReference{{
		APIVersion:         "reseller-issuer.dev/v1alpha1",
		Kind:               "ResellerChallenge",
		Name:               testName,
		UID:                "challenge-uid",
		Controller:         ptr.To(true),
		BlockOwnerDeletion: ptr.To(true),
	}}, obj.GetOwnerReferences(), "owner references of %T", obj)
}

func wantService(t *testing.T, svc *corev1.Service) {
	t.Helper()
	require.NotNil(t, svc, "Service")
	assert.Equal(t, corev1.ServiceTypeExternalName, svc.Spec.Type)
	assert.Equal(t, testServiceHost, svc.Spec.ExternalName)
	assert.Equal(t, []corev1.ServicePort{{Name: "http", Protocol: corev1.ProtocolTCP, Port: 80, TargetPort: intstr.FromInt32(80)}}, svc.Spec.Ports)
	assert.Equal(t, map[string]string{ChallengeLabel: testName}, svc.Labels)
	requireControlledByChallenge(t, svc)
}

func wantIngressRules(t *testing.T, ing *networkingv1.Ingress) {
	t.Helper()
	assert.Equal(t, []networkingv1.IngressRule{{
		Host: testHost,
		IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
			Paths: []networkingv1.HTTPIngressPath{{
				Path:     testPath,
				PathType: ptr.To(networkingv1.PathTypeExact),
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
					Name: testName,
					Port: networkingv1.ServiceBackendPort{Number: 80},
				}},
			}},
		}},
	}}, ing.Spec.Rules)
	assert.Nil(t, ing.Spec.TLS)
	assert.Nil(t, ing.Spec.DefaultBackend)
	requireControlledByChallenge(t, ing)
}

func wantRouteRules(t *testing.T, route *gatewayv1.HTTPRoute) {
	t.Helper()
	assert.Equal(t, []gatewayv1.Hostname{testHost}, route.Spec.Hostnames)
	assert.Equal(t, []gatewayv1.HTTPRouteRule{{
		Matches: []gatewayv1.HTTPRouteMatch{{Path: &gatewayv1.HTTPPathMatch{
			Type:  ptr.To(gatewayv1.PathMatchExact),
			Value: ptr.To(testPath),
		}}},
		BackendRefs: []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{
			BackendObjectReference: gatewayv1.BackendObjectReference{
				Group: ptr.To(gatewayv1.Group("")),
				Kind:  ptr.To(gatewayv1.Kind("Service")),
				Name:  testName,
				Port:  ptr.To[gatewayv1.PortNumber](80),
			},
			Weight: ptr.To[int32](1),
		}}},
	}}, route.Spec.Rules)
	requireControlledByChallenge(t, route)
}

func gatewayRef(name, namespace, section string) gatewayv1.ParentReference {
	ref := gatewayv1.ParentReference{
		Group: ptr.To(gatewayv1.Group("gateway.networking.k8s.io")),
		Kind:  ptr.To(gatewayv1.Kind("Gateway")),
		Name:  gatewayv1.ObjectName(name),
	}
	if namespace != "" {
		ref.Namespace = ptr.To(gatewayv1.Namespace(namespace))
	}
	if section != "" {
		ref.SectionName = ptr.To(gatewayv1.SectionName(section))
	}
	return ref
}

// check verifies what a Present published.
type check func(t *testing.T, p published)

func nothingPublished(t *testing.T, p published) {
	t.Helper()
	assert.Nil(t, p.svc, "Service")
	assert.Nil(t, p.ing, "Ingress")
	assert.Nil(t, p.route, "HTTPRoute")
}

func ingressPublished(class *string, annotations, labels map[string]string) check {
	return func(t *testing.T, p published) {
		t.Helper()
		wantService(t, p.svc)
		assert.Nil(t, p.route, "HTTPRoute")
		require.NotNil(t, p.ing, "Ingress")
		assert.Equal(t, class, p.ing.Spec.IngressClassName)
		assert.Equal(t, annotations, p.ing.Annotations)
		assert.Equal(t, labels, p.ing.Labels)
		wantIngressRules(t, p.ing)
	}
}

func routePublished(parents []gatewayv1.ParentReference, labels map[string]string) check {
	return func(t *testing.T, p published) {
		t.Helper()
		wantService(t, p.svc)
		assert.Nil(t, p.ing, "Ingress")
		require.NotNil(t, p.route, "HTTPRoute")
		assert.Equal(t, parents, p.route.Spec.ParentRefs)
		assert.Equal(t, labels, p.route.Labels)
		wantRouteRules(t, p.route)
	}
}

func onlyChallengeLabel() map[string]string { return map[string]string{ChallengeLabel: testName} }

// ingressSolver routes through an Ingress of class nginx.
func ingressSolver() *v1alpha1.HTTP01Solver {
	return &v1alpha1.HTTP01Solver{Ingress: &v1alpha1.HTTP01Ingress{IngressClassName: ptr.To("nginx")}}
}

// routeSolver routes through an HTTPRoute attached to the Gateway public.
func routeSolver() *v1alpha1.HTTP01Solver {
	return &v1alpha1.HTTP01Solver{GatewayHTTPRoute: &v1alpha1.HTTP01GatewayHTTPRoute{
		ParentRefs: []v1alpha1.ParentReference{{Name: "public"}},
	}}
}

func noHTTPRouteKind() *interceptor.Funcs {
	return &interceptor.Funcs{
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			if _, ok := obj.(*gatewayv1.HTTPRoute); ok {
				return &meta.NoKindMatchError{GroupKind: schema.GroupKind{Group: gatewayv1.GroupName, Kind: "HTTPRoute"}, SearchedVersions: []string{"v1"}}
			}
			return c.Get(ctx, key, obj, opts...)
		},
	}
}
