package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOrderRetentionFlag(t *testing.T) {
	tests := []struct {
		args    []string
		want    time.Duration
		wantErr string
	}{
		{args: nil, want: 90 * 24 * time.Hour},
		{args: []string{"--order-retention", "0"}, want: 0},
		{args: []string{"--order-retention", "720h"}, want: 720 * time.Hour},
		{args: []string{"--order-retention", "-1h"}, wantErr: "--order-retention must not be negative"},
	}
	for _, tt := range tests {
		o, err := parseOptions(tt.args)
		if tt.wantErr != "" {
			assert.ErrorContains(t, err, tt.wantErr, "%v", tt.args)
			continue
		}
		require.NoError(t, err, "%v", tt.args)
		assert.Equal(t, tt.want, o.orderRetention, "%v", tt.args)
	}
}
