package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultMatch(t *testing.T) {
	type call struct {
		method, path, body string
		header             http.Header
		hit                bool
	}
	market := http.Header{"X-Auth-Token": {"tok-a"}}
	tests := []struct {
		name  string
		fault Fault
		calls []call
	}{
		{
			name:  "sslci every request",
			fault: Fault{Provider: ProviderSSLCI},
			calls: []call{
				{method: http.MethodGet, path: "/sslci/api?token=tok-a", hit: true},
				{method: http.MethodPost, path: "/sslci/api", body: `{"token":"tok-a","domain":"b.example.com","method":"http"}`, hit: true},
				{method: http.MethodGet, path: "/sslmarket/api/product/list", header: market},
				{method: http.MethodGet, path: "/healthz"},
				{method: http.MethodGet, path: "/sandbox/stats"},
				{method: http.MethodGet, path: "/sandbox/ca.pem"},
				{method: http.MethodGet, path: FaultsPath},
			},
		},
		{
			name:  "sslci method",
			fault: Fault{Provider: ProviderSSLCI, Match: "PUT"},
			calls: []call{
				{method: http.MethodGet, path: "/sslci/api?token=tok-a"},
				{method: http.MethodPost, path: "/sslci/api", body: `{"token":"tok-a","domain":"b.example.com","method":"http"}`},
				{method: http.MethodPut, path: "/sslci/api", body: `{"token":"tok-a","domain":"b.example.com"}`, hit: true},
			},
		},
		{
			name:  "sslci finalize action",
			fault: Fault{Provider: ProviderSSLCI, Match: "finalize"},
			calls: []call{
				{method: http.MethodGet, path: "/sslci/api?token=tok-a"},
				{method: http.MethodPost, path: "/sslci/api", body: `{"token":"tok-a","domain":"finalize.example.com","method":"http"}`}, // the body is not matched
				{method: http.MethodPost, path: "/sslci/api", body: `{"token":"tok-a","domain":"b.example.com","method":"http"}`},
				{method: http.MethodPost, path: "/sslci/api", body: `{"token":"tok-a","action":"finalize","domains":["b.example.com"]}`, hit: true},
			},
		},
		{
			name:  "sslci full subject",
			fault: Fault{Provider: ProviderSSLCI, Match: "POST /sslci/api finalize"},
			calls: []call{
				{method: http.MethodPost, path: "/sslci/api", body: `{"token":"tok-a","domain":"b.example.com","method":"http"}`},
				{method: http.MethodPost, path: "/sslci/api", body: `{"token":"tok-a","action":"finalize","domains":["b.example.com"]}`, hit: true},
			},
		},
		{
			name:  "sslmarket path",
			fault: Fault{Provider: ProviderSSLmarket, Match: "/order/"},
			calls: []call{
				{method: http.MethodGet, path: "/sslmarket/api/product/list", header: market},
				{method: http.MethodGet, path: "/sslmarket/api/order/list", header: market, hit: true},
				{method: http.MethodGet, path: "/sslci/api?token=tok-a"},
			},
		},
		{
			name:  "sslmarket method and path",
			fault: Fault{Provider: ProviderSSLmarket, Match: "GET /product/list"},
			calls: []call{
				{method: http.MethodGet, path: "/sslmarket/api/order/list", header: market},
				{method: http.MethodGet, path: "/sslmarket/api/product/list", header: market, hit: true},
				{method: http.MethodPost, path: "/sslmarket/api/product/list", header: market},
			},
		},
		{
			name:  "cyberssl method name",
			fault: Fault{Provider: ProviderCyberSSL, Match: "get_balance"},
			calls: []call{
				{method: http.MethodGet, path: "/cyberssl/v1/auth?apikey=tok-a"},
				{method: http.MethodGet, path: "/cyberssl/v1/get_balance?token=x", hit: true},
				{method: http.MethodGet, path: "/sslmarket/api/product/list", header: market},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFaultFixture(t)
			fault := tt.fault
			fault.Kind, fault.Count = FaultHTML, 100
			f.addFaults(fault)
			hits := 0
			for _, c := range tt.calls {
				a := f.do(f.ts.Client(), f.req(c.method, c.path, c.body, c.header))
				require.NoError(t, a.err)
				html := a.header.Get("Content-Type") == "text/html; charset=utf-8"
				assert.Equal(t, c.hit, html, "%s %s %s: %d %s", c.method, c.path, c.body, a.status, a.body)
				if c.hit {
					hits++
				}
			}
			st := f.sb.Faults()
			require.Len(t, st.Pending, 1)
			assert.Equal(t, 100-hits, st.Pending[0].Count)
		})
	}
}

func TestFaultsEndpoint(t *testing.T) {
	f := newFaultFixture(t)
	c := f.ts.Client()
	call := func(method, body string) answer {
		t.Helper()
		a := f.do(c, f.req(method, FaultsPath, body, http.Header{"Content-Type": {"application/json"}}))
		require.NoError(t, a.err)
		return a
	}

	a := call(http.MethodGet, "")
	assert.Equal(t, http.StatusOK, a.status)
	assert.Equal(t, "application/json", a.header.Get("Content-Type"))
	assert.JSONEq(t, `{"pending":[],"fired":{}}`, a.body)

	a = call(http.MethodPost, `[
		{"provider":"sslci","match":"finalize","kind":"503","count":2},
		{"provider":"sslmarket","kind":"429","retryAfter":30},
		{"provider":"cyberssl","match":"add_ssl_order","kind":"timeout","delay":"2.5s"}]`)
	assert.Equal(t, http.StatusOK, a.status, a.body)
	a = call(http.MethodPost, `{"provider":"cyberssl","kind":"slow","delay":1.5}`)
	assert.Equal(t, http.StatusOK, a.status, a.body)
	want := `{"pending":[
		{"provider":"sslci","match":"finalize","kind":"503","count":2},
		{"provider":"sslmarket","kind":"429","count":1,"retryAfter":30},
		{"provider":"cyberssl","match":"add_ssl_order","kind":"timeout","count":1,"delay":"2.5s"},
		{"provider":"cyberssl","kind":"slow","count":1,"delay":"1.5s"}],
		"fired":{}}`
	assert.JSONEq(t, want, a.body)
	assert.JSONEq(t, want, call(http.MethodGet, "").body)

	invalid := []struct{ name, body, msg string }{
		{"empty", "", "empty body"},
		{"not JSON", "faults", "invalid JSON"},
		{"unknown field", `[{"provider":"sslci","kind":"500","retry_after":3}]`, `unknown field "retry_after"`},
		{"unknown provider", `[{"provider":"digicert","kind":"500"}]`, `fault 0: provider "digicert"`},
		{"unknown kind", `[{"provider":"sslci","kind":"404"}]`, `kind "404"`},
		{"no kind", `[{"provider":"sslci"}]`, `kind ""`},
		{"negative count", `[{"provider":"sslci","kind":"500","count":-1}]`, "count -1"},
		{"negative retryAfter", `[{"provider":"sslci","kind":"429","retryAfter":-1}]`, "retryAfter -1"},
		{"timeout without delay", `[{"provider":"sslci","kind":"timeout"}]`, "needs a positive delay"},
		{"bad delay", `[{"provider":"sslci","kind":"slow","delay":"soon"}]`, "invalid duration"},
		{"second invalid", `[{"provider":"sslci","kind":"500"},{"provider":"sslci","kind":"nope"}]`, "fault 1:"},
		{"trailing data", `[] x`, "data after the faults"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			a := call(http.MethodPost, tt.body)
			assert.Equal(t, http.StatusBadRequest, a.status)
			var e struct {
				Error string `json:"error"`
			}
			require.NoError(t, json.Unmarshal([]byte(a.body), &e), a.body)
			assert.Contains(t, e.Error, tt.msg)
			assert.JSONEq(t, want, call(http.MethodGet, "").body, "nothing added")
		})
	}

	a = call(http.MethodPut, "[]")
	assert.Equal(t, http.StatusMethodNotAllowed, a.status)
	assert.Equal(t, "GET, HEAD, POST, DELETE", a.header.Get("Allow"))

	// DELETE clears the pending faults and the fired counts.
	a = call(http.MethodDelete, "")
	assert.Equal(t, http.StatusOK, a.status)
	assert.JSONEq(t, `{"pending":[],"fired":{}}`, a.body)
	call(http.MethodPost, `[{"provider":"sslmarket","kind":"502"},{"provider":"sslmarket","kind":"500"}]`)
	r := f.do(c, f.req(http.MethodGet, "/sslmarket/api/product/list", "", http.Header{"X-Auth-Token": {"tok-a"}}))
	require.NoError(t, r.err)
	assert.Equal(t, http.StatusBadGateway, r.status)
	assert.JSONEq(t, `{"pending":[{"provider":"sslmarket","kind":"500","count":1}],"fired":{"502":1}}`, call(http.MethodGet, "").body)
	a = call(http.MethodDelete, "")
	assert.Equal(t, http.StatusOK, a.status)
	assert.JSONEq(t, `{"pending":[],"fired":{}}`, a.body)
	assert.Equal(t, FaultStatus{Pending: []Fault{}, Fired: map[string]int{}}, f.sb.Faults())
	r = f.do(c, f.req(http.MethodGet, "/sslmarket/api/product/list", "", http.Header{"X-Auth-Token": {"tok-a"}}))
	require.NoError(t, r.err)
	assert.Equal(t, http.StatusOK, r.status)
}

func TestDurationJSON(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{`"250ms"`, 250 * time.Millisecond},
		{`"1m30s"`, 90 * time.Second},
		{`2`, 2 * time.Second},
		{`0.5`, 500 * time.Millisecond},
		{`null`, 0},
	} {
		var d Duration
		require.NoError(t, json.Unmarshal([]byte(tt.in), &d), tt.in)
		assert.Equal(t, tt.want, time.Duration(d), tt.in)
	}
	for _, in := range []string{`"soon"`, `true`, `[]`} {
		var d Duration
		assert.Error(t, json.Unmarshal([]byte(in), &d), in)
	}
	out, err := json.Marshal(Duration(1500 * time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, `"1.5s"`, string(out))
}

// Concurrent requests never spend a fault more often than its count.
func TestFaultConcurrency(t *testing.T) {
	f := newFaultFixture(t)
	f.addFaults(Fault{Provider: ProviderSSLCI, Kind: Fault500, Count: 5})
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed int
	)
	for range 20 {
		wg.Go(func() {
			resp, err := f.ts.Client().Get(f.ts.URL + "/sslci/api?token=tok-a")
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusInternalServerError {
				mu.Lock()
				failed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 5, failed)
	assert.Equal(t, FaultStatus{Pending: []Fault{}, Fired: map[string]int{Fault500: 5}}, f.sb.Faults())
}

func TestFaultKeepsLargeBody(t *testing.T) {
	// The SSLCI action is read from the body, which the API still gets
	// whole, even past the buffered part.
	f := newFaultFixture(t)
	f.addFaults(Fault{Provider: ProviderSSLCI, Match: "finalize", Kind: Fault500})
	big := `{"token":"tok-a","domain":"a.example.com","method":"http","pad":"` + strings.Repeat("x", maxFaultBody) + `"}`
	a := f.do(f.ts.Client(), f.req(http.MethodPost, "/sslci/api", big, nil))
	require.NoError(t, a.err)
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Contains(t, a.body, "request body larger than")

	small := `{"token":"tok-a","domain":"a.example.com","method":"http"}`
	a = f.do(f.ts.Client(), f.req(http.MethodPost, "/sslci/api", small, nil))
	require.NoError(t, a.err)
	assert.Equal(t, http.StatusOK, a.status, a.body)
	assert.Equal(t, []Fault{{Provider: ProviderSSLCI, Match: "finalize", Kind: Fault500, Count: 1}}, f.sb.Faults().Pending)
}
