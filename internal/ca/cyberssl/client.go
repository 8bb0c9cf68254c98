package cyberssl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Documented endpoints. Every API method is a path below them
// (BaseURL.JoinPath("order_status")).
const (
	LiveBaseURL    = "https://api.cyberssl.com/v1/"
	SandboxBaseURL = "https://api.cyberssl.com/sandbox/v1/"
)

const (
	// maxBodySize is the largest response body the client reads.
	maxBodySize = 1 << 20
	// defaultTimeout bounds a whole request on the default http.Client.
	defaultTimeout = 30 * time.Second
	userAgent      = "reseller-issuer-cyberssl/1.0"
	redacted       = "REDACTED"
	// maxOldTokens is how many replaced session tokens are still redacted
	// from errors (an answer may quote the stale token it refused).
	maxOldTokens = 8
	formType     = "application/x-www-form-urlencoded"
)

// API method names (URL paths below the base URL).
const (
	endpointAuth           = "auth"
	endpointListProducts   = "list_products"
	endpointAddOrder       = "add_ssl_order"
	endpointReissue        = "reissue_ssl_order"
	endpointValidateCSR    = "validate_csr"
	endpointDVOptions      = "get_dv_options"
	endpointChangeDVMethod = "change_dv_method"
	endpointOrderStatus    = "order_status"
	endpointPrice          = "get_ssl_product_price"
	endpointBalance        = "get_balance"
	endpointMyOrders       = "my_orders"
	endpointCertificates   = "ssl_certificates"
	endpointExtraDomains   = "order_extra_domains"
	endpointProductDetails = "get_ssl_product_details"
	endpointRevalidate     = "revalidate"
)

const (
	paramToken  = "token"
	paramAPIKey = "apikey"
	// maxRetryAfter caps a Retry-After header.
	maxRetryAfter = time.Hour
)

// Client talks to the CyberSSL API. Create it with New. It is safe for
// concurrent use: the session token is shared and renewed under a lock. The
// API key and session tokens are private and never appear in an error
// string.
type Client struct {
	BaseURL    *url.URL
	HTTPClient *http.Client
	apiKey     string

	// authLock (capacity 1) serializes auth calls so that concurrent
	// callers with an expired token authenticate once.
	authLock chan struct{}

	mu        sync.Mutex
	token     string
	oldTokens []string
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

// New returns a client for baseURL (LiveBaseURL or SandboxBaseURL, or a
// local sandbox). The URL must use https; plain http is accepted only for
// loopback hosts. It must not carry user info, a query or a fragment.
// Nothing is sent until the first call, which authenticates.
func New(baseURL, apiKey string, opts ...Option) (*Client, error) {
	u, err := ca.ParseBaseURL(baseURL, func(s string) string { return redact(s, apiKey) })
	if err != nil {
		return nil, fmt.Errorf("cyberssl: %w", err)
	}
	if strings.TrimSpace(apiKey) == "" {
		return nil, invalidArg("apiKey", "must not be empty")
	}
	c := &Client{BaseURL: u, HTTPClient: ca.NoRedirectClient(defaultTimeout), apiKey: apiKey, authLock: make(chan struct{}, 1)}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// String describes the client without its secrets (fmt's %v and %+v would
// otherwise print the unexported fields).
func (c *Client) String() string {
	if c == nil {
		return "cyberssl.Client(nil)"
	}
	base := ""
	if c.BaseURL != nil {
		base = c.BaseURL.Redacted()
	}
	return fmt.Sprintf("cyberssl.Client{BaseURL: %s}", base)
}

// GoString is String for %#v.
func (c *Client) GoString() string { return c.String() }

// Authenticate opens a new session (GET auth?apikey=...) and caches its
// token, replacing any cached one. Other methods authenticate on demand;
// call this to check the API key (e.g. for an Issuer's Ready condition).
func (c *Client) Authenticate(ctx context.Context) error {
	_, err := c.renewToken(ctx, "", true)
	return err
}

// session returns the cached token, authenticating when there is none;
// fresh reports that this call obtained it.
func (c *Client) session(ctx context.Context) (token string, fresh bool, err error) {
	c.mu.Lock()
	token = c.token
	c.mu.Unlock()
	if token != "" {
		return token, false, nil
	}
	token, err = c.renewToken(ctx, "", false)
	return token, err == nil, err
}

// renewToken authenticates and caches the new token. Unless force is set,
// a cached token other than stale (the token that failed, or "" for none)
// is returned instead: another caller renewed the session meanwhile.
func (c *Client) renewToken(ctx context.Context, stale string, force bool) (string, error) {
	if c.authLock == nil {
		return "", errors.New("cyberssl: client not created with New")
	}
	select {
	case c.authLock <- struct{}{}:
	case <-ctx.Done():
		return "", c.transportErr(ctx.Err(), nil)
	}
	defer func() { <-c.authLock }()

	c.mu.Lock()
	cur := c.token
	c.mu.Unlock()
	if !force && cur != "" && cur != stale {
		return cur, nil
	}

	var out AuthResponse
	if err := c.send(ctx, http.MethodGet, endpointAuth, url.Values{paramAPIKey: {c.apiKey}}, &out, nil); err != nil {
		return "", err
	}
	token := strings.TrimSpace(string(out.Token))
	if token == "" {
		return "", fmt.Errorf("%w: auth answered \"success\": true without \"token\"", ErrMalformedResponse)
	}
	c.setToken(token)
	return token, nil
}

func (c *Client) setToken(tok string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && c.token != tok {
		c.oldTokens = append(c.oldTokens, c.token)
		if len(c.oldTokens) > maxOldTokens {
			c.oldTokens = c.oldTokens[len(c.oldTokens)-maxOldTokens:]
		}
	}
	c.token = tok
}

// call sends one API call with the session token: as a query parameter on
// GET, as a form field on POST. On an auth failure (IsAuth) with a token
// that was cached before this call, it authenticates once and repeats the
// call once.
func (c *Client) call(ctx context.Context, method, endpoint string, params url.Values, out any) error {
	token, fresh, err := c.session(ctx)
	if err != nil {
		return err
	}
	p := cloneValues(params)
	p.Set(paramToken, token)
	err = c.send(ctx, method, endpoint, p, out, []string{token})
	if err == nil || fresh || !IsAuth(err) {
		return err
	}
	token, rerr := c.renewToken(ctx, token, false)
	if rerr != nil {
		return rerr
	}
	p.Set(paramToken, token)
	return c.send(ctx, method, endpoint, p, out, []string{token})
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+1)
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// send performs one HTTP request without session handling. GET parameters
// go into the query string, POST parameters into a form body. A successful
// body is decoded into out (which may be nil). extra are secrets of this
// request besides the API key and known tokens; every error is free of
// them.
func (c *Client) send(ctx context.Context, method, endpoint string, params url.Values, out any, extra []string) (err error) {
	ctx, end := ca.StartCall(ctx, operation(endpoint))
	defer func() { end(err) }()
	if c.BaseURL == nil {
		return errors.New("cyberssl: client has no base URL")
	}
	u := c.BaseURL.JoinPath(endpoint)
	var body io.Reader
	if method == http.MethodGet {
		u.RawQuery = params.Encode()
	} else {
		body = strings.NewReader(params.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return c.transportErr(err, extra)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if body != nil {
		req.Header.Set("Content-Type", formType)
	}

	hc := c.HTTPClient
	if hc == nil {
		hc = ca.NoRedirectClient(defaultTimeout)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return c.transportErr(err, extra)
	}
	defer func() { _ = resp.Body.Close() }()

	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBodySize+1))
	if err != nil {
		return c.transportErr(err, extra)
	}
	tooLarge := len(data) > maxBodySize
	if tooLarge {
		data = data[:maxBodySize]
	}
	// A body may carry a token we do not know yet (an auth answer that is
	// otherwise unusable): never let it into an error either.
	secrets := append(c.secrets(), extra...)
	if t := tokenIn(data); t != "" {
		secrets = append(secrets, t)
	}
	rd := func(s string) string { return redactAll(s, secrets) }

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := newAPIError(endpoint, resp.StatusCode, data)
		if tooLarge {
			apiErr.Message += " (response body larger than 1 MiB)"
		}
		apiErr.Message = rd(apiErr.Message)
		apiErr.Code = rd(apiErr.Code)
		apiErr.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
		return apiErr
	}
	if tooLarge {
		return fmt.Errorf("%w: %s: HTTP %d: more than %d bytes", ErrResponseTooLarge, endpoint, resp.StatusCode, maxBodySize)
	}

	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return malformed(endpoint, resp.StatusCode, data, err.Error(), rd)
	}
	if env.Success == nil {
		return malformed(endpoint, resp.StatusCode, data, `no "success" field`, rd)
	}
	if !*env.Success {
		e := &APIError{Endpoint: endpoint, StatusCode: resp.StatusCode, Code: rd(env.code()), Message: rd(env.message())}
		if e.Message == "" {
			e.Message = `"success": false`
		}
		return e
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return malformed(endpoint, resp.StatusCode, data, err.Error(), rd)
		}
	}
	return nil
}

// envelope is what every answer has in common.
type envelope struct {
	Success      *Bool           `json:"success"`
	ErrorCode    json.RawMessage `json:"error_code"`
	ErrorMessage json.RawMessage `json:"error_message"`
}

func (e envelope) code() string { return rawText(e.ErrorCode) }

func (e envelope) message() string { return ca.CleanText(rawText(e.ErrorMessage)) }

// rawText turns a JSON scalar into its text; a list or object (PHP may send
// several messages) becomes its compact JSON.
func rawText(b json.RawMessage) string {
	if len(b) == 0 {
		return ""
	}
	if s, isNull, err := scalarText(b); err == nil {
		if isNull {
			return ""
		}
		return s
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return ca.Snippet(b)
	}
	return buf.String()
}

// tokenIn returns a "token" string found at the top level of a JSON body.
func tokenIn(data []byte) string {
	var t struct {
		Token Text `json:"token"`
	}
	if json.Unmarshal(data, &t) != nil {
		return ""
	}
	return string(t.Token)
}

func malformed(endpoint string, status int, data []byte, reason string, rd func(string) string) error {
	return fmt.Errorf("%w: %s: HTTP %d: %s: body %q", ErrMalformedResponse, endpoint, status,
		rd(reason), rd(ca.Snippet(data)))
}

// retryAfter parses a Retry-After header (seconds or HTTP date), capped at
// an hour; 0 if absent or unusable.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(h); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	if d < 0 {
		return 0
	}
	return min(d, maxRetryAfter)
}

// secrets returns the API key and every session token this client holds
// or held recently.
func (c *Client) secrets() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, 2+len(c.oldTokens))
	out = append(out, c.apiKey, c.token)
	return append(out, c.oldTokens...)
}

// transportErr hides the secrets in an error from http.Client: the
// *url.Error carries the request URL, whose query holds the API key or the
// token on GET.
func (c *Client) transportErr(err error, extra []string) error {
	secrets := append(c.secrets(), extra...)
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = redactAll(ue.URL, secrets)
	}
	return &transportError{msg: "cyberssl: " + redactAll(err.Error(), secrets), err: err}
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

// redactAll applies redact for every secret, longest first (a token could
// contain the API key or the other way round).
func redactAll(s string, secrets []string) string {
	ordered := append([]string(nil), secrets...)
	for i := 1; i < len(ordered); i++ {
		for j := i; j > 0 && len(ordered[j]) > len(ordered[j-1]); j-- {
			ordered[j], ordered[j-1] = ordered[j-1], ordered[j]
		}
	}
	for _, sec := range ordered {
		s = redact(s, sec)
	}
	return s
}

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
