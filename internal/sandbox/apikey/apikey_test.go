package apikey

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAccount(t *testing.T) {
	revoked := map[string]bool{"k3": true}
	k := New(map[string]string{"k1": "alice", "k2": "alice", "k3": "bob", "": "nobody", "k4": ""},
		func(key string) bool { return revoked[key] })
	tests := []struct {
		key, want string
		err       error
	}{
		{"k1", "alice", nil},
		{"k2", "alice", nil},
		{"k3", "", ErrRevoked},
		{"k4", "", ErrUnknown},
		{"nope", "", ErrUnknown},
		{"", "", ErrMissing},
	}
	for _, tt := range tests {
		got, err := k.Account(tt.key)
		assert.Equal(t, tt.want, got, tt.key)
		assert.ErrorIs(t, err, tt.err, tt.key)
	}
	assert.Equal(t, []string{"alice", "bob"}, k.Names())
	assert.False(t, New(nil, nil).Revoked("k1"))
}
