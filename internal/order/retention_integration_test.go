//go:build integration

package order_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

const retentionDay = 24 * time.Hour

// TestRetention runs the retention sweep against a real kube-apiserver:
// orders that are over are deleted once their retention has passed, with an
// Event; open, abandoned, still running or too recent ones are kept.
func TestRetention(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal(`KUBEBUILDER_ASSETS is not set: KUBEBUILDER_ASSETS="$(e2e/scripts/assets.sh)" go test -tags integration ./internal/order/`)
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:        []string{filepath.Join("..", "..", "deploy", "crds")},
		ErrorIfCRDPathMissing:    true,
		ControlPlaneStartTimeout: 2 * time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
	}
	cfg, err := env.Start()
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, env.Stop()) })
	scheme := runtime.NewScheme()
	require.NoError(t, v1alpha1.AddToScheme(scheme))
	k8s, err := client.New(cfg, client.Options{Scheme: scheme})
	require.NoError(t, err)

	// The sweep's clock runs two days ahead, past the spend guard's day
	// after creation, unless a row says otherwise.
	tests := []struct {
		name  string
		state v1alpha1.OrderState
		// subscription and certificate ends, progress: days from the
		// sweep's now (0: not set).
		subscriptionEnd, certificateEnd, progress float64
		step                                      string
		retention                                 time.Duration
		// ahead is how far the sweep's clock runs ahead of the API
		// server's (0: two days).
		ahead       time.Duration
		wantDeleted bool
		// wantRequeue: kept, and looked at again about then.
		wantRequeue time.Duration
	}{
		{name: "subscription and certificate ended past the retention", state: v1alpha1.OrderIssued, subscriptionEnd: -100, certificateEnd: -100, wantDeleted: true},
		{name: "subscription ended inside the retention", state: v1alpha1.OrderIssued, subscriptionEnd: -80, certificateEnd: -80, wantRequeue: 10 * retentionDay},
		{name: "subscription still runs", state: v1alpha1.OrderIssued, subscriptionEnd: 300, certificateEnd: 100, wantRequeue: 390 * retentionDay},
		{name: "subscription ended, its last certificate not yet", state: v1alpha1.OrderIssued, subscriptionEnd: -100, certificateEnd: 10, wantRequeue: 100 * retentionDay},
		{name: "no subscription, last certificate expired past the retention", state: v1alpha1.OrderExpired, certificateEnd: -91, wantDeleted: true},
		{name: "no subscription, certificate still valid", state: v1alpha1.OrderIssued, certificateEnd: 50, wantRequeue: 140 * retentionDay},
		{name: "failed before a certificate, long ago", state: v1alpha1.OrderFailed, progress: -100, wantDeleted: true},
		{name: "open: validating for long", state: v1alpha1.OrderValidating, progress: -200},
		{name: "a reissue in flight on an ended subscription", state: v1alpha1.OrderIssued, subscriptionEnd: -100, certificateEnd: -100, step: "reissue"},
		{name: "abandoned long ago: may still run at the reseller", state: v1alpha1.OrderAbandoned, progress: -200},
		{name: "retention 0 keeps every order", state: v1alpha1.OrderIssued, subscriptionEnd: -100, certificateEnd: -100, retention: -1},
		{name: "created within the spend guard's day", state: v1alpha1.OrderIssued, subscriptionEnd: -100, certificateEnd: -100, ahead: time.Hour, wantRequeue: 23 * time.Hour},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			ahead := tt.ahead
			if ahead == 0 {
				ahead = 2 * retentionDay
			}
			now := time.Now().Add(ahead)
			at := func(days float64) *metav1.Time {
				if days == 0 {
					return nil
				}
				return &metav1.Time{Time: now.Add(time.Duration(days * float64(retentionDay))).Truncate(time.Second)}
			}
			o := &v1alpha1.ResellerOrder{
				ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "shop-example-com-0123456789-" + string(rune('a'+i))},
				Spec: v1alpha1.OrderSpec{
					IssuerRef: v1alpha1.IssuerReference{Kind: v1alpha1.KindResellerIssuer, Name: "sslmarket", SecretNamespace: "default"},
					Provider:  v1alpha1.ProviderSSLMarket, Product: "rapidssl-rapidssl-dv", Years: 2, DNSNames: []string{"shop.example.com"},
				},
			}
			require.NoError(t, k8s.Create(ctx, o))
			t.Cleanup(func() { _ = k8s.Delete(ctx, o) })
			o.Status = v1alpha1.OrderStatus{State: tt.state, OrderID: "100001", SubscriptionEnd: at(tt.subscriptionEnd), Progress: at(tt.progress)}
			if c := at(tt.certificateEnd); c != nil {
				o.Status.Certificates = []v1alpha1.ObtainedCertificate{{Serial: "01", NotAfter: *c, ObtainedAt: metav1.Time{Time: c.Add(-90 * retentionDay)}, Request: "web-1"}}
			}
			if tt.step != "" {
				o.Status.Claim = &v1alpha1.OrderClaim{Request: v1alpha1.RequestReference{Group: "cert-manager.io", Kind: "CertificateRequest", Namespace: "default", Name: "web-2", UID: types.UID("web-2")}, KeyFingerprint: "k", Step: tt.step, At: &metav1.Time{Time: now}}
			}
			require.NoError(t, k8s.Status().Update(ctx, o))

			retention := 90 * retentionDay
			if tt.retention < 0 {
				retention = 0
			}
			recorder := events.NewFakeRecorder(10)
			r := &order.Retention{Client: k8s, Events: recorder, Now: func() time.Time { return now }, After: retention}
			res, err := r.Reconcile(ctx, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(o)})
			require.NoError(t, err)

			err = k8s.Get(ctx, client.ObjectKeyFromObject(o), &v1alpha1.ResellerOrder{})
			if tt.wantDeleted {
				assert.True(t, apierrors.IsNotFound(err), "deleted: %v", err)
				require.Len(t, recorder.Events, 1)
				ev := <-recorder.Events
				assert.Contains(t, ev, order.ReasonOrderDeleted)
				assert.Contains(t, ev, o.Name)
				assert.Contains(t, ev, "--order-retention")
				return
			}
			require.NoError(t, err, "kept")
			assert.Empty(t, recorder.Events, "no Event for a kept order")
			assert.InDelta(t, tt.wantRequeue.Seconds(), res.RequeueAfter.Seconds(), 5, "looked at again when its retention ends")
		})
	}
}
