package sslmarket

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
)

func TestReissue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	names := []string{"app.example.com"}
	id := f.issued(f.alice, names...)
	d := f.poll(f.alice, id)
	require.NotNil(t, d.AutoReissue, "two-year order")
	first := sandboxtest.ParseCerts(t, must(f.alice.Download(ctx, id, formatPEMServer)))[0]

	// Reissue with a new key: waiting, the old certificate stays available.
	f.clock.Advance(24 * time.Hour)
	key2, csr2 := newCSR(t, names...)
	require.NoError(t, f.alice.Reissue(ctx, id, []byte(csr2)))
	d = f.poll(f.alice, id)
	assert.Equal(t, stateReissue, d.State)
	assert.Equal(t, first.Raw, sandboxtest.ParseCerts(t, must(f.alice.Download(ctx, id, formatPEMServer)))[0].Raw)
	assert.Equal(t, AccountStats{Orders: 1, Downloads: 2, Reissues: 1, Pending: 1}, f.srv.Stats()["alice"])

	// A second reissue while one runs is refused.
	err := f.alice.Reissue(ctx, id, []byte(csr2))
	assert.True(t, statusOf(err) == 409, "%v", err)

	f.clock.Advance(issueDelay)
	d = f.poll(f.alice, id)
	assert.Equal(t, statePublished, d.State)
	assert.Equal(t, csr2, d.CSR)
	second := sandboxtest.ParseCerts(t, must(f.alice.Download(ctx, id, formatPEMServer)))[0]
	f.verify(second, names, key2)
	assert.NotEqual(t, first.SerialNumber, second.SerialNumber)
	assert.True(t, first.NotAfter.Equal(second.NotAfter), "a reissue keeps the expiry")

	// Cancel a reissue: back to published with the same certificate.
	_, csr3 := newCSR(t, names...)
	require.NoError(t, f.alice.Reissue(ctx, id, []byte(csr3)))
	require.NoError(t, f.alice.CancelReissue(ctx, id))
	f.clock.Advance(issueDelay)
	d = f.poll(f.alice, id)
	assert.Equal(t, statePublished, d.State)
	assert.Equal(t, csr2, d.CSR)
	assert.Equal(t, second.Raw, sandboxtest.ParseCerts(t, must(f.alice.Download(ctx, id, formatPEMServer)))[0].Raw)
	err = f.alice.CancelReissue(ctx, id)
	assert.True(t, statusOf(err) == 409, "no reissue running: %v", err)

	// Reissue with a CSR for other names is refused.
	_, other := newCSR(t, "evil.example.net")
	err = f.alice.Reissue(ctx, id, []byte(other))
	assert.True(t, statusOf(err) == 400, "%v", err)

	assert.Equal(t, AccountStats{Orders: 1, Downloads: 4, Reissues: 2, Issued: 1}, f.srv.Stats()["alice"])
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
