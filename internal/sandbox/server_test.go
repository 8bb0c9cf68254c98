package sandbox

import (
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnscheck/dnstest"
)

func TestHandler(t *testing.T) {
	sb, err := New(Config{Accounts: map[string]string{"tok-a": "a", "tok-b": "b"}})
	require.NoError(t, err)
	ts := httptest.NewServer(sb.Handler())
	t.Cleanup(ts.Close)

	// get returns the status and headers of the answer, not the
	// *http.Response: its body is read and closed here.
	type answer struct {
		StatusCode int
		Header     http.Header
	}
	get := func(t *testing.T, path string) (answer, string) {
		t.Helper()
		resp, err := http.Get(ts.URL + path)
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return answer{StatusCode: resp.StatusCode, Header: resp.Header}, string(raw)
	}

	t.Run("healthz", func(t *testing.T) {
		resp, body := get(t, "/healthz")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "ok", body)
	})
	t.Run("ca.pem", func(t *testing.T) {
		resp, body := get(t, "/sandbox/ca.pem")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		block, _ := pem.Decode([]byte(body))
		require.NotNil(t, block)
		assert.Equal(t, "CERTIFICATE", block.Type)
		assert.Equal(t, string(sb.Authority().RootPEM()), body)
	})
	t.Run("sslci is mounted", func(t *testing.T) {
		resp, body := get(t, "/sslci/api?token=tok-a")
		assert.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.JSONEq(t, `{"status":true,"certificates":[],"pending_orders":[]}`, body)

		req, err := http.NewRequest(http.MethodPost, ts.URL+"/sslci/api",
			strings.NewReader(`{"token":"tok-b","domain":"a.example.com","method":"http"}`))
		require.NoError(t, err)
		r, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = r.Body.Close()
		require.Equal(t, http.StatusOK, r.StatusCode)
	})
	t.Run("stats", func(t *testing.T) {
		resp, body := get(t, "/sandbox/stats")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		assert.JSONEq(t, `{"sslci":{
			"a":{"verificationOrders":0,"confirmations":0,"finalizes":0,"certificates":0,"pendingOrders":0},
			"b":{"verificationOrders":1,"confirmations":0,"finalizes":0,"certificates":0,"pendingOrders":1}},
		"sslmarket":{
			"a":{"orders":0,"downloads":0,"reissues":0,"autoReissues":0,"issued":0,"pending":0,"mailsSent":0},
			"b":{"orders":0,"downloads":0,"reissues":0,"autoReissues":0,"issued":0,"pending":0,"mailsSent":0}},
		"cyberssl":{
			"a":{"orders":0,"reissues":0,"activated":0,"pending":0,"mailsSent":0,"balanceReads":0,"fundsRefusals":0},
			"b":{"orders":0,"reissues":0,"activated":0,"pending":0,"mailsSent":0,"balanceReads":0,"fundsRefusals":0}}}`, body)
		var st Stats
		require.NoError(t, json.Unmarshal([]byte(body), &st))
		assert.Equal(t, sb.Stats(), st)
	})
	t.Run("stats is read-only", func(t *testing.T) {
		resp, err := http.Post(ts.URL+"/sandbox/stats", "application/json", nil)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	})
}

func TestDNSServerIsUsed(t *testing.T) {
	dns := dnstest.NewServer(t)
	sb, err := New(Config{Accounts: map[string]string{"tok-a": "a"}, DNSServer: dns.Addr})
	require.NoError(t, err)
	ts := httptest.NewServer(sb.Handler())
	t.Cleanup(ts.Close)

	send := func(method, body string, out any) int {
		t.Helper()
		req, err := http.NewRequest(method, ts.URL+SSLCIPath, strings.NewReader(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		if out != nil {
			require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
		}
		return resp.StatusCode
	}
	var o struct {
		OrderID      int64 `json:"order_id"`
		Verification struct {
			Content string `json:"content"`
		} `json:"verification"`
	}
	require.Equal(t, http.StatusOK, send(http.MethodPost, `{"token":"tok-a","domain":"*.example.com","method":"dns"}`, &o))
	dns.AddTXT("_acme-challenge.example.com", o.Verification.Content)
	var conf map[string]any
	status := send(http.MethodPut, `{"token":"tok-a","domain":"*.example.com","method":"dns"}`, &conf)
	assert.Equal(t, http.StatusOK, status, conf)
	assert.Equal(t, []string{"TXT _acme-challenge.example.com."}, dns.Queries())
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{name: "no accounts", cfg: Config{}},
		{name: "empty token", cfg: Config{Accounts: map[string]string{"": "a"}}},
		{name: "empty name", cfg: Config{Accounts: map[string]string{"t": ""}}},
		{name: "negative validity", cfg: Config{Accounts: map[string]string{"t": "a"}, Validity: -1}},
		{name: "clock offset of an unknown provider", cfg: Config{Accounts: map[string]string{"t": "a"}, ClockOffsets: map[string]time.Duration{"sslmart": time.Hour}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			assert.Error(t, err)
		})
	}
}

// TestClockOffsets: each API stamps its dates with its own clock, ahead of
// or behind the sandbox's by its offset.
func TestClockOffsets(t *testing.T) {
	at := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	sb, err := New(Config{
		Accounts:     map[string]string{"tok-a": "a"},
		Now:          func() time.Time { return at },
		ClockOffsets: map[string]time.Duration{ProviderSSLmarket: 26 * time.Hour, ProviderCyberSSL: -90 * time.Minute},
	})
	require.NoError(t, err)
	ts := httptest.NewServer(sb.Handler())
	t.Cleanup(ts.Close)

	placeSSLmarketEmailOrder(t, ts.URL, "offset.example.com")
	status, body := send(t, http.MethodGet, ts.URL+SSLmarketPath+"/order/list", "", http.Header{"X-Auth-Token": {"tok-a"}})
	require.Equal(t, http.StatusOK, status, string(body))
	assert.Contains(t, string(body), `"inserted":"2030-06-02 14:00:00"`, "SSLmarket's clock is 26h ahead")

	token := cybersslSession(t, ts.URL)
	form := cybersslOrderForm(token, csrPEM(t, "offset.example.com"), "http")
	status, body = send(t, http.MethodPost, ts.URL+CyberSSLPath+"/add_ssl_order", form.Encode(), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	require.Equal(t, http.StatusOK, status, string(body))
	status, body = do(t, http.MethodGet, ts.URL+CyberSSLPath+"/my_orders?token="+token)
	require.Equal(t, http.StatusOK, status, string(body))
	assert.Contains(t, string(body), `"date_created":"2030-06-01 10:30:00"`, "CyberSSL's clock is 90 minutes behind")
}
