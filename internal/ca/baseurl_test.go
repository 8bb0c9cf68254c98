package ca

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseBaseURL(t *testing.T) {
	const secret = "s3cr3t"
	hide := func(s string) string { return strings.ReplaceAll(s, secret, "REDACTED") }
	tests := []struct {
		name    string
		raw     string
		redact  func(string) string
		wantErr string // exact text; "" means accepted
	}{
		{name: "https", raw: "https://www.example.com/api"},
		{name: "https trailing slash", raw: "https://api.example.com/v1/"},
		{name: "https port", raw: "https://api.example.com:8443/v1"},
		{name: "http 127.0.0.1", raw: "http://127.0.0.1:8080/api"},
		{name: "http other loopback IP", raw: "http://127.1.2.3/api"},
		{name: "http localhost", raw: "http://localhost:8080/api"},
		{name: "http LOCALHOST", raw: "http://LOCALHOST/api"},
		{name: "http ::1", raw: "http://[::1]:8080/api"},
		{name: "empty", raw: "", wantErr: "base URL must not be empty"},
		{
			name: "http non-loopback", raw: "http://example.com/api",
			wantErr: `invalid base URL "http://example.com/api": http is only allowed for loopback hosts, use https`,
		},
		{
			name: "http loopback-looking name", raw: "http://127.0.0.1.example.com/api",
			wantErr: `invalid base URL "http://127.0.0.1.example.com/api": http is only allowed for loopback hosts, use https`,
		},
		{
			name: "other scheme", raw: "ftp://www.example.com/api",
			wantErr: `invalid base URL "ftp://www.example.com/api": scheme must be https`,
		},
		{name: "no scheme", raw: "www.example.com/api", wantErr: `invalid base URL "www.example.com/api": no host`},
		{name: "empty host", raw: "https://", wantErr: `invalid base URL "https://": no host`},
		{name: "port only", raw: "https://:443/api", wantErr: `invalid base URL "https://:443/api": no host`},
		{
			name: "query", raw: "https://www.example.com/api?token=" + secret,
			wantErr: `invalid base URL "https://www.example.com/api": must not contain a query or fragment`,
		},
		{
			name: "empty query", raw: "https://www.example.com/api?",
			wantErr: `invalid base URL "https://www.example.com/api": must not contain a query or fragment`,
		},
		{
			name: "fragment", raw: "https://www.example.com/api#" + secret,
			wantErr: `invalid base URL "https://www.example.com/api": must not contain a query or fragment`,
		},
		{
			name: "user info", raw: "https://user:" + secret + "@www.example.com/api",
			wantErr: `invalid base URL "https://www.example.com/api": must not contain user info`,
		},
		{
			name: "unparsable", raw: "https://www.example.com/%zz?token=" + secret,
			wantErr: `invalid base URL "https://www.example.com/%zz": invalid URL escape "%zz"`,
		},
		{
			name: "secret in shown URL is redacted", raw: "http://example.com/" + secret, redact: hide,
			wantErr: `invalid base URL "http://example.com/REDACTED": http is only allowed for loopback hosts, use https`,
		},
		{
			name: "secret in parser message is redacted", raw: "https://example.com:" + secret + "/api", redact: hide,
			wantErr: `invalid base URL "https://example.com:REDACTED/api": invalid port ":REDACTED" after host`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := ParseBaseURL(tt.raw, tt.redact)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.raw, u.String())
				return
			}
			require.EqualError(t, err, tt.wantErr)
			assert.Nil(t, u)
			if tt.raw == "" {
				assert.ErrorIs(t, err, ErrEmptyBaseURL)
			} else {
				var be *BaseURLError
				assert.ErrorAs(t, err, &be)
			}
			if tt.redact != nil {
				assert.NotContains(t, err.Error(), secret)
			}
		})
	}
}

func TestDisplayURL(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"", ""},
		{"https://www.example.com/api", "https://www.example.com/api"},
		{"https://www.example.com/api?token=x#frag", "https://www.example.com/api"},
		{"https://www.example.com/api#frag?x", "https://www.example.com/api"},
		{"https://user:pw@www.example.com/api", "https://www.example.com/api"},
		{"https://a@b@www.example.com", "https://www.example.com"},
		{"https://www.example.com/path@not-user-info", "https://www.example.com/path@not-user-info"},
		{"user:pw@www.example.com/api", "user:pw@www.example.com/api"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, displayURL(tt.raw), tt.raw)
	}
}

func TestNoRedirectClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	c := NoRedirectClient(5 * time.Second)
	assert.Equal(t, 5*time.Second, c.Timeout)
	assert.Nil(t, c.Transport)
	require.NotNil(t, c.CheckRedirect)
	assert.True(t, errors.Is(c.CheckRedirect(nil, nil), http.ErrUseLastResponse))

	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+"/moved", strings.NewReader("{}"))
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusFound, resp.StatusCode, "redirects are not followed")
	assert.Equal(t, "/elsewhere", resp.Header.Get("Location"))

	assert.NotSame(t, c, NoRedirectClient(time.Second), "each call returns a new client")
}
