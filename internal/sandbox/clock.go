package sandbox

// Clock control: an API's clock can be set ahead of the machine's (or
// behind) while the sandbox runs, so that end-to-end tests can let the
// weeks pass that a renewal inside a subscription needs (SSLmarket's
// automatic reissue of a multi-year order starts 30 days before its
// certificate ends) without waiting for them.

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"time"
)

// ClockPath is the clock control endpoint:
//
//	POST ClockPath {"provider": "sslmarket", "offset": "1464h"}
//	    sets how far the API's clock is ahead of the machine's (a Go
//	    duration; negative: behind), replacing --clock-offset. Every date
//	    the API stamps and every deadline it keeps moves with it. 200
//	    {"provider", "offset"}; 400 for an unknown provider or a malformed
//	    duration.
//
// Errors are {"error": "..."}.
const ClockPath = "/sandbox/clock"

// clocks holds each API's offset from the machine's clock.
type clocks map[string]*atomic.Int64

// newClocks starts every API at its configured offset.
func newClocks(offsets map[string]time.Duration) clocks {
	c := clocks{}
	for _, p := range []string{ProviderSSLCI, ProviderSSLmarket, ProviderCyberSSL} {
		c[p] = &atomic.Int64{}
		c[p].Store(int64(offsets[p]))
	}
	return c
}

// now is provider's clock, base moved by its current offset.
func (c clocks) now(provider string, base func() time.Time) func() time.Time {
	if base == nil {
		base = time.Now
	}
	offset := c[provider]
	return func() time.Time { return base().Add(time.Duration(offset.Load())) }
}

// SetClockOffset sets how far provider's clock is ahead of the machine's.
func (s *Sandbox) SetClockOffset(provider string, offset time.Duration) error {
	c, ok := s.clocks[provider]
	if !ok {
		return fmt.Errorf("unknown provider %q (want %s, %s or %s)", provider, ProviderSSLCI, ProviderSSLmarket, ProviderCyberSSL)
	}
	c.Store(int64(offset))
	return nil
}

func (s *Sandbox) serveClock(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Provider string `json:"provider"`
		Offset   string `json:"offset"`
	}
	if err := decodeControl(w, r, &body); err != nil {
		writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	offset, err := time.ParseDuration(body.Offset)
	if err != nil {
		writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("offset %q: want a duration such as \"1464h\" or \"-90s\"", body.Offset)})
		return
	}
	if err := s.SetClockOffset(body.Provider, offset); err != nil {
		writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeControlJSON(w, http.StatusOK, map[string]string{"provider": body.Provider, "offset": offset.String()})
}
