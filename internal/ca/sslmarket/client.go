package sslmarket

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// DefaultBaseURL is the documented API URL; other country sites
// (sslmarket.cz, .de, ...) serve the same API under their own /api.
const DefaultBaseURL = "https://www.sslmarket.co.uk/api"

// TokenHeader carries the API token on every request.
const TokenHeader = "X-Auth-Token" //nolint:gosec // a header name, not a credential

const (
	// maxBodySize is the largest response body the client reads.
	maxBodySize = 1 << 20
	// defaultTimeout bounds a whole request on the default http.Client.
	defaultTimeout = 30 * time.Second
	userAgent      = "reseller-issuer-sslmarket/1.0"
	redacted       = "REDACTED"
	acceptJSON     = "application/json"
)

// Client talks to the SSLmarket REST API. Create it with New; the token is
// kept private and never appears in an error string.
type Client struct {
	// BaseURL is the API root; endpoint paths are joined to it.
	BaseURL *url.URL
	// HTTPClient sends the requests. It must not follow redirects: the
	// token is a custom header that net/http forwards to any host.
	HTTPClient *http.Client
	token      string
}

// Option configures a Client in New.
type Option func(*Client)

// WithHTTPClient replaces the default http.Client (30s timeout, redirects
// not followed). A nil client is ignored.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.HTTPClient = hc
		}
	}
}

// New returns a client for baseURL (normally DefaultBaseURL). The URL must
// use https; plain http is accepted only for loopback hosts (tests, local
// sandbox). It must not carry user info, a query or a fragment. The token
// must be non-empty and fit in an HTTP header.
func New(baseURL, token string, opts ...Option) (*Client, error) {
	u, err := ca.ParseBaseURL(baseURL, func(s string) string { return redact(s, token) })
	if err != nil {
		return nil, fmt.Errorf("sslmarket: %w", err)
	}
	switch {
	case token == "":
		return nil, invalidArg("token", "must not be empty")
	case strings.TrimSpace(token) != token:
		return nil, invalidArg("token", "must not start or end with blanks")
	case strings.ContainsFunc(token, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return nil, invalidArg("token", "must not contain control characters")
	}
	c := &Client{BaseURL: u, HTTPClient: ca.NoRedirectClient(defaultTimeout), token: token}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// String describes the client without its token (fmt's %v and %+v would
// otherwise print the unexported field).
func (c *Client) String() string {
	if c == nil {
		return "sslmarket.Client(nil)"
	}
	base := ""
	if c.BaseURL != nil {
		base = c.BaseURL.Redacted()
	}
	return fmt.Sprintf("sslmarket.Client{BaseURL: %s}", base)
}

// GoString is String for %#v.
func (c *Client) GoString() string { return c.String() }

// request is one API call for do.
type request struct {
	// op is the endpoint's operation, for the metrics.
	op     ca.Operation
	method string
	// path holds the segments joined to BaseURL, each already escaped
	// (callers only pass constants, decimal ids and checked codes).
	path []string
	// body, if non-nil, is sent as JSON.
	body any
	// accept is the Accept header; "" means application/json.
	accept string
}

// do sends r with the token header. A successful (2xx) body is decoded as
// JSON into out when out is non-nil (an empty or non-JSON body is then
// ErrMalformedResponse) and is returned as read. A non-2xx answer is an
// *APIError. Every error is free of the token.
func (c *Client) do(ctx context.Context, r request, out any) (_ []byte, err error) {
	ctx, end := ca.StartCall(ctx, r.op)
	defer func() { end(err) }()
	if c.BaseURL == nil {
		return nil, errors.New("sslmarket: client has no base URL")
	}
	u := c.BaseURL.JoinPath(r.path...)
	endpoint := r.method + " /" + strings.Join(r.path, "/")

	var rd io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("sslmarket: encode %s request: %s", endpoint, c.redact(err.Error()))
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), rd)
	if err != nil {
		return nil, c.transportErr(err)
	}
	accept := r.accept
	if accept == "" {
		accept = acceptJSON
	}
	req.Header.Set("Accept", accept)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set(TokenHeader, c.token)

	hc := c.HTTPClient
	if hc == nil {
		hc = ca.NoRedirectClient(defaultTimeout)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, c.transportErr(err)
	}
	defer func() { _ = resp.Body.Close() }()

	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBodySize+1))
	if err != nil {
		return nil, c.transportErr(err)
	}
	tooLarge := len(data) > maxBodySize

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := newAPIError(resp.StatusCode, data[:min(len(data), maxBodySize)])
		apiErr.RetryAfter = ca.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if tooLarge {
			apiErr.Description += " (response body larger than 1 MiB)"
		}
		apiErr.Type = c.redact(apiErr.Type)
		apiErr.Description = c.redact(apiErr.Description)
		return nil, apiErr
	}
	if tooLarge {
		return nil, fmt.Errorf("%w: HTTP %d %s: more than %d bytes", ErrResponseTooLarge, resp.StatusCode, endpoint, maxBodySize)
	}
	if out != nil {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, c.malformed(resp.StatusCode, endpoint, data, "empty body")
		}
		if err := json.Unmarshal(data, out); err != nil {
			return nil, c.malformed(resp.StatusCode, endpoint, data, err.Error())
		}
	}
	return data, nil
}

func (c *Client) malformed(status int, endpoint string, data []byte, reason string) error {
	return fmt.Errorf("%w: HTTP %d %s: %s: body %q", ErrMalformedResponse, status, endpoint,
		c.redact(reason), c.redact(ca.Snippet(data)))
}

func (c *Client) redact(s string) string { return redact(s, c.token) }

// transportErr hides the token in an error from http.Client (a proxy or a
// failing dial may echo headers) and marks it as a network failure.
func (c *Client) transportErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = c.redact(ue.URL)
	}
	return &transportError{msg: "sslmarket: " + c.redact(err.Error()), err: err}
}

// transportError is a network-level failure (no HTTP response, or the body
// could not be read). It unwraps to the original error.
type transportError struct {
	msg string
	err error
}

func (e *transportError) Error() string { return e.msg }
func (e *transportError) Unwrap() error { return e.err }

// redact replaces every occurrence of secret in s, raw and in its query-,
// path- and JSON-escaped forms, with "REDACTED".
func redact(s, secret string) string {
	if secret == "" || s == "" {
		return s
	}
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	if b, err := json.Marshal(secret); err == nil {
		forms = append(forms, strings.Trim(string(b), `"`))
	}
	for _, f := range forms {
		if f != "" {
			s = strings.ReplaceAll(s, f, redacted)
		}
	}
	return s
}
