package sslmarket

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
	// ErrMalformedResponse is wrapped when a 2xx body is not what the
	// endpoint returns (most likely a proxy or maintenance page).
	// IsTemporary is true.
	ErrMalformedResponse = errors.New("sslmarket: malformed response")
	// ErrResponseTooLarge is wrapped when a 2xx body exceeds 1 MiB.
	ErrResponseTooLarge = errors.New("sslmarket: response body too large")
)

// APIError is an answer of the API that is not a 2xx. For the documented
// 4XX JSON body {"error": "<type>", "description": "..."} Type and
// Description are its fields; for any other body Type is empty and
// Description is the first 200 bytes of the body as text.
type APIError struct {
	StatusCode  int
	Type        string
	Description string
	// RetryAfter is the Retry-After header of the answer, if any.
	RetryAfter time.Duration
}

// RetryAfterDelay is how long the reseller asked to wait (ca.RetryAfter).
func (e *APIError) RetryAfterDelay() time.Duration { return e.RetryAfter }

// Error formats as "sslmarket: 400 Bad Request: missing_parameter: missing
// parameter owner_name".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sslmarket: %d", e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Type != "" {
		b.WriteString(": " + e.Type)
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	return b.String()
}

// InvalidArgumentError is returned before any request is sent when an
// argument is unusable. Name is the Go parameter or the JSON field name.
type InvalidArgumentError struct {
	Name   string
	Reason string
}

func (e *InvalidArgumentError) Error() string {
	return fmt.Sprintf("sslmarket: invalid argument %s: %s", e.Name, e.Reason)
}

func invalidArg(name, format string, args ...any) error {
	return &InvalidArgumentError{Name: name, Reason: fmt.Sprintf(format, args...)}
}

// newAPIError builds the error for a non-2xx response. It understands the
// assumed body {"error": "<type>", "description": "..."} and, leniently,
// {"type": ..., "description"|"message": ...} and {"error": {"type": ...,
// "description": ...}}; anything else is reported as a text snippet.
func newAPIError(status int, body []byte) *APIError {
	var raw struct {
		Error       json.RawMessage `json:"error"`
		Type        string          `json:"type"`
		Description string          `json:"description"`
		Message     string          `json:"message"`
	}
	if err := json.Unmarshal(body, &raw); err == nil {
		typ, desc := raw.Type, raw.Description
		if len(raw.Error) > 0 {
			var s string
			var nested struct {
				Type        string `json:"type"`
				Description string `json:"description"`
				Message     string `json:"message"`
			}
			switch {
			case json.Unmarshal(raw.Error, &s) == nil:
				if typ == "" {
					typ = s
				}
			case json.Unmarshal(raw.Error, &nested) == nil:
				typ = firstNonEmpty(typ, nested.Type)
				desc = firstNonEmpty(desc, nested.Description, nested.Message)
			}
		}
		desc = firstNonEmpty(desc, raw.Message)
		typ, desc = ca.CleanText(typ), ca.CleanText(desc)
		if typ != "" || desc != "" {
			return &APIError{StatusCode: status, Type: clip(typ), Description: clip(desc)}
		}
	}
	return &APIError{StatusCode: status, Description: ca.Snippet(body)}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// clip cuts s to 1000 bytes: a description is shown in conditions and
// events.
func clip(s string) string {
	const limit = 1000
	if len(s) <= limit {
		return s
	}
	return strings.ToValidUTF8(s[:limit], "") + "..."
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

// ErrorType returns the error type of the API's answer ("" if err is not an
// *APIError or the body named none).
func ErrorType(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Type
	}
	return ""
}

// IsBadRequest reports a 400 (missing or invalid parameter).
func IsBadRequest(err error) bool { return hasStatus(err, http.StatusBadRequest) }

// IsUnauthorized reports a 401 (missing or invalid token).
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports a 403 (e.g. API access not activated for the account).
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsNotFound reports a 404 (unknown order, product or endpoint).
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsConflict reports a 409 (the order is not in a state that allows the
// call, e.g. a download before issuance).
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// IsUnprocessable reports a 422 (well-formed but unacceptable parameters).
func IsUnprocessable(err error) bool { return hasStatus(err, http.StatusUnprocessableEntity) }

// IsServerError reports a 5xx.
func IsServerError(err error) bool {
	c, ok := statusCode(err)
	return ok && c >= 500
}

// IsTemporary reports whether retrying the same call later may succeed:
// 5xx, 429 and 408 answers, malformed 2xx bodies (proxy pages), timeouts and
// every network error. It is false for other API answers (4xx, 3xx),
// invalid arguments, oversized 2xx bodies and a context canceled by the
// caller.
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
