package ca

import (
	"strings"
	"testing"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "bad request", "bad request"},
		{"line breaks and tabs", "line one\r\nline\ttwo\n", "line one line two"},
		{"repeated blanks", "  a   b  ", "a b"},
		{"control characters", "a\x00b\x1b[31mc\x7f", "ab[31mc"},
		{"invalid UTF-8", "a\xffb\xc3", "ab"},
		{"unicode kept", "chyba – příliš", "chyba – příliš"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CleanText(tc.in); got != tc.want {
				t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"nil", nil, ""},
		{"short", []byte("<html>\n<b>oops</b>\n</html>"), "<html> <b>oops</b> </html>"},
		{"cut to 200 bytes", []byte(strings.Repeat("x", 300)), strings.Repeat("x", 200)},
		{"exactly 200 bytes", []byte(strings.Repeat("y", 200)), strings.Repeat("y", 200)},
		{"rune cut in half is dropped", []byte(strings.Repeat("x", 199) + "é"), strings.Repeat("x", 199)},
		{"cleaned after the cut", []byte(strings.Repeat("\n", 200) + "tail"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Snippet(tc.in); got != tc.want {
				t.Errorf("Snippet(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
