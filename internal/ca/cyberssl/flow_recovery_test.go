package cyberssl_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/catest"
)

func TestFlowCrashAfterIntentOrdersOnceAfterStale(t *testing.T) {
	f := newFixture(t)
	req := request(t, "a.example.com", "b.example.com")
	crash := errors.New("killed")
	// The process dies right after claiming the order (intent saved).
	f.journal.After = func(st *ca.State) error {
		if st.Intent != nil {
			return crash
		}
		return nil
	}
	_, err := f.step(t, req)
	require.ErrorIs(t, err, crash)
	f.journal.After = nil
	require.Equal(t, 0, f.orders(), "the crash came before the call")

	_, err = f.step(t, req)
	p, pending := ca.IsPending(err)
	require.True(t, pending, "a fresh intent belongs to a worker that may still be calling: %v", err)
	assert.Contains(t, p.Reason, "another worker")
	assert.LessOrEqual(t, p.RequeueAfter, time.Minute)
	require.Equal(t, 0, f.orders())

	f.clock.Advance(2 * time.Minute)
	res, err := f.drive(t, req)
	require.NoError(t, err)
	requireIssued(t, res, "a.example.com", "b.example.com")
	assert.Equal(t, 1, f.orders())
}

func TestFlowCrashBeforeOrderIDSavedAdopts(t *testing.T) {
	f := newFixture(t)
	names := []string{"a.example.com", "b.example.com"}
	req := request(t, names...)
	crash := errors.New("killed")
	// Someone else orders the same names with another key between our
	// intent and our order: adoption must not take that order.
	other := request(t, names...)
	f.journal.After = func(st *ca.State) error {
		if st.Intent != nil && f.orders() == 0 {
			_, err := f.flow.Issue(context.Background(), other, ca.NewState("cyberssl", f.clock.Now()), &catest.Journal{})
			require.True(t, isPending(err), "%v", err)
		}
		return nil
	}
	// add_ssl_order answered; the process dies before the id is saved.
	f.journal.Fail = func(st *ca.State) error {
		if st.OrderID != "" {
			return crash
		}
		return nil
	}
	_, err := f.step(t, req)
	require.ErrorIs(t, err, crash)
	f.journal.Fail, f.journal.After = nil, nil
	require.Equal(t, 2, f.orders(), "the stranger's order and the lost one")
	st := f.journal.Load(t)
	require.Empty(t, st.OrderID)
	require.NotNil(t, st.Intent)

	f.clock.Advance(2 * time.Minute)
	_, err = f.step(t, req)
	require.True(t, isPending(err), "%v", err)
	st = f.journal.Load(t)
	require.NotEmpty(t, st.OrderID, "the lost order is adopted")
	assert.Nil(t, st.Intent)
	assert.Len(t, st.OpenChallenges(), 2, "its challenges are read with get_dv_options")

	res, err := f.drive(t, req)
	require.NoError(t, err, "the adopted order is ours: the leaf has our key")
	requireIssued(t, res, names...)
	assert.Equal(t, 2, f.orders(), "nothing bought beyond the lost order")
}

func TestFlowCrashBeforeChainSavedOrdersOnce(t *testing.T) {
	f := newFixture(t)
	req := request(t, "a.example.com")
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
	require.Equal(t, 1, f.orders())
	require.Empty(t, f.journal.Load(t).ChainPEM)

	res, err := f.drive(t, req)
	require.NoError(t, err)
	requireIssued(t, res, "a.example.com")
	assert.Equal(t, 1, f.orders(), "the activated order is collected, not bought again")
}
