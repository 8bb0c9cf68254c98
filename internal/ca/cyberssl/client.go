package cyberssl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// Documented endpoints. Every API method is a path below them
// (BaseURL.JoinPath("order_status")).
const (
	LiveBaseURL    = "https://api.cyberssl.com/v1/"
	SandboxBaseURL = "https://api.cyberssl.com/sandbox/v1/"
)

const (
	// provider names CyberSSL in errors.
	provider rest.Provider = "cyberssl"
	// maxOldTokens is how many replaced session tokens are still redacted
	// from errors (an answer may quote the stale token it refused).
	maxOldTokens = 8
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
)

// Client talks to the CyberSSL API. Create it with New. It is safe for
// concurrent use: the session token is shared and renewed under a lock. The
// API key and session tokens are private and never appear in an error
// string.
type Client struct {
	rest.Client
	apiKey string

	// authLock (capacity 1) serializes auth calls so that concurrent
	// callers with an expired token authenticate once.
	authLock chan struct{}

	mu        sync.Mutex
	token     string
	oldTokens []string
}

// New returns a client for baseURL (LiveBaseURL or SandboxBaseURL, or a
// local sandbox). The URL must use https; plain http is accepted only for
// loopback hosts. It must not carry user info, a query or a fragment.
// Nothing is sent until the first call, which authenticates.
func New(baseURL, apiKey string, opts ...rest.Option) (*Client, error) {
	c := &Client{apiKey: apiKey, authLock: make(chan struct{}, 1)}
	var err error
	c.Client, err = rest.New(rest.Config{
		Provider:  provider,
		BaseURL:   baseURL,
		Secrets:   c.secrets,
		ErrorBody: errorBody,
		Envelope:  envelopeOf,
		CodeLabel: "error ",
	}, opts...)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(apiKey) == "" {
		return nil, provider.InvalidArg("apiKey", "must not be empty")
	}
	return c, nil
}

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
		return "", fmt.Errorf("cyberssl: waiting to authenticate: %w", ctx.Err())
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
		return "", c.Malformed(endpointAuth, nil, `answered "success": true without "token"`)
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
func (c *Client) send(ctx context.Context, method, endpoint string, params url.Values, out any, extra []string) error {
	r := rest.Request{Op: operation(endpoint), Method: method, Path: []string{endpoint}, Endpoint: endpoint, Secrets: extra}
	if method == http.MethodGet {
		r.Query = params
	} else {
		r.Form = params
		if r.Form == nil {
			r.Form = url.Values{}
		}
	}
	_, err := c.Do(ctx, r, out)
	return err
}

// envelope is what every answer has in common (assumptions.go, 2-3).
type envelope struct {
	Success      *Bool           `json:"success"`
	ErrorCode    json.RawMessage `json:"error_code"`
	ErrorMessage json.RawMessage `json:"error_message"`
}

// envelopeOf reads the "success" flag of a 2xx answer, with the code and
// message of a failure.
func envelopeOf(body []byte) (ok bool, code, message string, err error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return false, "", "", err
	}
	if env.Success == nil {
		return false, "", "", errors.New(`no "success" field`)
	}
	message = rawText(env.ErrorMessage)
	if strings.TrimSpace(message) == "" {
		message = `"success": false`
	}
	return bool(*env.Success), rawText(env.ErrorCode), message, nil
}

// errorBody reads error_code and error_message from a non-2xx answer.
func errorBody(body []byte) (code, message string) {
	var env envelope
	if json.Unmarshal(body, &env) != nil {
		return "", ""
	}
	return rawText(env.ErrorCode), rawText(env.ErrorMessage)
}

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

// secrets returns the API key, every session token this client holds or
// held recently, and a token the answer body carries: one it does not know
// yet (an auth answer that is otherwise unusable) must never reach an
// error either.
func (c *Client) secrets(body []byte) []string {
	c.mu.Lock()
	out := make([]string, 0, 3+len(c.oldTokens))
	out = append(out, c.apiKey, c.token)
	out = append(out, c.oldTokens...)
	c.mu.Unlock()
	if t := tokenIn(body); t != "" {
		out = append(out, t)
	}
	return out
}
