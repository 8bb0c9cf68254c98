package sslmarket

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// DefaultBaseURL is the documented API URL; other country sites
// (sslmarket.cz, .de, ...) serve the same API under their own /api.
const DefaultBaseURL = "https://www.sslmarket.co.uk/api"

// TokenHeader carries the API token on every request.
const TokenHeader = "X-Auth-Token" //nolint:gosec // a header name, not a credential

// provider names SSLmarket in errors.
const provider rest.Provider = "sslmarket"

// Client talks to the SSLmarket REST API. Create it with New; the token is
// kept private and never appears in an error string. Its HTTPClient must
// not follow redirects: the token is a custom header that net/http
// forwards to any host.
type Client struct {
	rest.Client
	token string
}

// New returns a client for baseURL (normally DefaultBaseURL). The URL must
// use https; plain http is accepted only for loopback hosts (tests, local
// sandbox). It must not carry user info, a query or a fragment. The token
// must be non-empty and fit in an HTTP header.
func New(baseURL, token string, opts ...rest.Option) (*Client, error) {
	api, err := rest.New(rest.Config{
		Provider:  provider,
		BaseURL:   baseURL,
		Secrets:   func([]byte) []string { return []string{token} },
		Auth:      func(r *http.Request) { r.Header.Set(TokenHeader, token) },
		ErrorBody: errorBody,
	}, opts...)
	if err != nil {
		return nil, err
	}
	if err := checkToken(token); err != nil {
		return nil, err
	}
	return &Client{Client: api, token: token}, nil
}

// errorBody reads the assumed error {"error": "<type>", "description":
// "..."} (assumption 3) and, leniently, {"type": ..., "description"|
// "message": ...} and {"error": {"type": ..., "description": ...}}.
func errorBody(body []byte) (typ, description string) {
	var raw struct {
		Error       json.RawMessage `json:"error"`
		Type        string          `json:"type"`
		Description string          `json:"description"`
		Message     string          `json:"message"`
	}
	if json.Unmarshal(body, &raw) != nil {
		return "", ""
	}
	typ, description = raw.Type, raw.Description
	if len(raw.Error) > 0 {
		var s string
		var nested struct {
			Type        string `json:"type"`
			Description string `json:"description"`
			Message     string `json:"message"`
		}
		switch {
		case json.Unmarshal(raw.Error, &s) == nil:
			typ = firstNonEmpty(typ, s)
		case json.Unmarshal(raw.Error, &nested) == nil:
			typ = firstNonEmpty(typ, nested.Type)
			description = firstNonEmpty(description, nested.Description, nested.Message)
		}
	}
	return typ, firstNonEmpty(description, raw.Message)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
