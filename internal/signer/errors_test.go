package signer

import (
	"errors"
	"fmt"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/cert-manager/issuer-lib/controllers/signer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

func TestToSignerError(t *testing.T) {
	const wait = 42 * time.Second
	conflict := apierrors.NewConflict(cmapi.Resource("certificaterequests"), "r", errors.New("the object has been modified"))
	tests := []struct {
		name string
		err  error
		// want is "pending", "permanent" or "issuer".
		want        string
		wantRequeue time.Duration
	}{
		{name: "pending", err: ca.Pending("waiting for DCV", 17*time.Second), want: "pending", wantRequeue: 17 * time.Second},
		{name: "wrapped pending", err: fmt.Errorf("step: %w", ca.Pending("issuing", 3*time.Minute)), want: "pending", wantRequeue: 3 * time.Minute},
		{name: "permanent", err: ca.Permanent(errors.New("order refused")), want: "permanent"},
		{name: "wrapped permanent", err: fmt.Errorf("finalize: %w", ca.Permanent(errors.New("bad product"))), want: "permanent"},
		{name: "credentials", err: ca.Credentials(errors.New("token refused")), want: "issuer"},
		{name: "conflict", err: conflict, want: "pending", wantRequeue: time.Second},
		{name: "wrapped conflict", err: fmt.Errorf("saving the order state: %w", conflict), want: "pending", wantRequeue: time.Second},
		{name: "plain error", err: errors.New("connection reset"), want: "pending", wantRequeue: wait},
		{name: "insufficient funds waits, never fails", err: fmt.Errorf("order: %w", ca.InsufficientFunds(errors.New("402 insufficient balance"))), want: "pending", wantRequeue: fundsRetry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := toSignerError(tt.err, wait)
			require.Error(t, got)
			assert.ErrorIs(t, got, tt.err, "the cause must stay reachable")
			assert.Contains(t, got.Error(), tt.err.Error(), "the message must keep the cause")

			var pending signer.PendingError
			isPending := errors.As(got, &pending)
			isPermanent := errors.As(got, &signer.PermanentError{})
			isIssuer := errors.As(got, &signer.IssuerError{})
			switch tt.want {
			case "pending":
				require.True(t, isPending, "want PendingError, got %T: %v", got, got)
				assert.Equal(t, tt.wantRequeue, pending.RequeueAfter)
				assert.False(t, isPermanent)
				assert.False(t, isIssuer)
			case "permanent":
				assert.True(t, isPermanent, "want PermanentError, got %T: %v", got, got)
				assert.False(t, isPending)
				assert.False(t, isIssuer)
			case "issuer":
				assert.True(t, isIssuer, "want IssuerError, got %T: %v", got, got)
				assert.False(t, isPending)
				assert.False(t, isPermanent)
			default:
				t.Fatalf("bad want %q", tt.want)
			}
		})
	}
}

func TestWithInstructions(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		asks   []string
		want   string
	}{
		{name: "nothing to do", reason: "waiting", want: "waiting"},
		{name: "already said", reason: "a: publish TXT record x with value v", asks: []string{"publish TXT record x with value v"}, want: "a: publish TXT record x with value v"},
		{name: "added", reason: "waiting", asks: []string{"publish TXT record x with value v"}, want: "waiting; to do by hand: publish TXT record x with value v"},
		{
			name: "capped", reason: "waiting", asks: []string{"x1", "x2", "x3", "x4", "x5"},
			want: "waiting; to do by hand: x1; x2; x3; and 2 more (kubectl get resellerchallenges)",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, withInstructions(tc.reason, tc.asks))
		})
	}
}
