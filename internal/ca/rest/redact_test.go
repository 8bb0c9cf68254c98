package rest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in string
		secrets  []string
		want     string
	}{
		{"empty secret", "token=abc", []string{""}, "token=abc"},
		{"no secret", "token=abc", nil, "token=abc"},
		{"empty string", "", []string{"abc"}, ""},
		{"plain", "invalid token abc", []string{"abc"}, "invalid token REDACTED"},
		{"every occurrence", "abc/abc", []string{"abc"}, "REDACTED/REDACTED"},
		{"query escaped in a URL", `Get "http://h/api?token=a%2Bb%2Fc%3D": refused`, []string{"a+b/c="}, `Get "http://h/api?token=REDACTED": refused`},
		{"query escaped", `token=a%2Bb%2Fc%3D refused`, []string{"a+b/c="}, `token=REDACTED refused`},
		{"query escaped api key", `Get "http://h/v1/auth?apikey=a%2Bb%2Fc%3D": refused`, []string{"a+b/c="}, `Get "http://h/v1/auth?apikey=REDACTED": refused`},
		{"path escaped", "/x/a+b%2Fc=", []string{"a+b/c="}, "/x/REDACTED"},
		{"json escaped", `{"m":"a\u003cb"}`, []string{"a<b"}, `{"m":"REDACTED"}`},
		{"absent", "nothing here", []string{"abc"}, "nothing here"},
		{"longest first", "[abcdef] [abc]", []string{"abc", "abcdef", ""}, "[REDACTED] [REDACTED]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Redact(tt.in, tt.secrets...))
		})
	}
}
