package health

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// recordingQueue records AddAfter; the scheduler calls nothing else.
type recordingQueue struct {
	workqueue.TypedRateLimitingInterface[reconcile.Request]
	now  *time.Time
	adds []queued
}

type queued struct {
	name string
	at   time.Time
}

func (q *recordingQueue) AddAfter(r reconcile.Request, d time.Duration) {
	q.adds = append(q.adds, queued{name: r.Name, at: q.now.Add(d)})
}

func (q *recordingQueue) count(name string) int {
	n := 0
	for _, a := range q.adds {
		if a.name == name {
			n++
		}
	}
	return n
}

func clusterIssuer(name string, interval time.Duration) *v1alpha1.ResellerClusterIssuer {
	i := &v1alpha1.ResellerClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID("uid-" + name)},
		Spec:       v1alpha1.IssuerSpec{SSLCI: &v1alpha1.SSLCI{URL: "https://sslci.test/api"}},
	}
	if interval > 0 {
		i.Spec.HealthCheck = &v1alpha1.HealthCheck{Interval: metav1.Duration{Duration: interval}}
	}
	return i
}

func newScheduler(t *testing.T, now *time.Time, objs ...client.Object) (*Scheduler, *recordingQueue) {
	t.Helper()
	c := fake.NewClientBuilder().WithScheme(testScheme(t)).WithObjects(objs...).Build()
	q := &recordingQueue{now: now}
	s := &Scheduler{Reader: c, Interval: 10 * time.Minute, Now: func() time.Time { return *now }}
	s.queues = map[string]workqueue.TypedRateLimitingInterface[reconcile.Request]{v1alpha1.KindResellerClusterIssuer: q}
	return s, q
}

// run scans like the loop does, for d of simulated time.
func run(s *Scheduler, now *time.Time, d time.Duration) {
	end := now.Add(d)
	for now.Before(end) {
		*now = now.Add(s.scan(context.Background(), v1alpha1.KindResellerClusterIssuer))
	}
}

func TestSchedulerChecksEveryIssuerOncePerInterval(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var objs []client.Object
	for i := range 50 {
		objs = append(objs, clusterIssuer(fmt.Sprintf("issuer-%d", i), 0))
	}
	objs = append(objs, clusterIssuer("fast", time.Minute))
	s, q := newScheduler(t, &now, objs...)

	run(s, &now, time.Hour)

	for i := range 50 {
		assert.Equal(t, 6, q.count(fmt.Sprintf("issuer-%d", i)), "an hour holds six 10-minute intervals")
	}
	assert.Equal(t, 60, q.count("fast"), "spec.healthCheck.interval overrides the default")
}

func TestSchedulerSpreadsIssuers(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var objs []client.Object
	for i := range 100 {
		objs = append(objs, clusterIssuer(fmt.Sprintf("issuer-%d", i), 0))
	}
	s, q := newScheduler(t, &now, objs...)
	start := now
	run(s, &now, 10*time.Minute)

	// Each minute of the first interval holds about a tenth of the checks.
	perMinute := map[int]int{}
	for _, a := range q.adds {
		perMinute[int(a.at.Sub(start)/time.Minute)]++
	}
	for m := range 10 {
		assert.Less(t, perMinute[m], 25, "minute %d: checks are spread over the interval, not bunched", m)
	}
	require.Len(t, q.adds, 100)
}

func TestSchedulerSoonBringsACheckForward(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s, q := newScheduler(t, &now, clusterIssuer("a", time.Hour))
	s.scan(context.Background(), v1alpha1.KindResellerClusterIssuer)
	before := q.count("a")
	s.Soon(KeyOf(clusterIssuer("a", 0)), now.Add(5*time.Second))
	run(s, &now, 10*time.Second)
	assert.Equal(t, before+1, q.count("a"), "Soon adds one check")
}

func TestSchedulerForgetsDeletedIssuers(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := clusterIssuer("a", 0)
	s, _ := newScheduler(t, &now, a)
	s.scan(context.Background(), v1alpha1.KindResellerClusterIssuer)
	require.Len(t, s.due, 1)
	require.NoError(t, s.Reader.(client.Client).Delete(context.Background(), a))
	s.scan(context.Background(), v1alpha1.KindResellerClusterIssuer)
	assert.Empty(t, s.due)
}
