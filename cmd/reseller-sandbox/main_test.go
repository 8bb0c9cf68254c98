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
	assert.Equal(t, map[string]time.Duration{"sslmarket": 2 * time.Hour, "cyberssl": -90 * time.Second}, o.clockOffsets.values)
	assert.Equal(t, "cyberssl=-1m30s,sslmarket=2h0m0s", o.clockOffsets.String())

	for _, bad := range []string{"2h", "=2h", "sslci=soon"} {
		_, err := parseOptions([]string{"--clock-offset", bad})
		assert.Error(t, err, bad)
	}
}

func TestTimeZoneFlag(t *testing.T) {
	o, err := parseOptions([]string{"--time-zone", "sslmarket=Europe/Prague", "--time-zone", "cyberssl=-05:00"})
	require.NoError(t, err)
	at := time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)
	assert.Equal(t, "2030-01-02 13:00:00", at.In(o.zones.values["sslmarket"]).Format(time.DateTime), "CET in winter")
	assert.Equal(t, "2030-01-02 07:00:00", at.In(o.zones.values["cyberssl"]).Format(time.DateTime))
	assert.Equal(t, "cyberssl=UTC-05:00,sslmarket=Europe/Prague", o.zones.String())

	for _, bad := range []string{"Europe/Prague", "sslci=Mars/Olympus", "sslci=+5", "sslci=+25:00"} {
		_, err := parseOptions([]string{"--time-zone", bad})
		assert.Error(t, err, bad)
	}
}

func TestPageSizeFlag(t *testing.T) {
	o, err := parseOptions(nil)
	require.NoError(t, err)
	assert.Zero(t, o.pageSize, "whole lists unless asked: no document pages")
	o, err = parseOptions([]string{"--page-size", "5"})
	require.NoError(t, err)
	assert.Equal(t, 5, o.pageSize)
	_, err = parseOptions([]string{"--page-size", "-1"})
	assert.ErrorContains(t, err, "--page-size")
}
