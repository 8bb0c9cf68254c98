package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSetClockOffset(t *testing.T) {
	base := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	sb, err := New(Config{Accounts: map[string]string{"tok": "a"}, Now: func() time.Time { return base }, ClockOffsets: map[string]time.Duration{ProviderCyberSSL: -time.Minute}})
	require.NoError(t, err)
	ts := httptest.NewServer(sb.Handler())
	t.Cleanup(ts.Close)
	now := func(p string) time.Time { return sb.clocks.now(p, func() time.Time { return base })() }
	require.Equal(t, base.Add(-time.Minute), now(ProviderCyberSSL), "--clock-offset is the start")

	for _, tc := range []struct {
		body string
		code int
		want map[string]time.Duration
	}{
		{`{"provider":"sslmarket","offset":"1464h"}`, http.StatusOK, map[string]time.Duration{ProviderSSLmarket: 1464 * time.Hour, ProviderCyberSSL: -time.Minute}},
		{`{"provider":"cyberssl","offset":"0s"}`, http.StatusOK, map[string]time.Duration{ProviderSSLmarket: 1464 * time.Hour}},
		{`{"provider":"acme","offset":"1h"}`, http.StatusBadRequest, map[string]time.Duration{ProviderSSLmarket: 1464 * time.Hour}},
		{`{"provider":"sslci","offset":"61 days"}`, http.StatusBadRequest, map[string]time.Duration{ProviderSSLmarket: 1464 * time.Hour}},
		{`{"provider":"sslmarket","offset":"-90s"}`, http.StatusOK, map[string]time.Duration{ProviderSSLmarket: -90 * time.Second}},
	} {
		t.Run(tc.body, func(t *testing.T) {
			resp, err := http.Post(ts.URL+ClockPath, "application/json", strings.NewReader(tc.body))
			require.NoError(t, err)
			_ = resp.Body.Close()
			assert.Equal(t, tc.code, resp.StatusCode)
			for _, p := range []string{ProviderSSLCI, ProviderSSLmarket, ProviderCyberSSL} {
				assert.Equal(t, base.Add(tc.want[p]), now(p), p)
			}
		})
	}
}
