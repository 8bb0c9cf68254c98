package cyberssl

import (
	"net/http"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// Error codes the client recognizes (assumptions.go, 2). The document lists
// none; the sandbox uses HTTP status numbers as codes.
const (
	// CodeAuth is the error_code of a refused API key or session token.
	CodeAuth = "401"
)

// APIError is an answer of the API that is not a success: a body with
// "success": false (StatusCode is then usually 200), or a non-2xx status.
// Endpoint is the API method that answered ("order_status"), Code is
// "error_code" as text (the API may send a number or a string) and Message
// "error_message", or the start of a body that was not the documented JSON.
// It formats as "cyberssl: order_status: 401 Unauthorized: error 401:
// invalid token".
type APIError = rest.APIError

// InvalidArgumentError is returned before any request is sent when an
// argument is unusable. Name is the Go parameter or field name.
type InvalidArgumentError = rest.InvalidArgumentError

func asAPIError(err error) (*APIError, bool) { return rest.AsAPIError(err) }

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
	if rest.TemporaryStatus(ae.StatusCode) {
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

// IsTemporary reports whether retrying the same call later may succeed
// (rest.IsTemporary): 5xx, 429 and 408 answers, malformed 2xx bodies,
// timeouts and network errors; not other API answers ("success": false
// with a 2xx, 4xx, 3xx), invalid arguments, oversized 2xx bodies or a
// context canceled by the caller.
func IsTemporary(err error) bool { return rest.IsTemporary(err) }
