package rest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

const testSecret = "s3cr3t+t/k=n"

// testAPI is an API with a header credential, an {"ok": bool, "code",
// "msg"} envelope and the same error body.
func testAPI(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	read := func(body []byte) (ok bool, code, msg string, err error) {
		var e struct {
			OK   *bool  `json:"ok"`
			Code string `json:"code"`
			Msg  string `json:"msg"`
		}
		if err := json.Unmarshal(body, &e); err != nil {
			return false, "", "", err
		}
		if e.OK == nil {
			return false, "", "", errors.New(`no "ok"`)
		}
		return *e.OK, e.Code, e.Msg, nil
	}
	c, err := New(Config{
		Provider:  "test",
		BaseURL:   srv.URL + "/api/",
		Secrets:   func([]byte) []string { return []string{testSecret} },
		Auth:      func(r *http.Request) { r.Header.Set("X-Key", testSecret) },
		ErrorBody: func(body []byte) (string, string) { _, code, msg, _ := read(body); return code, msg },
		Envelope:  read,
		CodeLabel: "code ",
	})
	require.NoError(t, err)
	return &c
}

func TestDoBuildsTheRequest(t *testing.T) {
	var got *http.Request
	var body string
	c := testAPI(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, body = r, string(b)
		_, _ = io.WriteString(w, `{"ok":true,"n":7}`)
	})
	var out struct{ N int }
	_, err := c.Do(context.Background(), Request{
		Op: ca.OpPoll, Method: http.MethodPost, Path: []string{"order", "42"},
		Query: url.Values{"a": {"b c"}}, JSON: map[string]string{"x": "y"},
	}, &out)
	require.NoError(t, err)
	assert.Equal(t, 7, out.N)
	assert.Equal(t, "/api/order/42", got.URL.Path)
	assert.Equal(t, "a=b+c", got.URL.RawQuery)
	assert.Equal(t, testSecret, got.Header.Get("X-Key"))
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	assert.Equal(t, "application/json", got.Header.Get("Accept"))
	assert.Equal(t, "reseller-issuer-test/1.0", got.Header.Get("User-Agent"))
	assert.JSONEq(t, `{"x":"y"}`, body)

	_, err = c.Do(context.Background(), Request{Method: http.MethodPost, Path: []string{"f"}, Form: url.Values{"k": {"v"}}, Accept: "text/plain"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "application/x-www-form-urlencoded", got.Header.Get("Content-Type"))
	assert.Equal(t, "text/plain", got.Header.Get("Accept"))
	assert.Equal(t, "k=v", body)
}

func TestDoErrors(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		endpoint string
		wantText string
		wantIs   error
	}{
		{name: "error body", status: 400, body: `{"ok":false,"code":"bad","msg":"no \u0007good"}`,
			wantText: "test: 400 Bad Request: code bad: no good"},
		{name: "endpoint named", status: 401, endpoint: "auth", body: `{"ok":false,"code":"401","msg":"key ` + testSecret + `"}`,
			wantText: "test: auth: 401 Unauthorized: code 401: key REDACTED"},
		{name: "envelope refusal", status: 200, body: `{"ok":false,"msg":"nope"}`, wantText: "test: 200 OK: nope"},
		{name: "neither code nor message", status: 502, body: "<p>bad gateway</p>", wantText: "test: 502 Bad Gateway: <p>bad gateway</p>"},
		{name: "no envelope", status: 200, body: `{"n":1}`, wantIs: ErrMalformedResponse},
		{name: "not json", status: 200, body: `<p>` + testSecret + `</p>`, wantIs: ErrMalformedResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testAPI(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Endpoint: tt.endpoint}, &struct{}{})
			require.Error(t, err)
			if tt.wantText != "" {
				assert.EqualError(t, err, tt.wantText)
			}
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
}

// A secret the snippet or the 1000-byte cut would halve is still hidden:
// the text is redacted before it is cut.
func TestSecretAtTheCutIsHidden(t *testing.T) {
	for _, tt := range []struct {
		name string
		body string
	}{
		{"snippet", strings.Repeat("x", 195) + testSecret},
		{"message", `{"ok":false,"msg":"` + strings.Repeat("x", 995) + testSecret + `"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := testAPI(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = io.WriteString(w, tt.body)
			})
			_, err := c.Do(context.Background(), Request{Method: http.MethodGet}, nil)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), testSecret[:5])
		})
	}
}

func TestClassification(t *testing.T) {
	wrapped := func(e error) error { return errors.Join(errors.New("context"), e) }
	tests := []struct {
		name      string
		err       error
		temporary bool
	}{
		{"nil", nil, false},
		{"5xx", &APIError{StatusCode: 503}, true},
		{"429", wrapped(&APIError{StatusCode: 429}), true},
		{"408", &APIError{StatusCode: 408}, true},
		{"4xx", &APIError{StatusCode: 400}, false},
		{"2xx refusal", &APIError{StatusCode: 200}, false},
		{"malformed", wrapped(ErrMalformedResponse), true},
		{"too large", ErrResponseTooLarge, false},
		{"transport", &TransportError{msg: "x", err: errors.New("reset")}, true},
		{"canceled", &TransportError{msg: "x", err: context.Canceled}, false},
		{"deadline", context.DeadlineExceeded, true},
		{"invalid argument", Provider("p").InvalidArg("a", "b"), false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.temporary, IsTemporary(tt.err), tt.name)
	}
	assert.True(t, HasStatus(wrapped(&APIError{StatusCode: 404}), 404))
	assert.False(t, HasStatus(errors.New("404"), 404))
	assert.True(t, IsServerError(&APIError{StatusCode: 500}))
	assert.EqualError(t, Provider("p").InvalidArg("id", "must be positive, got %d", 0), "p: invalid argument id: must be positive, got 0")
}
