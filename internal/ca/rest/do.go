package rest

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

// MaxBodySize is the largest answer body a client reads.
const MaxBodySize = 1 << 20

const (
	contentJSON = "application/json"
	contentForm = "application/x-www-form-urlencoded"
)

// Request is one call of a reseller API.
type Request struct {
	// Op is what the call does, for the metrics (ca.StartCall).
	Op     ca.Operation
	Method string
	// Path holds the segments joined to BaseURL (BaseURL.JoinPath), each
	// already escaped: callers pass constants, decimal ids and checked
	// codes.
	Path []string
	// Query replaces the URL's query when not empty.
	Query url.Values
	// JSON, when not nil, is sent as a JSON body.
	JSON any
	// Form, when not nil, is sent as a form body.
	Form url.Values
	// Accept is the Accept header; "" means application/json.
	Accept string
	// Endpoint names the call in an APIError's text, for an API whose
	// calls have names (CyberSSL's "order_status"); "" names none.
	Endpoint string
	// Secrets are the call's own secrets besides Config.Secrets (a
	// session token another caller may replace meanwhile).
	Secrets []string
}

// Do sends r. A non-2xx answer, or a 2xx whose envelope says it failed,
// is an *APIError. A 2xx body is checked against the envelope and, when
// out is not nil, decoded into it as JSON (a body that is empty or not
// such JSON wraps ErrMalformedResponse); it is returned as read. An empty
// 2xx body with a nil out is a success (204 No Content). Every error is
// free of the secrets.
func (c *Client) Do(ctx context.Context, r Request, out any) (_ []byte, err error) {
	ctx, end := ca.StartCall(ctx, r.Op)
	defer func() { end(err) }()
	if c.BaseURL == nil {
		return nil, fmt.Errorf("%s: client has no base URL", c.cfg.Provider)
	}
	req, err := c.newRequest(ctx, r)
	if err != nil {
		return nil, err
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = ca.NoRedirectClient(defaultTimeout)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, c.transportErr(err, r.Secrets)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodySize+1))
	if err != nil {
		return nil, c.transportErr(err, r.Secrets)
	}
	tooLarge := len(data) > MaxBodySize
	data = data[:min(len(data), MaxBodySize)]
	a := answer{c: c, r: r, label: req.Method + " " + req.URL.Path, status: resp.StatusCode, body: data}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := a.apiError(c.errorBody(data))
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if tooLarge {
			e.Message += " (response body larger than 1 MiB)"
		}
		return nil, e
	}
	if tooLarge {
		return nil, fmt.Errorf("%s: %w: HTTP %d %s: more than %d bytes", c.cfg.Provider, ErrResponseTooLarge, resp.StatusCode, a.label, MaxBodySize)
	}
	if len(bytes.TrimSpace(data)) == 0 && out == nil {
		return data, nil
	}
	if c.cfg.Envelope != nil {
		ok, code, msg, err := c.cfg.Envelope(data)
		if err != nil {
			return nil, a.malformed(err.Error())
		}
		if !ok {
			return nil, a.apiError(code, msg)
		}
	}
	if out != nil {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, a.malformed("empty body")
		}
		if err := json.Unmarshal(data, out); err != nil {
			return nil, a.malformed(err.Error())
		}
	}
	return data, nil
}

// newRequest builds the HTTP request of r on BaseURL, with its credential.
func (c *Client) newRequest(ctx context.Context, r Request) (*http.Request, error) {
	u := *c.BaseURL
	if len(r.Path) > 0 {
		u = *c.BaseURL.JoinPath(r.Path...)
	}
	if len(r.Query) > 0 {
		u.RawQuery = r.Query.Encode()
	}
	var body io.Reader
	contentType := ""
	switch {
	case r.JSON != nil:
		b, err := json.Marshal(r.JSON)
		if err != nil {
			return nil, fmt.Errorf("%s: encode %s %s request: %s", c.cfg.Provider, r.Method, u.Path, c.redact(err.Error(), r.Secrets, nil))
		}
		body, contentType = bytes.NewReader(b), contentJSON
	case r.Form != nil:
		body, contentType = strings.NewReader(r.Form.Encode()), contentForm
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), body)
	if err != nil {
		return nil, c.transportErr(err, r.Secrets)
	}
	accept := r.Accept
	if accept == "" {
		accept = contentJSON
	}
	req.Header.Set("Accept", accept)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "reseller-issuer-"+string(c.cfg.Provider)+"/1.0")
	if c.cfg.Auth != nil {
		c.cfg.Auth(req)
	}
	return req, nil
}

func (c *Client) errorBody(data []byte) (code, msg string) {
	if c.cfg.ErrorBody == nil {
		return "", ""
	}
	return c.cfg.ErrorBody(data)
}

// answer is one answer being turned into an error.
type answer struct {
	c      *Client
	r      Request
	label  string // method and path, for errors
	status int
	body   []byte
}

// apiError builds the APIError of the answer from the reseller's code and
// message, cleaned, cut short and redacted; when the reseller gave
// neither, the message is the start of the body.
func (a answer) apiError(code, msg string) *APIError {
	code, msg = a.text(code), a.text(msg)
	if code == "" && msg == "" {
		msg = a.c.redact(ca.Snippet([]byte(a.c.redact(string(a.body), a.r.Secrets, a.body))), a.r.Secrets, a.body)
	}
	return &APIError{
		Provider: a.c.cfg.Provider, Endpoint: a.r.Endpoint, StatusCode: a.status,
		CodeLabel: a.c.cfg.CodeLabel, Code: code, Message: msg,
	}
}

// text cleans the reseller's words for an error (ca.CleanText) and cuts
// them to 1000 bytes, without any secret; redacting before cutting keeps a
// secret from being cut in half.
func (a answer) text(s string) string {
	return a.c.redact(clip(ca.CleanText(a.c.redact(s, a.r.Secrets, a.body))), a.r.Secrets, a.body)
}

func (a answer) malformed(reason string) error {
	return a.c.malformed(fmt.Sprintf("HTTP %d %s", a.status, a.label), a.body, a.r.Secrets, reason)
}

// Malformed is the error for a 2xx answer that is not what the endpoint
// returns: it wraps ErrMalformedResponse (temporary: most likely a proxy
// or maintenance page) and quotes the start of body (nil: none), without
// the secrets. where names the call ("" for none).
func (c *Client) Malformed(where string, body []byte, format string, args ...any) error {
	return c.malformed(where, body, nil, fmt.Sprintf(format, args...))
}

func (c *Client) malformed(where string, body []byte, call []string, reason string) error {
	rd := func(s string) string { return c.redact(s, call, body) }
	text := reason
	if where != "" {
		text = where + ": " + text
	}
	if body != nil {
		text += fmt.Sprintf(": body %q", ca.Snippet([]byte(rd(string(body)))))
	}
	return fmt.Errorf("%s: %w: %s", c.cfg.Provider, ErrMalformedResponse, rd(text))
}

// redact hides the client's secrets, the call's and the body's from s.
func (c *Client) redact(s string, call []string, body []byte) string {
	return Redact(s, append(c.cfg.secrets(body), call...)...)
}

// transportErr hides the secrets in an error from http.Client: the
// *url.Error carries the request URL, whose query may hold a credential.
func (c *Client) transportErr(err error, call []string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = c.redact(ue.URL, call, nil)
	}
	return &TransportError{msg: string(c.cfg.Provider) + ": " + c.redact(err.Error(), call, nil), err: err}
}

// clip cuts s to 1000 bytes: the text is shown in Conditions and Events.
func clip(s string) string {
	const limit = 1000
	if len(s) <= limit {
		return s
	}
	return strings.ToValidUTF8(s[:limit], "") + "..."
}
