package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

var (
	// ErrMalformedResponse is wrapped when a 2xx body is not what the
	// endpoint returns (most likely a proxy or maintenance page), or lacks
	// a field a success must carry. IsTemporary is true.
	ErrMalformedResponse = errors.New("malformed response")
	// ErrResponseTooLarge is wrapped when a 2xx body exceeds 1 MiB.
	ErrResponseTooLarge = errors.New("response body too large")
)

// APIError is an answer of a reseller API that is not a success: a non-2xx
// status, or a 2xx whose envelope says it failed (StatusCode is then the
// 2xx).
type APIError struct {
	// Provider names the reseller; the text starts with it.
	Provider Provider
	// Endpoint is the API call that answered, for an API whose calls have
	// names (CyberSSL: "order_status"); "" otherwise.
	Endpoint string
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the reseller's error code or type ("missing_parameter",
	// "401"); "" when the answer had none.
	Code string
	// CodeLabel goes before Code in the text (Config.CodeLabel).
	CodeLabel string
	// Message is the reseller's message, or the start of a body that was
	// not its documented error.
	Message string
	// RetryAfter is the Retry-After header of the answer, if any.
	RetryAfter time.Duration
}

// Error formats as "sslmarket: 400 Bad Request: missing_parameter: missing
// parameter owner_name", with the endpoint after the provider when there
// is one ("cyberssl: order_status: 401 Unauthorized: error 401: invalid
// token").
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(string(e.Provider) + ": ")
	}
	if e.Endpoint != "" {
		b.WriteString(e.Endpoint + ": ")
	}
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Code != "" {
		b.WriteString(": " + e.CodeLabel + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// RetryAfterDelay is how long the reseller asked to wait (ca.RetryAfter).
func (e *APIError) RetryAfterDelay() time.Duration { return e.RetryAfter }

// AsAPIError finds the *APIError in err's chain.
func AsAPIError(err error) (*APIError, bool) {
	var ae *APIError
	return ae, errors.As(err, &ae)
}

// StatusCode is the HTTP status of the APIError in err's chain.
func StatusCode(err error) (int, bool) {
	if ae, ok := AsAPIError(err); ok {
		return ae.StatusCode, true
	}
	return 0, false
}

// HasStatus reports an APIError with status code in err's chain.
func HasStatus(err error, code int) bool {
	c, ok := StatusCode(err)
	return ok && c == code
}

// IsServerError reports an APIError with a 5xx status.
func IsServerError(err error) bool {
	c, ok := StatusCode(err)
	return ok && c >= 500
}

// TemporaryStatus reports a status after which the same call may succeed
// later: 5xx, 429 and 408.
func TemporaryStatus(code int) bool {
	return code >= 500 || code == http.StatusTooManyRequests || code == http.StatusRequestTimeout
}

// IsTemporary reports whether retrying the same call later may succeed:
// 5xx, 429 and 408 answers, malformed 2xx bodies (proxy pages), timeouts and
// every transport error. It is false for the reseller's refusals (other
// API answers: 4xx, 3xx, a 2xx whose envelope says it failed), invalid
// arguments, oversized 2xx bodies and a context canceled by the caller.
func IsTemporary(err error) bool {
	if err == nil {
		return false
	}
	if c, ok := StatusCode(err); ok {
		return TemporaryStatus(c)
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
	var te *TransportError
	if errors.As(err, &te) {
		return true
	}
	var timeout interface{ Timeout() bool }
	return errors.As(err, &timeout) && timeout.Timeout()
}

// TransportError is a failure without an answer (no HTTP response, or its
// body could not be read): temporary. Its text is free of the secrets; it
// unwraps to the original error, whose *url.Error has its URL redacted.
type TransportError struct {
	msg string
	err error
}

func (e *TransportError) Error() string { return e.msg }
func (e *TransportError) Unwrap() error { return e.err }

// InvalidArgumentError is returned before any request is sent when an
// argument is unusable. Name is the Go parameter or the JSON field name.
type InvalidArgumentError struct {
	Provider Provider
	Name     string
	Reason   string
}

func (e *InvalidArgumentError) Error() string {
	return fmt.Sprintf("%s: invalid argument %s: %s", e.Provider, e.Name, e.Reason)
}
