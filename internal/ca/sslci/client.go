package sslci

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

// DefaultBaseURL is the documented endpoint; every operation is served by
// this URL itself and told apart by HTTP method (and "action" for finalize).
const DefaultBaseURL = "https://www.sslci.com/api"

const (
	// maxBodySize is the largest response body the client reads.
	maxBodySize = 1 << 20
	// defaultTimeout bounds a whole request on the default http.Client.
	defaultTimeout = 30 * time.Second
	userAgent      = "reseller-issuer-sslci/1.0"
	redacted       = "REDACTED"
)

// Client talks to the SSLCI REST API. Create it with New; the token is kept
// private and never appears in an error string.
type Client struct {
	BaseURL    *url.URL
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
// sandbox). It must not carry user info, a query or a fragment.
func New(baseURL, token string, opts ...Option) (*Client, error) {
	u, err := ca.ParseBaseURL(baseURL, func(s string) string { return redact(s, token) })
	if err != nil {
		return nil, fmt.Errorf("sslci: %w", err)
	}
	if token == "" {
		return nil, &InvalidArgumentError{Name: "token", Reason: "must not be empty"}
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
		return "sslci.Client(nil)"
	}
	base := ""
	if c.BaseURL != nil {
		base = c.BaseURL.Redacted()
	}
	return fmt.Sprintf("sslci.Client{BaseURL: %s}", base)
}

// GoString is String for %#v.
func (c *Client) GoString() string { return c.String() }

// do sends one request of op to the base URL. body (if non-nil) is sent as
// JSON, query (if non-empty) replaces the URL's query, and a successful body
// is decoded into out (which may be nil). Every error is free of the token.
func (c *Client) do(ctx context.Context, op ca.Operation, method string, body any, query url.Values, out any) (err error) {
	ctx, end := ca.StartCall(ctx, op)
	defer func() { end(err) }()
	if c.BaseURL == nil {
		return errors.New("sslci: client has no base URL")
	}
	u := *c.BaseURL
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}

	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("sslci: encode %s request: %s", method, c.redact(err.Error()))
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return c.transportErr(err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", userAgent)

	hc := c.HTTPClient
	if hc == nil {
		hc = ca.NoRedirectClient(defaultTimeout)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return c.transportErr(err)
	}
	defer resp.Body.Close()

	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBodySize+1))
	if err != nil {
		return c.transportErr(err)
	}
	tooLarge := len(data) > maxBodySize

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := newAPIError(resp.StatusCode, data)
		apiErr.RetryAfter = ca.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if tooLarge {
			apiErr.Message += " (response body larger than 1 MiB)"
		}
		apiErr.Message = c.redact(apiErr.Message)
		return apiErr
	}
	if tooLarge {
		return fmt.Errorf("%w: HTTP %d %s: more than %d bytes", ErrResponseTooLarge, resp.StatusCode, method, maxBodySize)
	}
	if len(bytes.TrimSpace(data)) == 0 && out == nil {
		return nil // e.g. 204 No Content on DELETE
	}

	var env struct {
		Status  *bool  `json:"status"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return c.malformed(resp.StatusCode, data, err.Error())
	}
	if env.Status == nil {
		return c.malformed(resp.StatusCode, data, `no "status" field`)
	}
	if !*env.Status {
		msg := env.Message
		if msg == "" {
			msg = `"status": false`
		}
		return &APIError{StatusCode: resp.StatusCode, Message: c.redact(ca.CleanText(msg))}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return c.malformed(resp.StatusCode, data, err.Error())
		}
	}
	return nil
}

func (c *Client) malformed(status int, data []byte, reason string) error {
	return fmt.Errorf("%w: HTTP %d: %s: body %q", ErrMalformedResponse, status,
		c.redact(reason), c.redact(ca.Snippet(data)))
}

func (c *Client) redact(s string) string { return redact(s, c.token) }

// transportErr hides the token in an error from http.Client: the *url.Error
// carries the request URL, whose query holds the token on GET.
func (c *Client) transportErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = c.redact(ue.URL)
	}
	return &transportError{msg: "sslci: " + c.redact(err.Error()), err: err}
}

// transportError is a network-level failure (no HTTP response, or the body
// could not be read). It unwraps to the original error, whose *url.Error
// has its URL redacted.
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
