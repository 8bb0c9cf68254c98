package signer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/cert-manager/issuer-lib/controllers/signer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/metrics"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

// --max-retry-duration: a request without progress for that long fails,
// unless something is paid.
func TestMaxRetryDuration(t *testing.T) {
	const maxRetry = 24 * time.Hour
	stored := func(st ca.State) map[string]string {
		st.Version, st.Provider = ca.StateVersion, v1alpha1.ProviderSSLCI
		return map[string]string{order.StateAnnotation: encodedState(t, &st)}
	}
	tests := []struct {
		name        string
		age         time.Duration
		annotations map[string]string
		issueErr    error
		limits      *v1alpha1.Limits
		wantErr     string
		wantMsg     string
	}{
		{name: "young and waiting stays pending", age: time.Hour, issueErr: ca.Pending("waiting for DCV", time.Minute), wantErr: "pending"},
		{name: "old, nothing stored, waiting: fails", age: 25 * time.Hour, issueErr: ca.Pending("waiting for DCV", time.Minute),
			wantErr: "permanent", wantMsg: "longer than --max-retry-duration 24h0m0s, and nothing was paid"},
		{name: "old, transient errors: fails", age: 25 * time.Hour, issueErr: errors.New("HTTP 503"),
			wantErr: "permanent", wantMsg: "last reason: transient error, retrying: HTTP 503"},
		{name: "old but progressed lately: pending", age: 25 * time.Hour,
			annotations: stored(ca.State{Progress: testNow.Add(-time.Hour), Names: []ca.NameState{{Name: "www.example.com", OrderID: "v1"}}}),
			issueErr:    ca.Pending("waiting for DCV", time.Minute), wantErr: "pending"},
		{name: "old, stale progress, a paid order: never fails", age: 48 * time.Hour,
			annotations: stored(ca.State{Progress: testNow.Add(-47 * time.Hour), OrderID: "order-1"}),
			issueErr:    ca.Pending("waiting for issuance", time.Minute), wantErr: "pending"},
		{name: "old, a paid call of unknown outcome: never fails", age: 48 * time.Hour,
			annotations: stored(ca.State{Progress: testNow.Add(-47 * time.Hour), Intent: &ca.Intent{Step: "finalize", At: testNow.Add(-47 * time.Hour)}}),
			issueErr:    errors.New("connection reset"), wantErr: "pending"},
		{name: "old, stale progress, free verifications only: fails", age: 48 * time.Hour,
			annotations: stored(ca.State{Progress: testNow.Add(-47 * time.Hour), Names: []ca.NameState{{Name: "www.example.com", OrderID: "v1"}}}),
			issueErr:    ca.Pending("waiting for a person", time.Minute), wantErr: "permanent", wantMsg: "no progress since"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cr := certificateRequest(makeCSR(t, csrSpec{cn: "www.example.com", dns: []string{"www.example.com"}}), tt.annotations)
			cr.CreationTimestamp = metav1.NewTime(testNow.Add(-tt.age))
			e := newEnv(t, namespacedIssuer(), cr, tokenSecret(testNS, map[string][]byte{secretKey: []byte(secretValue)}))
			e.signer.MaxRetryDuration = maxRetry
			e.provider.issueErr = tt.issueErr

			_, err := e.signer.Sign(context.Background(), signer.CertificateRequestObjectFromCertificateRequest(e.request(t)), namespacedIssuer())

			require.Error(t, err)
			assertKind(t, err, tt.wantErr)
			if tt.wantMsg != "" {
				assert.ErrorContains(t, err, tt.wantMsg)
			}
		})
	}
	t.Run("0 never gives up", func(t *testing.T) {
		cr := certificateRequest(makeCSR(t, csrSpec{cn: "www.example.com", dns: []string{"www.example.com"}}), nil)
		cr.CreationTimestamp = metav1.NewTime(testNow.Add(-1000 * time.Hour))
		e := newEnv(t, namespacedIssuer(), cr, tokenSecret(testNS, map[string][]byte{secretKey: []byte(secretValue)}))
		e.provider.issueErr = ca.Pending("waiting", time.Minute)
		_, err := e.signer.Sign(context.Background(), signer.CertificateRequestObjectFromCertificateRequest(e.request(t)), namespacedIssuer())
		assertKind(t, err, "pending")
	})
}

// Sign records why a request waits when the cluster cannot show it.
func TestWaitsAreRecorded(t *testing.T) {
	tests := []struct {
		name     string
		issueErr error
		limits   *v1alpha1.Limits
		want     string // "-" for forgotten
	}{
		{name: "a transient error", issueErr: errors.New("HTTP 502"), want: metrics.WaitRetrying},
		{name: "a flow that waits", issueErr: ca.Pending("waiting for DCV", time.Minute), want: ""},
		{name: "the spend guard", limits: &v1alpha1.Limits{MaxNewOrdersPerDay: ptr.To[int32](0)}, want: metrics.WaitLimit},
		{name: "a refusal for funds", issueErr: ca.InsufficientFunds(errors.New("402")), want: metrics.WaitFunds},
		{name: "issued", want: "-"},
		{name: "failed", issueErr: ca.Permanent(errors.New("rejected")), want: "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issuer := namespacedIssuer()
			issuer.Spec.Limits = tt.limits
			e := newEnv(t, issuer, certificateRequest(makeCSR(t, csrSpec{cn: "www.example.com", dns: []string{"www.example.com"}}), nil),
				tokenSecret(testNS, map[string][]byte{secretKey: []byte(secretValue)}))
			w := &metrics.Waits{}
			w.Set(requestUID, "stale")
			e.signer.Waits = w
			rec := events.NewFakeRecorder(10)
			e.signer.Events = rec
			e.provider.issueErr = tt.issueErr
			_, _ = e.signer.Sign(context.Background(), signer.CertificateRequestObjectFromCertificateRequest(e.request(t)), issuer)
			if tt.want == metrics.WaitFunds {
				var funds []string
				for len(rec.Events) > 0 {
					if ev := <-rec.Events; strings.Contains(ev, "InsufficientFunds") {
						funds = append(funds, ev)
					}
				}
				require.Len(t, funds, 1)
				assert.Contains(t, funds[0], "Warning InsufficientFunds")
				assert.Contains(t, funds[0], "top up the sslci account")
			}
			got, seen := w.Get(requestUID)
			if tt.want == "-" {
				assert.False(t, seen, "a finished request is forgotten")
				return
			}
			require.True(t, seen)
			assert.Equal(t, tt.want, got)
		})
	}
}

func (e *env) request(t *testing.T) *cmapi.CertificateRequest {
	t.Helper()
	cr := &cmapi.CertificateRequest{}
	require.NoError(t, e.client.Get(context.Background(), types.NamespacedName{Namespace: testNS, Name: requestName}, cr))
	return cr
}

var _ client.Object = &cmapi.CertificateRequest{}
