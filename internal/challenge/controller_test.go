package challenge

import (
	"context"
	"errors"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

type remover struct {
	err     error
	removed []string
}

func (r *remover) Remove(_ context.Context, obj *v1alpha1.ResellerChallenge) error {
	r.removed = append(r.removed, obj.Name)
	return r.err
}

func TestReconcile(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	issued := &cmapi.CertificateRequest{ObjectMeta: metav1.ObjectMeta{Name: "issued", Namespace: "app", UID: "uid-issued"},
		Status: cmapi.CertificateRequestStatus{Certificate: []byte("pem")}}
	pending := &cmapi.CertificateRequest{ObjectMeta: metav1.ObjectMeta{Name: "pending", Namespace: "app", UID: "uid-pending"}}
	failedAt := metav1.NewTime(now)
	failed := &cmapi.CertificateRequest{ObjectMeta: metav1.ObjectMeta{Name: "failed", Namespace: "app", UID: "uid-failed"},
		Status: cmapi.CertificateRequestStatus{FailureTime: &failedAt}}
	tests := []struct {
		name       string
		request    string // the request the challenge names
		uid        types.UID
		deletedAgo time.Duration // > 0: the challenge is being deleted
		removeErr  error

		wantRemoved bool
		wantGone    bool // the object no longer exists (or only awaits its finalizer)
		wantErr     bool
		wantEvent   string
	}{
		{name: "open request keeps its challenge", request: "pending", uid: "uid-pending"},
		{name: "deleted request", request: "missing", uid: "uid-missing", wantGone: true},
		{name: "replaced request", request: "pending", uid: "uid-old", wantGone: true},
		{name: "issued request", request: "issued", uid: "uid-issued", wantGone: true},
		{name: "failed request", request: "failed", uid: "uid-failed", wantGone: true},
		{name: "deletion removes what was published", request: "pending", uid: "uid-pending", deletedAgo: time.Second, wantRemoved: true, wantGone: true},
		{name: "removal failing is retried", request: "pending", uid: "uid-pending", deletedAgo: time.Minute, removeErr: errors.New("REFUSED"), wantRemoved: true, wantErr: true},
		{
			name: "removal failing for too long gives up", request: "pending", uid: "uid-pending", deletedAgo: time.Hour, removeErr: errors.New("REFUSED"),
			wantRemoved: true, wantGone: true, wantEvent: "CleanUpFailed",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obj := &v1alpha1.ResellerChallenge{
				ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "app", Finalizers: []string{Finalizer}},
				Spec: v1alpha1.ChallengeSpec{
					RequestRef: v1alpha1.RequestReference{Group: "cert-manager.io", Kind: "CertificateRequest", Name: tc.request, Namespace: "app", UID: tc.uid},
					DNSName:    "www.example.com", Target: "_dnsauth.example.com TXT token",
				},
			}
			if tc.deletedAgo > 0 {
				ts := metav1.NewTime(now.Add(-tc.deletedAgo))
				obj.DeletionTimestamp = &ts
			}
			c := fake.NewClientBuilder().WithScheme(newScheme(t)).WithObjects(issued, pending, failed, obj).Build()
			rm := &remover{err: tc.removeErr}
			rec := events.NewFakeRecorder(5)
			r := &Reconciler{Client: c, Reader: c, Remover: rm, Events: rec, Now: func() time.Time { return now }, GiveUpAfter: 10 * time.Minute}
			_, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: client.ObjectKeyFromObject(obj)})
			if tc.wantErr {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.wantRemoved, len(rm.removed) == 1, "removed %v", rm.removed)
			got := &v1alpha1.ResellerChallenge{}
			err = c.Get(context.Background(), client.ObjectKeyFromObject(obj), got)
			gone := apierrors.IsNotFound(err) || (err == nil && !got.DeletionTimestamp.IsZero() && tc.deletedAgo == 0)
			assert.Equal(t, tc.wantGone, gone, "gone (err %v)", err)
			select {
			case e := <-rec.Events:
				assert.Contains(t, e, tc.wantEvent)
			default:
				assert.Empty(t, tc.wantEvent, "no event")
			}
		})
	}
}

// countingReader counts the live reads of the requests.
type countingReader struct {
	client.Reader
	gets int
}

func (r *countingReader) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	r.gets++
	return r.Reader.Get(ctx, key, obj, opts...)
}

// TestReconcileReadsLiveOnlyToDelete: a challenge of a request the cache
// shows at work is kept without a live read (its status writes would
// otherwise cost one each); one the cache shows over is deleted only when
// the live read agrees.
func TestReconcileReadsLiveOnlyToDelete(t *testing.T) {
	pending := func() *cmapi.CertificateRequest {
		return &cmapi.CertificateRequest{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "app", UID: "uid-r"}}
	}
	issued := pending()
	issued.Status.Certificate = []byte("pem")
	tests := []struct {
		name          string
		cached, live  *cmapi.CertificateRequest
		wantLiveReads int
		wantGone      bool
	}{
		{name: "at work in the cache", cached: pending(), live: issued, wantLiveReads: 0},
		{name: "issued in the cache and live", cached: issued, live: issued, wantLiveReads: 1, wantGone: true},
		{name: "issued in the cache, at work live", cached: issued, live: pending(), wantLiveReads: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obj := &v1alpha1.ResellerChallenge{
				ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "app"},
				Spec: v1alpha1.ChallengeSpec{
					RequestRef: v1alpha1.RequestReference{Group: "cert-manager.io", Kind: "CertificateRequest", Name: "r", Namespace: "app", UID: "uid-r"},
					DNSName:    "www.example.com", Target: "_dnsauth.example.com TXT token",
				},
			}
			cache := fake.NewClientBuilder().WithScheme(newScheme(t)).WithObjects(tc.cached, obj).Build()
			live := &countingReader{Reader: fake.NewClientBuilder().WithScheme(newScheme(t)).WithObjects(tc.live).Build()}
			r := &Reconciler{Client: cache, Reader: live, Remover: &remover{}, Now: time.Now, GiveUpAfter: time.Minute}
			_, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: client.ObjectKeyFromObject(obj)})
			require.NoError(t, err)
			assert.Equal(t, tc.wantLiveReads, live.gets, "live reads")
			err = cache.Get(context.Background(), client.ObjectKeyFromObject(obj), &v1alpha1.ResellerChallenge{})
			assert.Equal(t, tc.wantGone, apierrors.IsNotFound(err), "gone (err %v)", err)
		})
	}
}
