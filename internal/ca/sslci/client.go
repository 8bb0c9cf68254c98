package sslci

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// DefaultBaseURL is the documented endpoint; every operation is served by
// this URL itself and told apart by HTTP method (and "action" for finalize).
const DefaultBaseURL = "https://www.sslci.com/api"

// provider names SSLCI in errors.
const provider rest.Provider = "sslci"

// Client talks to the SSLCI REST API. Create it with New; the token is kept
// private and never appears in an error string.
type Client struct {
	rest.Client
	token string
}

// New returns a client for baseURL (normally DefaultBaseURL). The URL must
// use https; plain http is accepted only for loopback hosts (tests, local
// sandbox). It must not carry user info, a query or a fragment.
func New(baseURL, token string, opts ...rest.Option) (*Client, error) {
	api, err := rest.New(rest.Config{
		Provider:  provider,
		BaseURL:   baseURL,
		Secrets:   func([]byte) []string { return []string{token} },
		ErrorBody: errorBody,
		Envelope:  envelope,
	}, opts...)
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, provider.InvalidArg("token", "must not be empty")
	}
	return &Client{Client: api, token: token}, nil
}

// do sends one request of op to the base URL (assumption 2). body (if
// non-nil) is sent as JSON, query (if non-empty) replaces the URL's query,
// and a successful body is decoded into out (which may be nil).
func (c *Client) do(ctx context.Context, op ca.Operation, method string, body any, query url.Values, out any) error {
	_, err := c.Do(ctx, rest.Request{Op: op, Method: method, JSON: body, Query: query}, out)
	return err
}

// errorBody reads the documented error {"status": false, "message": "..."}
// (assumption 3).
func errorBody(body []byte) (code, message string) {
	var er ErrorResponse
	if json.Unmarshal(body, &er) != nil {
		return "", ""
	}
	return "", er.Message
}

// envelope reads the "status" every answer carries (assumption 4).
func envelope(body []byte) (ok bool, code, message string, err error) {
	var env struct {
		Status  *bool  `json:"status"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return false, "", "", err
	}
	if env.Status == nil {
		return false, "", "", errors.New(`no "status" field`)
	}
	if strings.TrimSpace(env.Message) == "" {
		env.Message = `"status": false`
	}
	return *env.Status, "", env.Message, nil
}
