package sslci

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

var (
	// ErrMalformedResponse is wrapped when a 2xx body is not the expected
	// JSON (most likely a proxy or maintenance page). IsTemporary is true.
	ErrMalformedResponse = errors.New("sslci: malformed response")
	// ErrResponseTooLarge is wrapped when a 2xx body exceeds 1 MiB.
	ErrResponseTooLarge = errors.New("sslci: response body too large")
)

// APIError is an answer of the API that is not a success: a non-2xx status,
// or a 2xx whose body says "status": false (StatusCode is then the 2xx).
type APIError struct {
	StatusCode int
	Message    string
	// RetryAfter is the Retry-After header of the answer, if any.
	RetryAfter time.Duration
}

// RetryAfterDelay is how long the reseller asked to wait (ca.RetryAfter).
func (e *APIError) RetryAfterDelay() time.Duration { return e.RetryAfter }

// Error formats as "sslci: 401 Unauthorized: invalid token".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sslci: %d", e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// InvalidArgumentError is returned before any request is sent when an
// argument is unusable. Name is the Go parameter name.
type InvalidArgumentError struct {
	Name   string
	Reason string
}

func (e *InvalidArgumentError) Error() string {
	return fmt.Sprintf("sslci: invalid argument %s: %s", e.Name, e.Reason)
}

func invalidArg(name, format string, args ...any) error {
	return &InvalidArgumentError{Name: name, Reason: fmt.Sprintf(format, args...)}
}

// newAPIError builds the error for a non-2xx response: the documented
// {"status": false, "message": "..."} body if it is one, otherwise the first
// 200 bytes of the body as text.
func newAPIError(status int, body []byte) *APIError {
	var er ErrorResponse
	if err := json.Unmarshal(body, &er); err == nil && strings.TrimSpace(er.Message) != "" {
		return &APIError{StatusCode: status, Message: ca.CleanText(er.Message)}
	}
	return &APIError{StatusCode: status, Message: ca.Snippet(body)}
}

func statusCode(err error) (int, bool) {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode, true
	}
	return 0, false
}

func hasStatus(err error, code int) bool {
	c, ok := statusCode(err)
	return ok && c == code
}

// IsBadRequest reports a 400 (missing or incorrect parameter).
func IsBadRequest(err error) bool { return hasStatus(err, http.StatusBadRequest) }

// IsUnauthorized reports a 401 (invalid token).
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports a 403 (the record does not belong to the token).
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsMethodNotAllowed reports a 405 (unsupported HTTP method).
func IsMethodNotAllowed(err error) bool { return hasStatus(err, http.StatusMethodNotAllowed) }

// IsServerError reports a 5xx.
func IsServerError(err error) bool {
	c, ok := statusCode(err)
	return ok && c >= 500
}

// IsTemporary reports whether retrying the same call later may succeed:
// 5xx, 429 and 408 answers, malformed 2xx bodies (proxy pages), timeouts and
// every network error. It is false for other API answers (400, 401, 403,
// 405, 2xx with "status": false, 3xx), invalid arguments, oversized 2xx
// bodies and a context canceled by the caller.
func IsTemporary(err error) bool {
	if err == nil {
		return false
	}
	if c, ok := statusCode(err); ok {
		return c >= 500 || c == http.StatusTooManyRequests || c == http.StatusRequestTimeout
	}
	if errors.Is(err, ErrMalformedResponse) {
		return true
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var te *transportError
	if errors.As(err, &te) {
		return true
	}
	var timeout interface{ Timeout() bool }
	return errors.As(err, &timeout) && timeout.Timeout()
}
