package apienv

import "fmt"

// Error is a failure answer of a simulated API: the HTTP status it is
// written with and its message. Each API writes it in its document's
// error body (CyberSSL also as error_code).
type Error struct {
	Status  int
	Message string
}

// Errorf returns an Error with status and a formatted message.
func Errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}
