package sslci

import (
	"net/http"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// APIError is an answer of the API that is not a success: a non-2xx status,
// or a 2xx whose body says "status": false (StatusCode is then the 2xx).
// SSLCI sends no code, only a Message.
type APIError = rest.APIError

// InvalidArgumentError is returned before any request is sent when an
// argument is unusable. Name is the Go parameter name.
type InvalidArgumentError = rest.InvalidArgumentError

// IsBadRequest reports a 400 (missing or incorrect parameter).
func IsBadRequest(err error) bool { return rest.HasStatus(err, http.StatusBadRequest) }

// IsUnauthorized reports a 401 (invalid token).
func IsUnauthorized(err error) bool { return rest.HasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports a 403 (the record does not belong to the token).
func IsForbidden(err error) bool { return rest.HasStatus(err, http.StatusForbidden) }

// IsMethodNotAllowed reports a 405 (unsupported HTTP method).
func IsMethodNotAllowed(err error) bool { return rest.HasStatus(err, http.StatusMethodNotAllowed) }

// IsServerError reports a 5xx.
func IsServerError(err error) bool { return rest.IsServerError(err) }

// IsTemporary reports whether retrying the same call later may succeed
// (rest.IsTemporary): 5xx, 429 and 408 answers, malformed 2xx bodies,
// timeouts and network errors; not 400, 401, 403, 405, a 2xx with
// "status": false, 3xx, invalid arguments, oversized 2xx bodies or a
// context canceled by the caller.
func IsTemporary(err error) bool { return rest.IsTemporary(err) }
