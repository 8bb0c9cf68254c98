package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCeilings(t *testing.T) {
	c, err := parseCeilings("sslci=15, sslmarket=22")
	require.NoError(t, err)
	assert.Equal(t, ceilings{"sslci": 15, "sslmarket": 22}, c)
	for _, bad := range []string{"sslci", "ca=3", "sslci=x", "sslci=0", "nosuch=3"} {
		_, err := parseCeilings(bad)
		assert.Error(t, err, bad)
	}
	results := []*result{{phase: "sslci", run: 1, apiPerCert: 15}, {phase: "sslmarket", run: 1, apiPerCert: 21.5}, {phase: "cyberssl", run: 1, apiPerCert: 99}}
	assert.True(t, c.within(results), "at the ceiling is within it; a phase without one is not checked")
	results[0].apiPerCert = 15.05
	assert.False(t, c.within(results))
}
