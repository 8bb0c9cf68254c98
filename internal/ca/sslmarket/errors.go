package sslmarket

import (
	"net/http"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// APIError is an answer of the API that is not a 2xx. For the documented
// 4XX JSON body {"error": "<type>", "description": "..."} Code is the type
// and Message the description; for any other body Code is empty and
// Message is the first 200 bytes of the body as text.
type APIError = rest.APIError

// InvalidArgumentError is returned before any request is sent when an
// argument is unusable. Name is the Go parameter or the JSON field name.
type InvalidArgumentError = rest.InvalidArgumentError

// ErrorType returns the error type of the API's answer ("" if err is not an
// *APIError or the body named none).
func ErrorType(err error) string {
	if ae, ok := rest.AsAPIError(err); ok {
		return ae.Code
	}
	return ""
}

// IsBadRequest reports a 400 (missing or invalid parameter).
func IsBadRequest(err error) bool { return rest.HasStatus(err, http.StatusBadRequest) }

// IsUnauthorized reports a 401 (missing or invalid token).
func IsUnauthorized(err error) bool { return rest.HasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports a 403 (e.g. API access not activated for the account).
func IsForbidden(err error) bool { return rest.HasStatus(err, http.StatusForbidden) }

// IsNotFound reports a 404 (unknown order, product or endpoint).
func IsNotFound(err error) bool { return rest.HasStatus(err, http.StatusNotFound) }

// IsConflict reports a 409 (the order is not in a state that allows the
// call, e.g. a download before issuance).
func IsConflict(err error) bool { return rest.HasStatus(err, http.StatusConflict) }

// IsUnprocessable reports a 422 (well-formed but unacceptable parameters).
func IsUnprocessable(err error) bool { return rest.HasStatus(err, http.StatusUnprocessableEntity) }

// IsServerError reports a 5xx.
func IsServerError(err error) bool { return rest.IsServerError(err) }

// IsTemporary reports whether retrying the same call later may succeed
// (rest.IsTemporary): 5xx, 429 and 408 answers, malformed 2xx bodies,
// timeouts and network errors; not other API answers (4xx, 3xx), invalid
// arguments, oversized 2xx bodies or a context canceled by the caller.
func IsTemporary(err error) bool { return rest.IsTemporary(err) }
