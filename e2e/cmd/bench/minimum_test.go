package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAboveMinimum(t *testing.T) {
	tests := []struct {
		phase string
		calls map[string]float64
		want  int
	}{
		{"sslci", map[string]float64{"verify": 20, "confirm": 20, "finalize": 20}, 0},
		{"sslci", map[string]float64{"verify": 20, "confirm": 20, "finalize": 21}, 1},
		{"sslmarket", map[string]float64{"place_order": 20, "download": 20, "poll": 57, "products": 1}, 0},
		{"sslmarket", map[string]float64{"place_order": 20, "download": 20, "poll": 40, "products": 20}, 1},
		{"cyberssl", map[string]float64{"place_order": 20, "poll": 20, "auth": 1, "products": 1}, 0},
		{"cyberssl", map[string]float64{"place_order": 20, "poll": 20, "auth": 40, "products": 20}, 2},
		{"cyberssl", map[string]float64{"place_order": 19}, 1},
		{"ca", nil, 0},
	}
	for _, tt := range tests {
		assert.Len(t, aboveMinimum(tt.phase, tt.calls, 20), tt.want, "%s %v", tt.phase, tt.calls)
	}
}
