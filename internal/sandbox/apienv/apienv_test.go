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
