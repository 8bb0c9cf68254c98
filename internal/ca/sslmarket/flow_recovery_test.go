package sslmarket_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/catest"
)

func TestFlowCrashBeforeOrderCallOrdersOnceAfterStale(t *testing.T) {
	f := newFlowFixture(t)
	req := request(t, "a.example.com", "b.example.com")
	crash := errors.New("killed")
	// The process dies right after claiming the order (intent saved).
	f.journal.After = func(st *ca.State) error {
		if st.Intent != nil && st.OrderID == "" {
			return crash
		}
		return nil
	}
	_, err := f.step(t, req)
	require.ErrorIs(t, err, crash)
	f.journal.After = nil
	require.Equal(t, 0, f.stats().Orders, "the crash came before the call")
	require.NotNil(t, f.journal.Load(t).Intent)

	_, err = f.step(t, req)
	p := requirePending(t, err)
	assert.Contains(t, p, "another worker claimed the order")
	assert.Equal(t, 0, f.stats().Orders, "a fresh intent belongs to a worker that may still be calling")

	f.now = f.now.Add(2 * staleAfter)
	_, err = f.step(t, req)
	requirePending(t, err)
	st := f.journal.Load(t)
	require.NotEmpty(t, st.OrderID)
	assert.Nil(t, st.Intent)

	res, err := f.drive(t, req)
	require.NoError(t, err)
	assert.NotEmpty(t, res.ChainPEM)
	assert.Equal(t, 1, f.stats().Orders)
}

func TestFlowCrashAfterOrderAdoptsIt(t *testing.T) {
	f := newFlowFixture(t)
	req := request(t, "a.example.com", "b.example.com")
	crash := errors.New("killed")
	// The order is placed; the process dies before its id is saved.
	f.journal.Fail = func(st *ca.State) error {
		if st.OrderID != "" {
			return crash
		}
		return nil
	}
	_, err := f.step(t, req)
	require.ErrorIs(t, err, crash)
	f.journal.Fail = nil
	require.Equal(t, 1, f.stats().Orders)
	st := f.journal.Load(t)
	require.Empty(t, st.OrderID)
	require.NotNil(t, st.Intent)

	_, err = f.step(t, req)
	requirePending(t, err)
	require.Equal(t, 1, f.stats().Orders, "no second order while the intent is fresh")

	f.now = f.now.Add(2 * staleAfter)
	_, err = f.step(t, req)
	requirePending(t, err)
	assert.Len(t, f.journal.Adoptions(), 1, "the adoption is recorded")
	st = f.journal.Load(t)
	assert.Equal(t, "100001", st.OrderID, "the interrupted attempt's order")
	assert.Nil(t, st.Intent)

	res, err := f.drive(t, req)
	require.NoError(t, err)
	assert.NotEmpty(t, res.ChainPEM)
	assert.Equal(t, 1, f.stats().Orders, "adopted, not ordered again")
}

func TestFlowAdoptionSkipsOtherRequestsOrders(t *testing.T) {
	f := newFlowFixture(t)
	// Another request for the same names (another key) owns an order.
	other := request(t, "a.example.com")
	_, err := f.step(t, other)
	requirePending(t, err)
	require.Equal(t, 1, f.stats().Orders)

	f.journal = &catest.Journal{}
	req := request(t, "a.example.com")
	st := ca.NewState("sslmarket", f.now)
	st.Intent = &ca.Intent{Step: "order", At: f.now, Attempt: 1}
	require.NoError(t, f.journal.Save(context.Background(), st))

	f.now = f.now.Add(2 * staleAfter)
	_, err = f.step(t, req)
	requirePending(t, err)
	st = f.journal.Load(t)
	assert.Equal(t, "100002", st.OrderID, "the other key's order is not adopted")
	assert.Equal(t, 2, f.stats().Orders)
}

func TestFlowCrashAfterDownloadDownloadsAgain(t *testing.T) {
	f := newFlowFixture(t)
	req := request(t, "a.example.com", "b.example.com")
	crash := errors.New("killed")
	f.journal.Fail = func(st *ca.State) error {
		if st.ChainPEM != "" {
			return crash
		}
		return nil
	}
	_, err := f.drive(t, req)
	require.ErrorIs(t, err, crash)
	f.journal.Fail = nil
	require.Equal(t, 1, f.stats().Downloads)

	res, err := f.drive(t, req)
	require.NoError(t, err)
	assert.NotEmpty(t, res.ChainPEM)
	stats := f.stats()
	assert.Equal(t, 1, stats.Orders)
	assert.Equal(t, 2, stats.Downloads, "downloaded again, not ordered again")
}
