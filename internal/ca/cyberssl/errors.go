package cyberssl

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
	// JSON (most likely a proxy or maintenance page), or lacks a field a
	// success must carry. IsTemporary is true.
	ErrMalformedResponse = errors.New("cyberssl: malformed response")
	// ErrResponseTooLarge is wrapped when a 2xx body exceeds 1 MiB.
	ErrResponseTooLarge = errors.New("cyberssl: response body too large")
)

// Error codes the client recognizes (assumptions.go, 2). The document lists
// none; the sandbox uses HTTP status numbers as codes.
const (
	// CodeAuth is the error_code of a refused API key or session token.
	CodeAuth = "401"
)

// APIError is an answer of the API that is not a success: a body with
// "success": false (StatusCode is then usually 200), or a non-2xx status.
type APIError struct {
	// Endpoint is the API method that answered, e.g. "order_status".
	Endpoint string
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is "error_code" as text (the API may send a number or a
	// string); "" if the body had none.
	Code string
	// Message is "error_message", or the start of a body that was not the
	// documented JSON.
	Message string
	// RetryAfter is the Retry-After header of a non-2xx answer, if any.
	RetryAfter time.Duration
}

// Error formats as "cyberssl: order_status: 401 Unauthorized: error 401:
// invalid token".
// RetryAfterDelay is how long the reseller asked to wait (ca.RetryAfter).
func (e *APIError) RetryAfterDelay() time.Duration { return e.RetryAfter }

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("cyberssl: ")
	if e.Endpoint != "" {
		b.WriteString(e.Endpoint + ": ")
	}
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Code != "" {
		b.WriteString(": error " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// InvalidArgumentError is returned before any request is sent when an
// argument is unusable. Name is the Go parameter or field name.
type InvalidArgumentError struct {
	Name   string
	Reason string
}

func (e *InvalidArgumentError) Error() string {
	return fmt.Sprintf("cyberssl: invalid argument %s: %s", e.Name, e.Reason)
}

func invalidArg(name, format string, args ...any) error {
	return &InvalidArgumentError{Name: name, Reason: fmt.Sprintf(format, args...)}
}

// newAPIError builds the error for a non-2xx response: the documented
// error_code / error_message if the body has them, otherwise the first 200
// bytes of the body as text.
func newAPIError(endpoint string, status int, body []byte) *APIError {
	e := &APIError{Endpoint: endpoint, StatusCode: status}
	var env envelope
	if err := json.Unmarshal(body, &env); err == nil {
		e.Code = env.code()
		e.Message = env.message()
	}
	if e.Code == "" && e.Message == "" {
		e.Message = ca.Snippet(body)
	}
	return e
}

func asAPIError(err error) (*APIError, bool) {
	var ae *APIError
	return ae, errors.As(err, &ae)
}

// IsAuth reports an answer refusing the credentials: HTTP 401, error_code
// "401", a 2xx or 4xx whose message is about the token, API key, session or
// authorization, or any non-temporary refusal of the auth call itself
// (assumptions.go, 2).
func IsAuth(err error) bool {
	ae, ok := asAPIError(err)
	if !ok {
		return false
	}
	if ae.StatusCode == http.StatusUnauthorized || ae.Code == CodeAuth {
		return true
	}
	if isTemporaryStatus(ae.StatusCode) {
		return false
	}
	if ae.Endpoint == endpointAuth {
		return true
	}
	if ae.StatusCode >= 300 && ae.StatusCode < 400 {
		return false // a redirect page may quote the URL, token and all
	}
	m := strings.ToLower(ae.Message)
	for _, w := range []string{"token", "api key", "apikey", "unauthori", "authenticat", "not authorized", "session"} {
		if strings.Contains(m, w) {
			return true
		}
	}
	return false
}

// IsNotFound reports an answer with HTTP 404 or error_code "404" (the
// sandbox's answer for an unknown order, or another account's order).
func IsNotFound(err error) bool {
	ae, ok := asAPIError(err)
	return ok && (ae.StatusCode == http.StatusNotFound || ae.Code == "404")
}

// IsInsufficientFunds reports an answer with HTTP 402 or error_code "402"
// (the sandbox's answer when the balance does not cover an order).
func IsInsufficientFunds(err error) bool {
	ae, ok := asAPIError(err)
	return ok && (ae.StatusCode == http.StatusPaymentRequired || ae.Code == "402")
}

func isTemporaryStatus(code int) bool {
	return code >= 500 || code == http.StatusTooManyRequests || code == http.StatusRequestTimeout
}

// IsTemporary reports whether retrying the same call later may succeed:
// 5xx, 429 and 408 answers, malformed 2xx bodies (proxy pages), timeouts and
// every network error. It is false for other API answers ("success": false
// with a 2xx, 4xx, 3xx), invalid arguments, oversized 2xx bodies and a
// context canceled by the caller.
func IsTemporary(err error) bool {
	if err == nil {
		return false
	}
	if ae, ok := asAPIError(err); ok {
		return isTemporaryStatus(ae.StatusCode)
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
