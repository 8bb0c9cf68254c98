package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSetGCPercent(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	tests := []struct {
		name string
		env  map[string]string
		want int
	}{
		{"GOGC unset: the controller's default", nil, defaultGCPercent},
		{"GOGC set: left as the runtime applied it", map[string]string{"GOGC": "200"}, 100},
		{"GOGC=off: left as the runtime applied it", map[string]string{"GOGC": "off"}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			debug.SetGCPercent(100) // what the runtime applied at start, here
			setGCPercent(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			assert.Equal(t, tt.want, debug.SetGCPercent(100))
		})
	}
}
