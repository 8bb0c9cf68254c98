package sslmarket

import (
	"context"
	"crypto/x509"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
)

const day = 24 * time.Hour

// TestSubscription follows orders through the years they bought: each
// certificate lives at most 199 days and never past the subscription's
// end; a multi-year order gets its next certificate by automatic reissue
// AutoReissueBefore the end of the last one (free, counted apart from paid
// orders), a one-year order ends with its first certificate (a reissue
// keeps the expiry, as the document says).
func TestSubscription(t *testing.T) {
	tests := []struct {
		years int
		// Automatic reissues, 30 days before each end: for two years at
		// days 169, 338, 507 and 676 (the last capped at day 730).
		wantAuto int
	}{
		{years: 1, wantAuto: 0},
		{years: 2, wantAuto: 4},
		{years: 3, wantAuto: 6},
	}
	for _, tt := range tests {
		t.Run(itoa(int64(tt.years))+" years", func(t *testing.T) {
			f := newFixture(t)
			f.srv.env.Validity = 400 * day // asks for more than any certificate may live
			names := []string{"sub.example.com"}
			ordered := f.clock.Now()
			subEnd := ordered.AddDate(0, 12*tt.years, 0)
			id := f.issuedFor(f.alice, tt.years, names...)
			leaf := f.download(id)
			assert.WithinDuration(t, f.clock.Now().Add(apienv.MaxLifetime), leaf.NotAfter, 0, "capped at 199 days")
			d := f.poll(f.alice, id)
			assert.Equal(t, tt.years > 1, d.AutoReissue != nil && *d.AutoReissue, "auto_reissue for multi-year orders only")

			auto := 0
			for {
				f.clock.Advance(leaf.NotAfter.Sub(f.clock.Now()) - AutoReissueBefore)
				d = f.poll(f.alice, id)
				next := f.download(id)
				if next.SerialNumber.Cmp(leaf.SerialNumber) == 0 {
					break
				}
				auto++
				require.LessOrEqual(t, auto, 10, "the subscription's end stops automatic reissues")
				assert.Equal(t, statePublished, d.State)
				assert.Equal(t, leaf.PublicKey, next.PublicKey, "the order's CSR is signed again")
				assert.WithinDuration(t, minTime(f.clock.Now().Add(apienv.MaxLifetime), subEnd), next.NotAfter, 0)
				leaf = next
			}
			assert.Equal(t, tt.wantAuto, auto)
			if tt.years > 1 {
				assert.WithinDuration(t, subEnd, leaf.NotAfter, 0, "the last certificate ends with the subscription")
			}
			st := f.srv.Stats()["alice"]
			assert.Equal(t, 1, st.Orders, "one paid order")
			assert.Zero(t, st.Reissues)
			assert.Equal(t, tt.wantAuto, st.AutoReissues, "automatic reissues counted apart")

			// Past the last certificate's end nothing more is issued.
			f.clock.Advance(leaf.NotAfter.Sub(f.clock.Now()) + day)
			f.poll(f.alice, id)
			assert.Equal(t, leaf.Raw, f.download(id).Raw)
			assert.Equal(t, tt.wantAuto, f.srv.Stats()["alice"].AutoReissues)
		})
	}
}

func (f *fixture) download(id int64) *x509.Certificate {
	f.t.Helper()
	return sandboxtest.ParseCerts(f.t, must(f.alice.Download(context.Background(), id, formatPEMServer)))[0]
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// TestNoAutoReissueAfterTheSubscription: an order first polled after its
// subscription ended gets no more certificates.
func TestNoAutoReissueAfterTheSubscription(t *testing.T) {
	f := newFixture(t)
	id := f.issuedFor(f.alice, 2, "late.example.com")
	leaf := f.download(id)
	f.clock.Advance(3 * 365 * day)
	f.poll(f.alice, id)
	assert.Equal(t, leaf.Raw, f.download(id).Raw)
	assert.Zero(t, f.srv.Stats()["alice"].AutoReissues)
}
