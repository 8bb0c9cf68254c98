package dnsname

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ raw, want, err string }{
		{" Example.COM. ", "example.com", ""},
		{"*.example.com", "*.example.com", ""},
		{"xn--bcher-kva.example", "xn--bcher-kva.example", ""},
		{"", "", "is empty"},
		{"example", "example", "not a fully qualified"},
		{"*.com", "*.com", "wildcard of a top-level"},
		{"a.*.example.com", "a.*.example.com", "invalid character"},
		{"-a.example.com", "-a.example.com", "starting or ending with '-'"},
		{"a..example.com", "a..example.com", "empty or over-long"},
		{strings.Repeat("a", 64) + ".com", strings.Repeat("a", 64) + ".com", "empty or over-long"},
		{strings.Repeat("a.", 127) + "com", strings.Repeat("a.", 127) + "com", "longer than 253"},
		{"exa mple.com", "exa mple.com", "invalid character ' '"},
		{"_acme.example.com", "_acme.example.com", "invalid character '_'"},
		{"192.168.1.1", "192.168.1.1", "IP address"},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.raw)
		assert.Equal(t, tt.want, got, tt.raw)
		if tt.err == "" {
			assert.NoError(t, err, tt.raw)
		} else if assert.Error(t, err, tt.raw) {
			assert.Contains(t, err.Error(), tt.err, tt.raw)
		}
	}
	assert.True(t, IsWildcard("*.a.com"))
	assert.Equal(t, "a.com", Base("*.a.com"))
	assert.Equal(t, "a.com", Base("a.com"))
}
