package ca

import (
	"strings"
	"unicode"
)

// snippetLen is how much of an unparsed body goes into an error.
const snippetLen = 200

// Snippet returns the first 200 bytes of body as printable text. A reseller's
// error body is untrusted and ends up in error messages and Conditions, so it
// is cut short and cleaned with CleanText.
func Snippet(body []byte) string {
	if len(body) > snippetLen {
		body = body[:snippetLen] // a rune cut in half is dropped by CleanText
	}
	return CleanText(string(body))
}

// CleanText strips control characters (line breaks and tabs become spaces),
// invalid UTF-8 and repeated blanks, so that untrusted text from a reseller
// shows on one line in a Condition and cannot forge log lines.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
