package http01

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

func TestRoutesCleanUp(t *testing.T) {
	tests := []struct {
		name    string
		present *v1alpha1.HTTP01Solver // before CleanUp; nil for nothing
		funcs   *interceptor.Funcs
		wantDel int
	}{
		{name: "Service and Ingress", present: ingressSolver(), wantDel: 2},
		{name: "Service and HTTPRoute", present: routeSolver(), wantDel: 2},
		{name: "nothing published"},
		{name: "no HTTPRoute kind", present: ingressSolver(), funcs: noHTTPRouteKind(), wantDel: 2},
		{name: "no HTTPRoute kind, nothing published", funcs: noHTTPRouteKind()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, c, w := testRoutes(t, tt.funcs)
			if tt.present != nil {
				require.NoError(t, r.Present(context.Background(), testChallenge(), tt.present))
			}
			before := *w
			require.NoError(t, r.CleanUp(context.Background(), testChallenge()))
			assert.Equal(t, tt.wantDel, w.del-before.del, "deletes")
			nothingPublished(t, getPublished(t, c))

			// Again: nothing left to delete.
			require.NoError(t, r.CleanUp(context.Background(), testChallenge()))
			assert.Equal(t, tt.wantDel, w.del-before.del, "deletes of a second CleanUp")
		})
	}
}

func TestRoutesCleanUpAll(t *testing.T) {
	// An Ingress and an HTTPRoute both exist, e.g. from a solver changed
	// while a Present failed half way: CleanUp removes all three.
	r, c, _ := testRoutes(t, nil)
	ch := testChallenge()
	require.NoError(t, r.Present(context.Background(), ch, ingressSolver()))
	require.NoError(t, r.presentHTTPRoute(context.Background(), ch, routeSolver().GatewayHTTPRoute))
	p := getPublished(t, c)
	require.NotNil(t, p.svc)
	require.NotNil(t, p.ing)
	require.NotNil(t, p.route)

	require.NoError(t, r.CleanUp(context.Background(), ch))
	nothingPublished(t, getPublished(t, c))
}

func TestRoutesCleanUpErrorsNameTheObject(t *testing.T) {
	r, _, _ := testRoutes(t, &interceptor.Funcs{
		Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
			if _, ok := obj.(*networkingv1.Ingress); ok {
				return errors.New("boom")
			}
			return c.Delete(ctx, obj, opts...)
		},
	})
	require.NoError(t, r.Present(context.Background(), testChallenge(), ingressSolver()))
	err := r.CleanUp(context.Background(), testChallenge())
	require.EqualError(t, err, "deleting Ingress team-a/web-7f3k2: boom")
}
