package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRevokeAndRestoreToken(t *testing.T) {
	sb, err := New(Config{Accounts: map[string]string{"tok-a": "a", "tok-b": "b"}})
	require.NoError(t, err)
	ts := httptest.NewServer(sb.Handler())
	t.Cleanup(ts.Close)

	call := func(method, path, header, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		if header != "" {
			req.Header.Set("X-Auth-Token", header)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	// One request per API with token a; CyberSSL through a session opened
	// before the revocation.
	_, authBody := call(http.MethodGet, "/cyberssl/v1/auth?apikey=tok-a", "", "")
	var auth struct {
		Token string `json:"token"`
	}
	require.NoError(t, json.Unmarshal([]byte(authBody), &auth))
	session := auth.Token
	require.NotEmpty(t, session)
	statuses := func() [4]int {
		a, _ := call(http.MethodGet, "/sslci/api?token=tok-a", "", "")
		b, _ := call(http.MethodGet, "/sslmarket/api/product/list", "tok-a", "")
		c, _ := call(http.MethodGet, "/cyberssl/v1/get_balance?token="+session, "", "")
		d, _ := call(http.MethodGet, "/cyberssl/v1/auth?apikey=tok-a", "", "")
		return [4]int{a, b, c, d}
	}
	require.Equal(t, [4]int{200, 200, 200, 200}, statuses())

	code, body := call(http.MethodPost, TokensPath, "", `{"token":"tok-a","revoked":true}`)
	require.Equal(t, http.StatusOK, code, body)
	assert.JSONEq(t, `{"account":"a","revoked":true}`, body)
	assert.NotContains(t, body, "tok-a", "the answer never repeats the token")
	assert.Equal(t, [4]int{401, 401, 401, 401}, statuses(), "refused by every API, sessions included")
	code, _ = call(http.MethodGet, "/sslci/api?token=tok-b", "", "")
	assert.Equal(t, http.StatusOK, code, "other tokens still work")

	code, body = call(http.MethodPost, TokensPath, "", `{"token":"tok-a","revoked":false}`)
	require.Equal(t, http.StatusOK, code, body)
	got := statuses()
	assert.Equal(t, [3]int{200, 200, 200}, [3]int{got[0], got[1], got[3]}, "restored; CyberSSL needs a new session")

	for _, tt := range []struct {
		body string
		code int
	}{
		{`{"token":"nobody","revoked":true}`, http.StatusNotFound},
		{`{"token":"tok-a"}`, http.StatusBadRequest},
		{`{"token":"tok-a","revoked":true,"extra":1}`, http.StatusBadRequest},
		{`not json`, http.StatusBadRequest},
	} {
		code, body := call(http.MethodPost, TokensPath, "", tt.body)
		assert.Equal(t, tt.code, code, "%s: %s", tt.body, body)
	}
}

func TestSetBalance(t *testing.T) {
	sb, err := New(Config{Accounts: map[string]string{"tok-a": "a"}})
	require.NoError(t, err)
	ts := httptest.NewServer(sb.Handler())
	t.Cleanup(ts.Close)
	post := func(body string) int {
		t.Helper()
		resp, err := http.Post(ts.URL+BalancePath, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, post(`{"provider":"cyberssl","account":"a","balance":"12.5"}`))
	cents, ok := sb.cyberssl.Balance("a")
	require.True(t, ok)
	assert.Equal(t, int64(1250), cents)

	assert.Equal(t, http.StatusNotFound, post(`{"provider":"cyberssl","account":"nobody","balance":"1"}`))
	assert.Equal(t, http.StatusBadRequest, post(`{"provider":"sslci","account":"a","balance":"1"}`), "only CyberSSL has a balance")
	assert.Equal(t, http.StatusBadRequest, post(`{"provider":"cyberssl","account":"a","balance":"-1"}`))
	assert.Equal(t, http.StatusBadRequest, post(`{"provider":"cyberssl","account":"a","balance":"1.234"}`))
}

func TestParseCents(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "12": 1200, "12.5": 1250, "12.34": 1234, "1000.00": 100000} {
		got, err := parseCents(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", ".5", "1.", "1.234", "-1", "1e3", "a"} {
		_, err := parseCents(bad)
		assert.Error(t, err, bad)
	}
}
