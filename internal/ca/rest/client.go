// Package rest is what every reseller client needs to talk to its API: one
// Do that builds the request on BaseURL.JoinPath, authenticates, sends it
// without following redirects, reads at most 1 MiB of the answer and
// decodes it; the typed APIError built from the answer; redaction of every
// secret from URLs and errors; the classification of failures (IsTemporary)
// and the operation of each call for the metrics (ca.StartCall).
//
// A reseller client embeds a Client, made by New from a Config that holds
// only its API's own assumptions: how it authenticates, which secrets it
// holds, what its error bodies and success envelopes look like. Its
// endpoints, wire types and validation stay in the reseller's package
// (lego's per-provider clients; go-github's CheckResponse for the error).
package rest

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// defaultTimeout bounds a whole request on the default http.Client.
const defaultTimeout = 30 * time.Second

// Config is what a reseller client tells Do once, in New.
type Config struct {
	// Provider names the reseller: it starts every error, String and the
	// User-Agent.
	Provider Provider
	// BaseURL is the API root as configured; New checks it with
	// ca.ParseBaseURL.
	BaseURL string
	// Secrets returns what must never appear in an error: the credentials
	// the client holds and any the answer's body carries (body is nil
	// before an answer).
	Secrets func(body []byte) []string
	// Auth adds the credential to every request (a header); nil when the
	// client sends it in the query or the body itself.
	Auth func(*http.Request)
	// ErrorBody reads the reseller's error code and message from the body
	// of a non-2xx answer; "" for both makes the message the start of the
	// body.
	ErrorBody func(body []byte) (code, message string)
	// Envelope reads the success flag every 2xx answer of the API carries
	// (nil: the API has none). ok false is a refusal with a code and a
	// message; err says why the body is not the API's (a proxy page).
	Envelope func(body []byte) (ok bool, code, message string, err error)
	// CodeLabel goes before the code in an APIError's text ("error " for
	// CyberSSL, whose codes are bare numbers).
	CodeLabel string
}

// Client is the part of a reseller client that talks HTTP. Embed it: its
// BaseURL and HTTPClient are the reseller client's own, and String keeps
// the secrets out of fmt's %v, %+v and %#v.
type Client struct {
	// BaseURL is the API root; endpoint paths are joined to it.
	BaseURL *url.URL
	// HTTPClient sends the requests. It must not follow redirects: every
	// reseller sends a credential with each call (ca.NoRedirectClient).
	HTTPClient *http.Client
	// MaxPages bounds how many pages of a list the client reads
	// (ReadPages); zero means DefaultMaxPages.
	MaxPages int
	cfg      Config
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

// New checks cfg.BaseURL (https; http only for loopback hosts; no user
// info, query or fragment) and returns the Client. Its error names the
// URL with the secrets redacted.
func New(cfg Config, opts ...Option) (Client, error) {
	u, err := ca.ParseBaseURL(cfg.BaseURL, func(s string) string { return Redact(s, cfg.secrets(nil)...) })
	if err != nil {
		return Client{}, fmt.Errorf("%s: %w", cfg.Provider, err)
	}
	c := Client{BaseURL: u, HTTPClient: ca.NoRedirectClient(defaultTimeout), cfg: cfg}
	for _, o := range opts {
		o(&c)
	}
	return c, nil
}

// String describes the client without its secrets.
func (c *Client) String() string {
	if c == nil {
		return "Client(nil)"
	}
	base := ""
	if c.BaseURL != nil {
		base = c.BaseURL.Redacted()
	}
	return fmt.Sprintf("%s.Client{BaseURL: %s}", c.cfg.Provider, base)
}

// GoString is String for %#v.
func (c *Client) GoString() string { return c.String() }

func (cfg Config) secrets(body []byte) []string {
	if cfg.Secrets == nil {
		return nil
	}
	return cfg.Secrets(body)
}
