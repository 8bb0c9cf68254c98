package http01

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// lagging is a cache that shows nothing for its first lists, as an
// informer does for a moment after a write.
type lagging struct {
	client.Reader
	hidden, lists int
}

func (l *lagging) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	l.lists++
	if l.lists <= l.hidden {
		return nil
	}
	return l.Reader.List(ctx, list, opts...)
}

// The self-check waits briefly for this replica's cache to serve a
// challenge written a moment ago, and no longer.
func TestReadyWaitsForTheCache(t *testing.T) {
	ch := ca.Challenge{Name: "www.example.com", Type: ca.HTTP01, Path: "/.well-known/pki-validation/fileauth.txt", Content: "token"}
	tests := []struct {
		name   string
		hidden int
		ready  bool
		lists  int
	}{
		{name: "served at once", ready: true, lists: 1},
		{name: "served on the third look", hidden: 2, ready: true, lists: 3},
		{name: "never served: five looks", hidden: 100, lists: 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			scheme := runtime.NewScheme()
			require.NoError(t, v1alpha1.AddToScheme(scheme))
			o := &v1alpha1.ResellerOrder{
				ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "o"},
				Spec:       v1alpha1.OrderSpec{Provider: "sslci", DNSNames: []string{ch.Name}},
				Status:     v1alpha1.OrderStatus{State: v1alpha1.OrderValidating, Names: []v1alpha1.OrderName{{Name: ch.Name, Challenge: &v1alpha1.OrderChallenge{Type: ch.Type, Path: ch.Path, Content: ch.Content}}}},
			}
			c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(o).WithIndex(&v1alpha1.ResellerOrder{}, indexKey, challengeKeys).Build()
			reader := &lagging{Reader: c, hidden: tc.hidden}
			r := &Responder{Reader: reader}
			srv := httptest.NewServer(r)
			defer srv.Close()
			r.SelfURL, r.HTTPClient = srv.URL, srv.Client()
			ready, err := r.Ready(context.Background(), ch)
			require.NoError(t, err)
			assert.Equal(t, tc.ready, ready)
			assert.Equal(t, tc.lists, reader.lists, "looks at the cache")
		})
	}
}
