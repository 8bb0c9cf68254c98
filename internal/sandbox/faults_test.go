package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	marketapi "github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
)

// faultFixture is a sandbox behind an httptest server, with a web server
// for SSLCI's HTTP verification and a CyberSSL session.
type faultFixture struct {
	t        *testing.T
	sb       *Sandbox
	ts       *httptest.Server
	files    sync.Map // path -> content served to SSLCI's verification
	cyberTok string
	csr      string
}

func newFaultFixture(t *testing.T) *faultFixture {
	t.Helper()
	f := &faultFixture{t: t}
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v, ok := f.files.Load(r.URL.Path); ok {
			_, _ = io.WriteString(w, v.(string))
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(web.Close)
	sb, err := New(Config{Accounts: map[string]string{"tok-a": "a"}, HTTP01Address: web.Listener.Addr().String()})
	require.NoError(t, err)
	f.sb = sb
	f.ts = httptest.NewServer(sb.Handler())
	t.Cleanup(f.ts.Close)

	_, csr, err := authority.GenerateKeyAndCSR([]string{"a.example.com"})
	require.NoError(t, err)
	f.csr = string(csr)

	got := f.do(f.ts.Client(), f.req(http.MethodGet, "/cyberssl/v1/auth?apikey=tok-a", "", nil))
	require.NoError(t, got.err)
	require.Equal(t, http.StatusOK, got.status, got.body)
	var auth struct {
		Token string `json:"token"`
	}
	require.NoError(t, json.Unmarshal([]byte(got.body), &auth))
	require.NotEmpty(t, auth.Token)
	f.cyberTok = auth.Token
	return f
}

func (f *faultFixture) req(method, path, body string, header http.Header) *http.Request {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r, err := http.NewRequest(method, f.ts.URL+path, rd)
	require.NoError(f.t, err)
	for k, v := range header {
		r.Header[k] = v
	}
	return r
}

// answer is what a client saw.
type answer struct {
	status int
	header http.Header
	body   string
	err    error
}

func (f *faultFixture) do(c *http.Client, r *http.Request) answer {
	f.t.Helper()
	resp, err := c.Do(r)
	if err != nil {
		return answer{err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(raw), err: err}
}

func (f *faultFixture) addFaults(faults ...Fault) {
	f.t.Helper()
	require.NoError(f.t, f.sb.AddFaults(faults...))
}

// faultTarget is a paid (committing) call of one provider.
type faultTarget struct {
	provider string
	// request builds the call.
	request func(f *faultFixture) *http.Request
	// ok is its normal status.
	ok int
	// committed counts the calls that took effect.
	committed func(Stats) int
	// errorBody is the JSON shape of a provider error with status 500.
	errorBody string
}

var faultTargets = []faultTarget{
	{
		provider: ProviderSSLCI,
		request: func(f *faultFixture) *http.Request {
			return f.req(http.MethodPost, "/sslci/api", `{"token":"tok-a","domain":"a.example.com","method":"http"}`, nil)
		},
		ok:        http.StatusOK,
		committed: func(s Stats) int { return s.SSLCI["a"].VerificationOrders },
		errorBody: `{"status":false,"message":"sandbox fault: internal server error"}`,
	},
	{
		provider: ProviderSSLmarket,
		request: func(f *faultFixture) *http.Request {
			body, err := json.Marshal(marketapi.Order{Domain: "a.example.com", Years: 1, CSR: f.csr, Contacts: marketapi.Contacts{
				OwnerName: "Example Ltd", OwnerStreet: "1 High Street", OwnerCity: "London", OwnerZip: "SW1A 1AA",
				OwnerCountry: "GB", OwnerTel: "+44.123456789",
				AuthTitle: "Mr", AuthFirstname: "John", AuthLastname: "Smith", AuthTel: "+44.123456789", AuthEmail: "john@example.com",
				TechTitle: "Ms", TechFirstname: "Jane", TechLastname: "Doe", TechEmail: "jane@example.com", TechTel: "+44.987654321",
				InvoiceName: "Example Ltd", InvoiceStreet: "1 High Street", InvoiceCity: "London", InvoiceZip: "SW1A 1AA",
				InvoiceCountry: "GB", InvoiceEmail: "billing@example.com",
			}})
			require.NoError(f.t, err)
			return f.req(http.MethodPost, "/sslmarket/api/order/certificate/rapidssl-rapidssl-dv", string(body),
				http.Header{"X-Auth-Token": {"tok-a"}, "Content-Type": {"application/json"}})
		},
		ok:        http.StatusCreated,
		committed: func(s Stats) int { return s.SSLmarket["a"].Orders },
		errorBody: `{"error":"internal_error","description":"sandbox fault: internal server error"}`,
	},
	{
		provider: ProviderCyberSSL,
		request: func(f *faultFixture) *http.Request {
			form := url.Values{
				"token": {f.cyberTok}, "product_id": {"1"}, "order_type": {"new"}, "period": {"1"}, "dv_method": {"http"},
				"admin_firstname": {"John"}, "admin_lastname": {"Smith"}, "admin_phone": {"1"}, "admin_title": {"IT"},
				"admin_email": {"john@example.com"}, "csr": {f.csr},
			}
			return f.req(http.MethodPost, "/cyberssl/v1/add_ssl_order", form.Encode(),
				http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		},
		ok:        http.StatusOK,
		committed: func(s Stats) int { return s.CyberSSL["a"].Orders },
		errorBody: `{"success":false,"error_code":500,"error_message":"sandbox fault: internal server error"}`,
	},
}

func TestFaultKinds(t *testing.T) {
	const (
		timeoutDelay  = 800 * time.Millisecond
		clientTimeout = 100 * time.Millisecond
		slowDelay     = 150 * time.Millisecond
	)
	nginx := func(status string) string {
		return "<html>\r\n<head><title>" + status + "</title></head>\r\n<body>\r\n<center><h1>" + status +
			"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	}
	kinds := []struct {
		name   string
		fault  Fault
		client *http.Client // nil: the test server's client
		// check inspects the answer; commits is how many calls the fault
		// let through to the API.
		check   func(t *testing.T, tg faultTarget, a answer, elapsed time.Duration)
		commits int
	}{
		{
			name:  "500",
			fault: Fault{Kind: Fault500},
			check: func(t *testing.T, tg faultTarget, a answer, _ time.Duration) {
				assert.Equal(t, http.StatusInternalServerError, a.status)
				assert.Equal(t, "application/json", a.header.Get("Content-Type"))
				assert.JSONEq(t, tg.errorBody, a.body)
			},
		},
		{
			name:  "502",
			fault: Fault{Kind: Fault502},
			check: func(t *testing.T, _ faultTarget, a answer, _ time.Duration) {
				assert.Equal(t, http.StatusBadGateway, a.status)
				assert.Equal(t, "text/html", a.header.Get("Content-Type"))
				assert.Equal(t, "nginx", a.header.Get("Server"))
				assert.Equal(t, nginx("502 Bad Gateway"), a.body)
			},
		},
		{
			name:  "503",
			fault: Fault{Kind: Fault503},
			check: func(t *testing.T, _ faultTarget, a answer, _ time.Duration) {
				assert.Equal(t, http.StatusServiceUnavailable, a.status)
				assert.Equal(t, "text/html", a.header.Get("Content-Type"))
				assert.Empty(t, a.header.Values("Retry-After"))
				assert.Equal(t, nginx("503 Service Unavailable"), a.body)
			},
		},
		{
			name:  "503 with Retry-After",
			fault: Fault{Kind: Fault503, RetryAfter: 4},
			check: func(t *testing.T, _ faultTarget, a answer, _ time.Duration) {
				assert.Equal(t, http.StatusServiceUnavailable, a.status)
				assert.Equal(t, "4", a.header.Get("Retry-After"))
			},
		},
		{
			name:  "429",
			fault: Fault{Kind: Fault429, RetryAfter: 7},
			check: func(t *testing.T, _ faultTarget, a answer, _ time.Duration) {
				assert.Equal(t, http.StatusTooManyRequests, a.status)
				assert.Equal(t, "7", a.header.Get("Retry-After"))
				assert.Equal(t, "application/json", a.header.Get("Content-Type"))
				assert.Contains(t, a.body, "sandbox fault: too many requests")
				assert.True(t, json.Valid([]byte(a.body)), a.body)
			},
		},
		{
			name:  "html",
			fault: Fault{Kind: FaultHTML},
			check: func(t *testing.T, _ faultTarget, a answer, _ time.Duration) {
				assert.Equal(t, http.StatusOK, a.status)
				assert.Equal(t, "text/html; charset=utf-8", a.header.Get("Content-Type"))
				assert.Equal(t, loginPage, a.body)
				assert.False(t, json.Valid([]byte(a.body)))
			},
		},
		{
			name:  "malformed",
			fault: Fault{Kind: FaultMalformed},
			check: func(t *testing.T, tg faultTarget, a answer, _ time.Duration) {
				assert.Equal(t, tg.ok, a.status)
				assert.Equal(t, "application/json", a.header.Get("Content-Type"))
				assert.True(t, strings.HasPrefix(a.body, `{"`), a.body)
				assert.False(t, json.Valid([]byte(a.body)), a.body)
			},
			commits: 1,
		},
		{
			name:  "slow",
			fault: Fault{Kind: FaultSlow, Delay: Duration(slowDelay)},
			check: func(t *testing.T, tg faultTarget, a answer, elapsed time.Duration) {
				assert.Equal(t, tg.ok, a.status, a.body)
				assert.True(t, json.Valid([]byte(a.body)), a.body)
				assert.GreaterOrEqual(t, elapsed, slowDelay)
			},
			commits: 1,
		},
		{
			name:   "timeout",
			fault:  Fault{Kind: FaultTimeout, Delay: Duration(timeoutDelay)},
			client: &http.Client{Timeout: clientTimeout},
			check: func(t *testing.T, _ faultTarget, a answer, elapsed time.Duration) {
				require.Error(t, a.err)
				assert.Contains(t, a.err.Error(), "Client.Timeout exceeded")
				assert.Less(t, elapsed, timeoutDelay)
			},
		},
		{
			name:  "drop-after-commit",
			fault: Fault{Kind: FaultDropAfterCommit},
			check: func(t *testing.T, _ faultTarget, a answer, _ time.Duration) {
				require.Error(t, a.err, "the client must not get an answer")
				assert.Zero(t, a.status)
			},
			commits: 1,
		},
	}
	for _, tg := range faultTargets {
		for _, k := range kinds {
			t.Run(tg.provider+"/"+k.name, func(t *testing.T) {
				t.Parallel()
				f := newFaultFixture(t)
				fault := k.fault
				fault.Provider = tg.provider
				f.addFaults(fault)

				client := k.client
				if client == nil {
					client = f.ts.Client()
				}
				start := time.Now()
				a := f.do(client, tg.request(f))
				elapsed := time.Since(start)
				k.check(t, tg, a, elapsed)

				assert.Equal(t, k.commits, tg.committed(f.sb.Stats()), "calls that reached the API")
				if k.fault.Kind == FaultTimeout {
					assert.Never(t, func() bool { return tg.committed(f.sb.Stats()) != 0 },
						timeoutDelay+200*time.Millisecond, 50*time.Millisecond,
						"a request the client gave up on must not reach the API")
				}
				st := f.sb.Faults()
				assert.Empty(t, st.Pending, "the fault is spent")
				assert.Equal(t, map[string]int{k.fault.Kind: 1}, st.Fired)

				again := f.do(f.ts.Client(), tg.request(f))
				require.NoError(t, again.err)
				assert.Equal(t, tg.ok, again.status, "the next call is served normally: %s", again.body)
				assert.True(t, json.Valid([]byte(again.body)), again.body)
				assert.Equal(t, k.commits+1, tg.committed(f.sb.Stats()))
			})
		}
	}
}

// A malformed body is the first half of the real one.
func TestFaultMalformedIsPrefix(t *testing.T) {
	f := newFaultFixture(t)
	get := func() *http.Request {
		return f.req(http.MethodGet, "/sslmarket/api/product/list", "", http.Header{"X-Auth-Token": {"tok-a"}})
	}
	normal := f.do(f.ts.Client(), get())
	require.NoError(t, normal.err)
	require.Equal(t, http.StatusOK, normal.status)

	f.addFaults(Fault{Provider: ProviderSSLmarket, Kind: FaultMalformed})
	bad := f.do(f.ts.Client(), get())
	require.NoError(t, bad.err)
	assert.Equal(t, http.StatusOK, bad.status)
	assert.NotEmpty(t, bad.body)
	assert.Equal(t, len(strings.TrimSpace(normal.body))/2, len(bad.body))
	assert.True(t, strings.HasPrefix(normal.body, bad.body))
	assert.Equal(t, normal.header.Get("Content-Type"), bad.header.Get("Content-Type"))

	// A non-2xx answer passes unchanged (the fault is spent all the same).
	f.addFaults(Fault{Provider: ProviderSSLmarket, Kind: FaultMalformed})
	unauth := f.do(f.ts.Client(), f.req(http.MethodGet, "/sslmarket/api/product/list", "", nil))
	require.NoError(t, unauth.err)
	assert.Equal(t, http.StatusUnauthorized, unauth.status)
	assert.True(t, json.Valid([]byte(unauth.body)), unauth.body)
	assert.Equal(t, map[string]int{FaultMalformed: 2}, f.sb.Faults().Fired)
}

func TestFaultCount(t *testing.T) {
	f := newFaultFixture(t)
	tg := faultTargets[1] // SSLmarket
	f.addFaults(Fault{Provider: ProviderSSLmarket, Kind: Fault503, Count: 2, RetryAfter: 3})
	f.addFaults(Fault{Provider: ProviderSSLmarket, Kind: Fault500})

	for i, want := range []struct {
		status  int
		pending []Fault
	}{
		{http.StatusServiceUnavailable, []Fault{
			{Provider: ProviderSSLmarket, Kind: Fault503, Count: 1, RetryAfter: 3},
			{Provider: ProviderSSLmarket, Kind: Fault500, Count: 1},
		}},
		{http.StatusServiceUnavailable, []Fault{{Provider: ProviderSSLmarket, Kind: Fault500, Count: 1}}},
		{http.StatusInternalServerError, []Fault{}},
		{http.StatusCreated, []Fault{}},
	} {
		a := f.do(f.ts.Client(), tg.request(f))
		require.NoError(t, a.err)
		assert.Equal(t, want.status, a.status, "call %d: %s", i, a.body)
		if want.status == http.StatusServiceUnavailable {
			assert.Equal(t, "3", a.header.Get("Retry-After"))
		}
		assert.Equal(t, want.pending, f.sb.Faults().Pending, "after call %d", i)
	}
	assert.Equal(t, 1, tg.committed(f.sb.Stats()))
	assert.Equal(t, map[string]int{Fault503: 2, Fault500: 1}, f.sb.Faults().Fired)
}

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

// An SSLCI finalize whose answer is lost still issues (and bills) the
// certificate.
func TestFaultDropAfterCommitFinalize(t *testing.T) {
	f := newFaultFixture(t)
	c := f.ts.Client()

	a := f.do(c, f.req(http.MethodPost, "/sslci/api", `{"token":"tok-a","domain":"a.example.com","method":"http"}`, nil))
	require.NoError(t, a.err)
	require.Equal(t, http.StatusOK, a.status, a.body)
	var order struct {
		OrderID      int64 `json:"order_id"`
		Verification struct {
			Content  string `json:"content"`
			FilePath string `json:"file_path"`
		} `json:"verification"`
	}
	require.NoError(t, json.Unmarshal([]byte(a.body), &order))
	f.files.Store(order.Verification.FilePath, order.Verification.Content)

	// Every call but finalize passes.
	f.addFaults(Fault{Provider: ProviderSSLCI, Match: "finalize", Kind: FaultDropAfterCommit})
	a = f.do(c, f.req(http.MethodPut, "/sslci/api", `{"token":"tok-a","domain":"a.example.com"}`, nil))
	require.NoError(t, a.err)
	require.Equal(t, http.StatusOK, a.status, a.body)

	a = f.do(c, f.req(http.MethodPost, "/sslci/api", `{"token":"tok-a","action":"finalize","domains":["a.example.com"]}`, nil))
	require.Error(t, a.err, "the client must not get the finalize answer")

	st := f.sb.Stats().SSLCI["a"]
	assert.Equal(t, 1, st.Finalizes, "the finalize was committed")
	assert.Equal(t, 1, st.Certificates)
	a = f.do(c, f.req(http.MethodGet, "/sslci/api?token=tok-a", "", nil))
	require.NoError(t, a.err)
	assert.Contains(t, a.body, `"domains":"a.example.com"`)
	assert.Equal(t, FaultStatus{Pending: []Fault{}, Fired: map[string]int{FaultDropAfterCommit: 1}}, f.sb.Faults())
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
