package sslci

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
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
	u, err := parseBaseURL(baseURL, token)
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, &InvalidArgumentError{Name: "token", Reason: "must not be empty"}
	}
	c := &Client{BaseURL: u, HTTPClient: defaultHTTPClient(), token: token}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

func defaultHTTPClient() *http.Client {
	return &http.Client{
		Timeout: defaultTimeout,
		// The token travels in the query string of GET and in the body of
		// every other call: never follow a redirect to somewhere else, and
		// never let a 301/302 turn a POST into a body-less GET.
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// parseBaseURL validates raw; errors name the URL with any query, fragment
// and token removed.
func parseBaseURL(raw, token string) (*url.URL, error) {
	shown := redact(displayURL(raw), token)
	if raw == "" {
		return nil, errors.New("sslci: base URL must not be empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // ue.Error() would repeat the raw URL
		}
		return nil, fmt.Errorf("sslci: invalid base URL %q: %s", shown, redact(err.Error(), token))
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("sslci: invalid base URL %q: no host", shown)
	}
	if u.User != nil {
		return nil, fmt.Errorf("sslci: invalid base URL %q: must not contain user info", shown)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("sslci: invalid base URL %q: must not contain a query or fragment", shown)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("sslci: invalid base URL %q: http is only allowed for loopback hosts, use https", shown)
		}
	default:
		return nil, fmt.Errorf("sslci: invalid base URL %q: scheme must be https", shown)
	}
	return u, nil
}

// displayURL cuts raw before any query or fragment and drops user info so
// that it can be shown in an error.
func displayURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		end := strings.IndexByte(rest, '/')
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
			raw = raw[:i+3] + rest[at+1:]
		}
	}
	return raw
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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

// do sends one request to the base URL. body (if non-nil) is sent as JSON,
// query (if non-empty) replaces the URL's query, and a successful body is
// decoded into out (which may be nil). Every error is free of the token.
func (c *Client) do(ctx context.Context, method string, body any, query url.Values, out any) error {
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
		hc = defaultHTTPClient()
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
		return &APIError{StatusCode: resp.StatusCode, Message: c.redact(cleanText(msg))}
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
		c.redact(reason), c.redact(snippet(data)))
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
