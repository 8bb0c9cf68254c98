package sslci

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
)

// TestNoSubscription: every finalize issues a new certificate, capped at
// 199 days whatever Validity says; a renewal is one more finalize.
func TestNoSubscription(t *testing.T) {
	f := newFixture(t)
	f.srv.env.Validity = 400 * 24 * time.Hour
	domain := "renew.example.com"
	f.verify(tokenAlice, domain)
	for i := 1; i <= 2; i++ {
		var fin finalizeResponse
		status, raw := f.do(http.MethodPost, "", finalizeRequest{Token: tokenAlice, Action: actionFinalize, Domains: []string{domain}}, &fin)
		require.Equal(t, http.StatusOK, status, string(raw))
		leaf := f.verifyChain(fin, []string{domain})
		assert.WithinDuration(t, f.clock.Now().Add(apienv.MaxLifetime), leaf.NotAfter, 0, "capped at 199 days")
		assert.Equal(t, i, f.srv.Stats()["alice"].Finalizes)
		f.clock.Advance(24 * time.Hour)
	}
}
