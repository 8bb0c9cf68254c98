package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
)

// mailSandbox serves a sandbox with one account, "a", whose token (and
// CyberSSL API key) is "tok-a".
func mailSandbox(t *testing.T) (*Sandbox, string) {
	t.Helper()
	sb, err := New(Config{Accounts: map[string]string{"tok-a": "a"}})
	require.NoError(t, err)
	ts := httptest.NewServer(sb.Handler())
	t.Cleanup(ts.Close)
	return sb, ts.URL
}

// do sends a body-less request and returns the status and body.
func do(t *testing.T, method, url string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), string(body))
	}
	return resp.StatusCode, body
}

func csrPEM(t *testing.T, names ...string) string {
	t.Helper()
	_, csr, err := authority.GenerateKeyAndCSR(names)
	require.NoError(t, err)
	return string(csr)
}

// send sends body with header and returns the status and body.
func send(t *testing.T, method, url, body string, header http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, data
}

// placeSSLmarketEmailOrder places an Email order for names and returns its id.
func placeSSLmarketEmailOrder(t *testing.T, base string, names ...string) string {
	t.Helper()
	status, body := send(t, http.MethodPost, base+SSLmarketPath+"/order/certificate/rapidssl-rapidssl-dv",
		sslmarketOrderBody(t, csrPEM(t, names...), "Email", names...), http.Header{"X-Auth-Token": {"tok-a"}})
	require.Equal(t, http.StatusCreated, status, string(body))
	var resp struct {
		OrderID int64 `json:"order_id"`
	}
	require.NoError(t, json.Unmarshal(body, &resp))
	return strconv.FormatInt(resp.OrderID, 10)
}

// cybersslSession opens a CyberSSL session for "tok-a".
func cybersslSession(t *testing.T, base string) string {
	t.Helper()
	status, body := do(t, http.MethodGet, base+CyberSSLPath+"/auth?apikey=tok-a")
	require.Equal(t, http.StatusOK, status, string(body))
	var auth struct {
		Token string `json:"token"`
	}
	require.NoError(t, json.Unmarshal(body, &auth))
	return auth.Token
}

func TestMailEndpoints(t *testing.T) {
	sb, base := mailSandbox(t)
	marketID := placeSSLmarketEmailOrder(t, base, "a.example.com", "b.example.com")

	cyberTok := cybersslSession(t, base)
	form := cybersslOrderForm(cyberTok, csrPEM(t, "c.example.com"), "email:admin@c.example.com")
	status, body := send(t, http.MethodPost, base+CyberSSLPath+"/add_ssl_order", form.Encode(),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	require.Equal(t, http.StatusOK, status, string(body))
	var co struct {
		OrderID int64 `json:"order_id"`
	}
	require.NoError(t, json.Unmarshal(body, &co))
	cyberID := strconv.FormatInt(co.OrderID, 10)

	t.Run("list shape", func(t *testing.T) {
		status, body := do(t, http.MethodGet, base+MailPath+"?provider=sslmarket&order="+marketID+"&name=A.Example.com.")
		require.Equal(t, http.StatusOK, status, string(body))
		var raw []map[string]any
		require.NoError(t, json.Unmarshal(body, &raw))
		require.Len(t, raw, 1)
		keys := []string{}
		for k := range raw[0] {
			keys = append(keys, k)
		}
		assert.ElementsMatch(t, []string{"id", "provider", "account", "orderID", "name", "to", "sentAt", "approved", "void"}, keys)
		assert.Equal(t, "sslmarket", raw[0]["provider"])
		assert.Equal(t, "a", raw[0]["account"])
		assert.Equal(t, marketID, raw[0]["orderID"])
		assert.Equal(t, "a.example.com", raw[0]["name"])
		assert.Equal(t, []any{"admin@a.example.com", "administrator@a.example.com", "hostmaster@a.example.com", "postmaster@a.example.com", "webmaster@a.example.com"}, raw[0]["to"])
		_, err := time.Parse(time.RFC3339Nano, raw[0]["sentAt"].(string))
		assert.NoError(t, err)
	})

	list := func(t *testing.T, query string) []mailbox.Mail {
		t.Helper()
		status, body := do(t, http.MethodGet, base+MailPath+query)
		require.Equal(t, http.StatusOK, status, string(body))
		var mails []mailbox.Mail
		require.NoError(t, json.Unmarshal(body, &mails))
		return mails
	}
	filters := []struct {
		name  string
		query string
		want  int
	}{
		{"all", "", 3},
		{"sslmarket", "?provider=sslmarket", 2},
		{"cyberssl order", "?provider=cyberssl&order=" + cyberID, 1},
		{"account", "?account=a", 3},
		{"other account", "?account=b", 0},
		{"name", "?name=c.example.com", 1},
	}
	for _, tt := range filters {
		t.Run("filter "+tt.name, func(t *testing.T) {
			assert.Len(t, list(t, tt.query), tt.want)
		})
	}
	_, empty := do(t, http.MethodGet, base+MailPath+"?order=1")
	assert.Equal(t, "[]\n", string(empty), "an empty list is []")

	errorCases := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantError  string
	}{
		{"unknown filter", http.MethodGet, MailPath + "?orderID=1", http.StatusBadRequest, `unknown query parameter "orderID": the filters are account, name, order, provider`},
		{"unknown provider", http.MethodGet, MailPath + "?provider=sslci", http.StatusBadRequest, `provider "sslci": want "sslmarket" or "cyberssl"`},
		{"repeated filter", http.MethodGet, MailPath + "?name=a&name=b", http.StatusBadRequest, `query parameter "name" given 2 times`},
		{"approve unknown", http.MethodPost, MailPath + "/m999/approve", http.StatusNotFound, `mail "m999": no such mail`},
	}
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			status, body := do(t, tt.method, base+tt.path)
			assert.Equal(t, tt.wantStatus, status, string(body))
			var e map[string]string
			require.NoError(t, json.Unmarshal(body, &e), string(body))
			assert.Contains(t, e["error"], tt.wantError)
		})
	}
	t.Run("wrong methods", func(t *testing.T) {
		status, _ := do(t, http.MethodPost, base+MailPath)
		assert.Equal(t, http.StatusMethodNotAllowed, status)
		status, _ = do(t, http.MethodGet, base+MailPath+"/m1/approve")
		assert.Equal(t, http.StatusMethodNotAllowed, status)
	})

	t.Run("approve", func(t *testing.T) {
		m := list(t, "?provider=cyberssl")[0]
		for range 2 { // approving again is fine
			status, body := do(t, http.MethodPost, base+MailPath+"/"+m.ID+"/approve")
			require.Equal(t, http.StatusOK, status, string(body))
			var got mailbox.Mail
			require.NoError(t, json.Unmarshal(body, &got))
			assert.Equal(t, m.ID, got.ID)
			assert.True(t, got.Approved)
		}
		status, body := do(t, http.MethodGet, base+CyberSSLPath+"/order_status?token="+cyberTok+"&order_id="+cyberID)
		require.Equal(t, http.StatusOK, status, string(body))
		var st struct {
			Status string `json:"status"`
		}
		require.NoError(t, json.Unmarshal(body, &st))
		assert.Equal(t, "Activated", st.Status, "no issue delay configured")
		assert.Equal(t, 1, sb.Stats().CyberSSL["a"].MailsSent)
	})

	t.Run("approve void", func(t *testing.T) {
		status, body := send(t, http.MethodPut, base+SSLmarketPath+"/order/order_id/"+marketID, `{"dv_auth_method":"DNS"}`,
			http.Header{"X-Auth-Token": {"tok-a"}})
		require.Equal(t, http.StatusOK, status, string(body))
		m := list(t, "?provider=sslmarket&order="+marketID)[0]
		assert.True(t, m.Void)
		status, body = do(t, http.MethodPost, base+MailPath+"/"+m.ID+"/approve")
		assert.Equal(t, http.StatusConflict, status, string(body))
		assert.Contains(t, string(body), "void (order "+marketID+" now uses DNS validation)")
		assert.Equal(t, 2, sb.Stats().SSLmarket["a"].MailsSent)
	})
}
