package ca

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrEmptyBaseURL is returned by ParseBaseURL for an empty URL.
var ErrEmptyBaseURL = errors.New("base URL must not be empty")

// BaseURLError is returned by ParseBaseURL for a URL it refuses. Its text
// has no package prefix: a reseller client wraps it with its own
// ("sslci: %w").
type BaseURLError struct {
	// URL is the rejected URL as it may be shown: without query, fragment
	// and user info, and redacted.
	URL string
	// Reason says what is wrong, e.g. "no host".
	Reason string
}

func (e *BaseURLError) Error() string {
	return fmt.Sprintf("invalid base URL %q: %s", e.URL, e.Reason)
}

// ParseBaseURL validates the base URL of a reseller API. It must use https;
// plain http is accepted only for loopback hosts (tests, local sandbox). It
// must have a host and must not carry user info, a query or a fragment.
//
// An error is ErrEmptyBaseURL or a *BaseURLError. It names the URL with any
// query, fragment and user info cut off, and passes both that URL and any
// parser message through redact (which hides the client's secrets; nil
// means no redaction), because a misconfigured URL may quote a credential.
func ParseBaseURL(raw string, redact func(string) string) (*url.URL, error) {
	if redact == nil {
		redact = func(s string) string { return s }
	}
	shown := redact(displayURL(raw))
	if raw == "" {
		return nil, ErrEmptyBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // ue.Error() would repeat the raw URL
		}
		return nil, &BaseURLError{URL: shown, Reason: redact(err.Error())}
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, &BaseURLError{URL: shown, Reason: "no host"}
	}
	if u.User != nil {
		return nil, &BaseURLError{URL: shown, Reason: "must not contain user info"}
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, &BaseURLError{URL: shown, Reason: "must not contain a query or fragment"}
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, &BaseURLError{URL: shown, Reason: "http is only allowed for loopback hosts, use https"}
		}
	default:
		return nil, &BaseURLError{URL: shown, Reason: "scheme must be https"}
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

// NoRedirectClient returns an http.Client with the given timeout that never
// follows a redirect: the caller gets the 3xx response itself.
//
// Every reseller sends a credential with each call: SSLCI its token in the
// query string of a GET and in the body of every other call, CyberSSL its
// API key and session token in query strings and form bodies, SSLmarket its
// token in the X-Auth-Token header, which net/http (unlike Authorization)
// does not strip on a cross-host redirect. A redirect must not carry them
// somewhere else, and a 301/302 must not turn a POST (possibly a paid order)
// into a body-less GET.
func NoRedirectClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, CheckRedirect: noRedirect}
}

func noRedirect(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}
