package order

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaidContext(t *testing.T) {
	parent, cancelParent := context.WithCancel(context.Background())
	call, cancel := paidContext(parent, time.Minute)
	defer cancel()
	cancelParent()
	require.NoError(t, call.Err(), "a shutdown does not abandon a paid call")
	deadline, ok := call.Deadline()
	require.True(t, ok, "a paid call is bounded")
	assert.WithinDuration(t, time.Now().Add(time.Minute), deadline, 5*time.Second)

	unbounded, cancel2 := paidContext(context.Background(), 0)
	defer cancel2()
	_, ok = unbounded.Deadline()
	assert.False(t, ok)

	// The staleness limit outlasts every call a client can make, auth and
	// retry included (it was 2 timeouts + 10 s: a CyberSSL call with
	// re-authentication could outlast it).
	timeout := 30 * time.Second
	assert.Greater(t, StaleAfter(PaidCallBound(timeout)), 3*timeout)
}
