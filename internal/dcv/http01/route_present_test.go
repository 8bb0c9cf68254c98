package http01

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

func TestRoutesPresent(t *testing.T) {
	tests := []struct {
		name   string
		solver *v1alpha1.HTTP01Solver
		want   check
	}{
		{
			name:   "ingressClassName",
			solver: ingressSolver(),
			want:   ingressPublished(ptr.To("nginx"), nil, onlyChallengeLabel()),
		},
		{
			name:   "legacy class annotation",
			solver: &v1alpha1.HTTP01Solver{Ingress: &v1alpha1.HTTP01Ingress{Class: ptr.To("traefik")}},
			want:   ingressPublished(nil, map[string]string{"kubernetes.io/ingress.class": "traefik"}, onlyChallengeLabel()),
		},
		{
			name: "ingress labels and annotations, the challenge label wins",
			solver: &v1alpha1.HTTP01Solver{Ingress: &v1alpha1.HTTP01Ingress{
				IngressClassName: ptr.To("nginx"),
				Class:            ptr.To("nginx-internal"),
				Labels:           map[string]string{"team": "a", ChallengeLabel: "spoofed"},
				Annotations:      map[string]string{"nginx.ingress.kubernetes.io/ssl-redirect": "false"},
			}},
			want: ingressPublished(ptr.To("nginx"),
				map[string]string{"nginx.ingress.kubernetes.io/ssl-redirect": "false", "kubernetes.io/ingress.class": "nginx-internal"},
				map[string]string{"team": "a", ChallengeLabel: testName}),
		},
		{
			name:   "ingress with no settings",
			solver: &v1alpha1.HTTP01Solver{Ingress: &v1alpha1.HTTP01Ingress{}},
			want:   ingressPublished(nil, nil, onlyChallengeLabel()),
		},
		{
			name: "HTTPRoute parentRefs with namespace and sectionName, labels",
			solver: &v1alpha1.HTTP01Solver{GatewayHTTPRoute: &v1alpha1.HTTP01GatewayHTTPRoute{
				ParentRefs: []v1alpha1.ParentReference{
					{Name: "public"},
					{Name: "shared", Namespace: "infra", SectionName: "http"},
					{Name: "edge", Namespace: "infra"},
					{Name: "local", SectionName: "plain-http"},
				},
				Labels: map[string]string{"team": "b", ChallengeLabel: "spoofed"},
			}},
			want: routePublished([]gatewayv1.ParentReference{
				gatewayRef("public", "", ""),
				gatewayRef("shared", "infra", "http"),
				gatewayRef("edge", "infra", ""),
				gatewayRef("local", "", "plain-http"),
			}, map[string]string{"team": "b", ChallengeLabel: testName}),
		},
		{name: "no ingress or gateway settings", solver: &v1alpha1.HTTP01Solver{}, want: nothingPublished},
		{name: "no solver", solver: nil, want: nothingPublished},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, c, w := testRoutes(t, nil)
			require.NoError(t, r.Present(context.Background(), testChallenge(), tt.solver))
			tt.want(t, getPublished(t, c))

			// Idempotent: the same inputs write nothing.
			before := *w
			require.NoError(t, r.Present(context.Background(), testChallenge(), tt.solver))
			assert.Equal(t, before, *w, "writes of a second Present")
			tt.want(t, getPublished(t, c))
		})
	}
}

func TestRoutesPresentUpdates(t *testing.T) {
	tests := []struct {
		name        string
		first, then *v1alpha1.HTTP01Solver
		serviceHost string // of the second Present; testServiceHost if empty
		want        check
	}{
		{
			name: "ingressClassName changed, labels and annotations replaced",
			first: &v1alpha1.HTTP01Solver{Ingress: &v1alpha1.HTTP01Ingress{
				IngressClassName: ptr.To("nginx"),
				Labels:           map[string]string{"old": "1", "kept": "1"},
				Annotations:      map[string]string{"old": "1"},
			}},
			then: &v1alpha1.HTTP01Solver{Ingress: &v1alpha1.HTTP01Ingress{
				IngressClassName: ptr.To("haproxy"),
				Labels:           map[string]string{"kept": "2"},
			}},
			want: ingressPublished(ptr.To("haproxy"), nil, map[string]string{"kept": "2", ChallengeLabel: testName}),
		},
		{
			name:  "ingressClassName replaced by the legacy class",
			first: ingressSolver(),
			then:  &v1alpha1.HTTP01Solver{Ingress: &v1alpha1.HTTP01Ingress{Class: ptr.To("traefik")}},
			want:  ingressPublished(nil, map[string]string{"kubernetes.io/ingress.class": "traefik"}, onlyChallengeLabel()),
		},
		{
			name:  "HTTPRoute parentRefs and labels changed",
			first: routeSolver(),
			then: &v1alpha1.HTTP01Solver{GatewayHTTPRoute: &v1alpha1.HTTP01GatewayHTTPRoute{
				ParentRefs: []v1alpha1.ParentReference{{Name: "internal", Namespace: "infra", SectionName: "http"}},
				Labels:     map[string]string{"env": "prod"},
			}},
			want: routePublished([]gatewayv1.ParentReference{gatewayRef("internal", "infra", "http")},
				map[string]string{"env": "prod", ChallengeLabel: testName}),
		},
		{
			name:  "Ingress replaced by an HTTPRoute",
			first: ingressSolver(),
			then:  routeSolver(),
			want:  routePublished([]gatewayv1.ParentReference{gatewayRef("public", "", "")}, onlyChallengeLabel()),
		},
		{
			name:  "HTTPRoute replaced by an Ingress",
			first: routeSolver(),
			then:  ingressSolver(),
			want:  ingressPublished(ptr.To("nginx"), nil, onlyChallengeLabel()),
		},
		{
			name:        "responder Service moved",
			first:       ingressSolver(),
			then:        ingressSolver(),
			serviceHost: "responder.elsewhere.svc.cluster.local",
			want: func(t *testing.T, p published) {
				t.Helper()
				require.NotNil(t, p.svc)
				assert.Equal(t, "responder.elsewhere.svc.cluster.local", p.svc.Spec.ExternalName)
				requireControlledByChallenge(t, p.svc)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, c, w := testRoutes(t, nil)
			require.NoError(t, r.Present(context.Background(), testChallenge(), tt.first))
			before := *w
			if tt.serviceHost != "" {
				r.ServiceHost = tt.serviceHost
			}
			require.NoError(t, r.Present(context.Background(), testChallenge(), tt.then))
			assert.NotEqual(t, before, *w, "the second Present wrote nothing")
			tt.want(t, getPublished(t, c))
		})
	}
}

func TestRoutesPresentLeavesForeignObjects(t *testing.T) {
	foreignOwner := metav1.OwnerReference{
		APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "deployment-uid",
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
	}
	otherChallenge := metav1.OwnerReference{
		APIVersion: "reseller-issuer.dev/v1alpha1", Kind: "ResellerChallenge", Name: testName, UID: "old-challenge-uid",
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
	}
	tests := []struct {
		name    string
		obj     client.Object
		solver  *v1alpha1.HTTP01Solver
		wantErr string
	}{
		{
			name:    "a user's Service",
			obj:     &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: testNS, Name: testName}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP}},
			solver:  ingressSolver(),
			wantErr: "updating Service team-a/web-7f3k2: it exists and is not controlled by ResellerChallenge team-a/web-7f3k2",
		},
		{
			name:    "an Ingress another controller owns",
			obj:     &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: testNS, Name: testName, OwnerReferences: []metav1.OwnerReference{foreignOwner}}},
			solver:  ingressSolver(),
			wantErr: "updating Ingress team-a/web-7f3k2: it exists and is not controlled by",
		},
		{
			name:    "an HTTPRoute of an earlier challenge of the same name",
			obj:     &gatewayv1.HTTPRoute{ObjectMeta: metav1.ObjectMeta{Namespace: testNS, Name: testName, OwnerReferences: []metav1.OwnerReference{otherChallenge}}},
			solver:  routeSolver(),
			wantErr: "updating HTTPRoute team-a/web-7f3k2: it exists and is not controlled by",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, c, _ := testRoutes(t, nil, tt.obj)
			before := tt.obj.DeepCopyObject().(client.Object)
			require.NoError(t, c.Get(context.Background(), client.ObjectKeyFromObject(tt.obj), before))

			err := r.Present(context.Background(), testChallenge(), tt.solver)
			require.ErrorContains(t, err, tt.wantErr)

			after := tt.obj.DeepCopyObject().(client.Object)
			require.NoError(t, c.Get(context.Background(), client.ObjectKeyFromObject(tt.obj), after))
			assert.Equal(t, before, after, "the foreign object was changed")

			// CleanUp leaves it alone too.
			require.NoError(t, r.CleanUp(context.Background(), testChallenge()))
			require.NoError(t, c.Get(context.Background(), client.ObjectKeyFromObject(tt.obj), after))
		})
	}
}

func TestRoutesPresentErrors(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		challenge func(ch *v1alpha1.ResellerChallenge)
		routes    func(r *Routes)
		funcs     *interceptor.Funcs
		solver    *v1alpha1.HTTP01Solver
		wantErr   string
	}{
		{
			name:      "no HTTP-01 challenge",
			challenge: func(ch *v1alpha1.ResellerChallenge) { ch.Spec.HTTP01 = nil },
			solver:    ingressSolver(),
			wantErr:   "ResellerChallenge team-a/web-7f3k2 has no HTTP-01 challenge (spec.http01 is not set)",
		},
		{
			name:      "no HTTP-01 challenge, even without routing settings",
			challenge: func(ch *v1alpha1.ResellerChallenge) { ch.Spec.HTTP01 = nil },
			solver:    &v1alpha1.HTTP01Solver{},
			wantErr:   "has no HTTP-01 challenge",
		},
		{
			name:      "wildcard name",
			challenge: func(ch *v1alpha1.ResellerChallenge) { ch.Spec.DNSName = "*.example.com" },
			solver:    ingressSolver(),
			wantErr:   "HTTP-01 cannot validate the wildcard name *.example.com",
		},
		{
			name:      "relative path",
			challenge: func(ch *v1alpha1.ResellerChallenge) { ch.Spec.HTTP01.Path = "file.txt" },
			solver:    ingressSolver(),
			wantErr:   `HTTP-01 path "file.txt" is not absolute`,
		},
		{
			name:    "responder Service not configured",
			routes:  func(r *Routes) { r.ServiceHost = "" },
			solver:  routeSolver(),
			wantErr: "the HTTP-01 responder Service is not configured",
		},
		{
			name: "creating the Ingress fails",
			funcs: &interceptor.Funcs{Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
				if _, ok := obj.(*networkingv1.Ingress); ok {
					return boom
				}
				return c.Create(ctx, obj, opts...)
			}},
			solver:  ingressSolver(),
			wantErr: "creating Ingress team-a/web-7f3k2: boom",
		},
		{
			name:    "no HTTPRoute kind",
			funcs:   noHTTPRouteKind(),
			solver:  routeSolver(),
			wantErr: "getting HTTPRoute team-a/web-7f3k2: no matches for kind \"HTTPRoute\"",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _, _ := testRoutes(t, tt.funcs)
			if tt.routes != nil {
				tt.routes(r)
			}
			ch := testChallenge()
			if tt.challenge != nil {
				tt.challenge(ch)
			}
			require.ErrorContains(t, r.Present(context.Background(), ch, tt.solver), tt.wantErr)
		})
	}
}
