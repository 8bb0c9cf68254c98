package apienv

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apikey"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
)

func TestNewFillsDefaults(t *testing.T) {
	e := New(Config{Accounts: map[string]string{"k1": "alice", "": "nobody", "k2": ""}})
	assert.Equal(t, DefaultValidity, e.Validity)
	assert.Zero(t, e.IssueDelay)
	require.NotNil(t, e.Now)
	require.NotNil(t, e.Log)
	require.NotNil(t, e.Mailbox)
	require.NotNil(t, e.Web)
	assert.Equal(t, []string{"alice"}, e.Keys.Names(), "empty keys and names are ignored")
}

func TestNewKeepsWhatIsSet(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	box := mailbox.New(nil)
	e := New(Config{
		Accounts:   map[string]string{"k1": "alice", "k2": "bob"},
		Revoked:    func(key string) bool { return key == "k2" },
		DNSServer:  "127.0.0.1:53",
		IssueDelay: -time.Second,
		Now:        func() time.Time { return at },
		Validity:   time.Hour,
		Mailbox:    box,
	})
	assert.Equal(t, at, e.Now())
	assert.Equal(t, time.Hour, e.Validity)
	assert.Zero(t, e.IssueDelay, "a negative delay is none")
	assert.Equal(t, "127.0.0.1:53", e.DNSServer)
	assert.Same(t, box, e.Mailbox)
	name, err := e.Keys.Account("k1")
	require.NoError(t, err)
	assert.Equal(t, "alice", name)
	_, err = e.Keys.Account("k2")
	assert.ErrorIs(t, err, apikey.ErrRevoked)
}

func TestClockOffset(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	cluster := func() time.Time { return at }
	for _, offset := range []time.Duration{0, 90 * time.Minute, -36 * time.Hour} {
		e := New(Config{Now: cluster, ClockOffset: offset})
		assert.Equal(t, at.Add(offset), e.Now(), "offset %s", offset)
	}
}

func TestNotAfter(t *testing.T) {
	now := time.Date(2030, 1, 31, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name     string
		validity time.Duration
		end      time.Time
		want     time.Time
	}{
		{"validity, no subscription", 90 * day, time.Time{}, now.Add(90 * day)},
		{"capped at 199 days", 400 * day, time.Time{}, now.Add(MaxLifetime)},
		{"capped at 199 days inside a long subscription", 398 * day, SubscriptionEnd(now, 24), now.Add(199 * day)},
		{"capped at the subscription's end", 90 * day, now.Add(10 * day), now.Add(10 * day)},
		{"subscription over", 90 * day, now.Add(-time.Hour), now.Add(-time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New(Config{Validity: tt.validity})
			assert.Equal(t, tt.want, e.NotAfter(now, tt.end))
		})
	}
}

func TestSubscriptionEnd(t *testing.T) {
	start := time.Date(2030, 3, 15, 8, 0, 0, 0, time.UTC)
	assert.Equal(t, time.Date(2031, 3, 15, 8, 0, 0, 0, time.UTC), SubscriptionEnd(start, 12))
	assert.Equal(t, time.Date(2033, 3, 15, 8, 0, 0, 0, time.UTC), SubscriptionEnd(start, 36))
}

func TestAccountsOnePerName(t *testing.T) {
	e := New(Config{Accounts: map[string]string{"k1": "alice", "k2": "alice", "k3": "bob"}})
	made := 0
	accounts := Accounts(e, func() *int { made++; n := made; return &n })
	assert.Equal(t, 2, made, "two keys of one account make one account")
	require.Len(t, accounts, 2)
	assert.Equal(t, 1, *accounts["alice"])
	assert.Equal(t, 2, *accounts["bob"])
}
