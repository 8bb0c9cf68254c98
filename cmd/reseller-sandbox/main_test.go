package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClockOffsetFlag(t *testing.T) {
	o, err := parseOptions([]string{"--clock-offset", "sslmarket=2h", "--clock-offset", "cyberssl=-90s"})
	require.NoError(t, err)
	assert.Equal(t, offsetsFlag{"sslmarket": 2 * time.Hour, "cyberssl": -90 * time.Second}, o.clockOffsets)
	assert.Equal(t, "cyberssl=-1m30s,sslmarket=2h0m0s", o.clockOffsets.String())

	for _, bad := range []string{"2h", "=2h", "sslci=soon"} {
		_, err := parseOptions([]string{"--clock-offset", bad})
		assert.Error(t, err, bad)
	}
}
