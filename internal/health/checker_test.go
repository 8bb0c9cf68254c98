package health

import (
	"context"
	"errors"
	"testing"
	"time"

	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	"github.com/cert-manager/issuer-lib/controllers/signer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

type checkEnv struct {
	client  client.Client
	checker *Checker
	events  *events.FakeRecorder
	now     time.Time
	health  ca.Health
	err     error
	probes  int
}

func newCheckEnv(t *testing.T, issuer client.Object) *checkEnv {
	t.Helper()
	e := &checkEnv{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), events: events.NewFakeRecorder(10)}
	e.client = fake.NewClientBuilder().WithScheme(testScheme(t)).WithObjects(issuer).
		WithStatusSubresource(&v1alpha1.ResellerIssuer{}, &v1alpha1.ResellerClusterIssuer{}).Build()
	e.checker = &Checker{
		Client: e.client,
		Probe: func(context.Context, issuerapi.Issuer) (ca.Health, error) {
			e.probes++
			return e.health, e.err
		},
		Scheduler: &Scheduler{Interval: 10 * time.Minute},
		Grace:     5 * time.Minute,
		Events:    e.events,
		Now:       func() time.Time { return e.now },
	}
	return e
}

// check runs Check on a fresh read, as issuer-lib does, and returns the
// Issuer as stored afterwards.
func (e *checkEnv) check(t *testing.T) (*v1alpha1.ResellerClusterIssuer, error) {
	t.Helper()
	key := client.ObjectKey{Name: "cyberssl"}
	got := &v1alpha1.ResellerClusterIssuer{}
	require.NoError(t, e.client.Get(context.Background(), key, got))
	err := e.checker.Check(context.Background(), got)
	after := &v1alpha1.ResellerClusterIssuer{}
	require.NoError(t, e.client.Get(context.Background(), key, after))
	return after, err
}

func (e *checkEnv) drainEvents() []string {
	var out []string
	for {
		select {
		case ev := <-e.events.Events:
			out = append(out, ev)
		default:
			return out
		}
	}
}

func cybersslIssuer(minBalance string) *v1alpha1.ResellerClusterIssuer {
	i := &v1alpha1.ResellerClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: "cyberssl", Generation: 1},
		Spec:       v1alpha1.IssuerSpec{CyberSSL: &v1alpha1.CyberSSL{URL: "https://api.cyberssl.test/v1/"}},
	}
	if minBalance != "" {
		i.Spec.Limits = &v1alpha1.Limits{MinBalance: minBalance}
	}
	return i
}

func usd(amount string) *ca.Money { return &ca.Money{Amount: amount, Currency: "USD"} }

func setReady(i *v1alpha1.ResellerClusterIssuer) {
	i.Status.Conditions = []metav1.Condition{{Type: issuerapi.IssuerConditionTypeReady, Status: metav1.ConditionTrue, Reason: "Checked", LastTransitionTime: metav1.Now()}}
}

func TestCheckRecordsBalanceAndLowBalance(t *testing.T) {
	e := newCheckEnv(t, cybersslIssuer("50"))

	e.health = ca.Health{Detail: "product 1", Balance: usd("120.00")}
	got, err := e.check(t)
	require.NoError(t, err)
	assert.Equal(t, "product 1", got.Status.Detail)
	assert.Equal(t, &v1alpha1.Balance{Amount: "120.00", Currency: "USD"}, got.Status.Balance)
	low := apimeta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionLowBalance)
	require.NotNil(t, low)
	assert.Equal(t, metav1.ConditionFalse, low.Status)
	assert.Empty(t, e.drainEvents(), "no Event while the balance covers the minimum")

	e.health.Balance = usd("49.99")
	got, err = e.check(t)
	require.NoError(t, err, "a low balance does not make the issuer unready")
	low = apimeta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionLowBalance)
	require.NotNil(t, low)
	assert.Equal(t, metav1.ConditionTrue, low.Status)
	assert.Contains(t, low.Message, "49.99 USD is under spec.limits.minBalance 50")
	evs := e.drainEvents()
	require.Len(t, evs, 1)
	assert.Contains(t, evs[0], "Warning LowBalance")

	rv := got.ResourceVersion
	e.now = e.now.Add(10 * time.Minute)
	got, err = e.check(t)
	require.NoError(t, err)
	assert.Equal(t, rv, got.ResourceVersion, "nothing changed: the Issuer is not written")
	assert.Empty(t, e.drainEvents(), "one Event per drop under the minimum")

	e.health.Balance = usd("500")
	got, _ = e.check(t)
	low = apimeta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionLowBalance)
	require.NotNil(t, low)
	assert.Equal(t, metav1.ConditionFalse, low.Status, "a top-up clears the condition")
}

func TestCheckWithoutMinBalanceHasNoCondition(t *testing.T) {
	e := newCheckEnv(t, cybersslIssuer(""))
	e.health = ca.Health{Balance: usd("1")}
	got, err := e.check(t)
	require.NoError(t, err)
	assert.Nil(t, apimeta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionLowBalance))
	assert.Equal(t, "1", got.Status.Balance.Amount)
}

func TestCheckGracePeriod(t *testing.T) {
	ready := cybersslIssuer("")
	setReady(ready)
	e := newCheckEnv(t, ready)
	e.err = errors.New("dial tcp: connection refused")

	_, err := e.check(t)
	require.NoError(t, err, "a Ready issuer stays Ready at the start of an outage")
	e.now = e.now.Add(4 * time.Minute)
	_, err = e.check(t)
	require.NoError(t, err, "still inside the grace period")

	e.now = e.now.Add(2 * time.Minute)
	_, err = e.check(t)
	require.Error(t, err, "past the grace period")
	assert.ErrorContains(t, err, "cannot reach cyberssl at api.cyberssl.test since 2026-01-01T00:00:00Z")
	assert.ErrorContains(t, err, "connection refused")
	assert.ErrorContains(t, err, "checked again every 10m0s")
	assert.False(t, errors.As(err, &signer.PermanentError{}), "retryable: the issuer turns Ready by itself")

	e.err = nil
	e.now = e.now.Add(time.Minute)
	_, err = e.check(t)
	require.NoError(t, err)
	e.err = errors.New("HTTP 503")
	_, err = e.check(t)
	require.NoError(t, err, "a recovery starts a new grace period")
}

func TestCheckErrorsWithoutGrace(t *testing.T) {
	tests := []struct {
		name    string
		ready   bool
		err     error
		wantMsg string
	}{
		{name: "an issuer never Ready gets no grace", err: errors.New("connection refused"), wantMsg: "cannot reach cyberssl"},
		{name: "refused credentials", ready: true, err: ca.Credentials(errors.New("CyberSSL refused the API key")), wantMsg: "turns Ready by itself"},
		{name: "a permanent error", ready: true, err: ca.Permanent(errors.New("no product 9")), wantMsg: "no product 9"},
		{name: "a missing Secret", ready: true, err: signer.IssuerError{Err: errors.New("Secret x not found")}, wantMsg: "Secret x not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := cybersslIssuer("")
			i.Status.Balance = &v1alpha1.Balance{Amount: "7", Currency: "USD"}
			if tt.ready {
				setReady(i)
			}
			e := newCheckEnv(t, i)
			e.err = tt.err
			got, err := e.check(t)
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.wantMsg)
			assert.ErrorIs(t, err, tt.err)
			assert.Equal(t, "7", got.Status.Balance.Amount, "a failed check keeps the last known balance")
		})
	}
}

func TestLess(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{{"49.99", "50", true}, {"50.00", "50", false}, {"1000", "999.5", false}, {"0", "0.01", true}} {
		got, err := Less(tt.a, tt.b)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%s < %s", tt.a, tt.b)
	}
	_, err := Less("1,000.00", "5")
	assert.Error(t, err)
}

func TestQuietRecorderDropsRepeatedChecked(t *testing.T) {
	fr := events.NewFakeRecorder(10)
	r := QuietRecorder{EventRecorder: fr}
	fresh := cybersslIssuer("")
	ready := cybersslIssuer("")
	setReady(ready)
	r.Eventf(fresh, nil, "Normal", "Checked", "Synced", "Succeeded checking the issuer")
	r.Eventf(ready, nil, "Normal", "Checked", "Synced", "Succeeded checking the issuer")
	r.Eventf(ready, nil, "Warning", "RetryableError", "SyncFailed", "Not ready yet")
	assert.Len(t, fr.Events, 2, "the first Checked and every warning pass; a repeated Checked does not")
}
