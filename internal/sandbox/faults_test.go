package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
			body := sslmarketOrderBody(f.t, f.csr, "", "a.example.com")
			return f.req(http.MethodPost, "/sslmarket/api/order/certificate/rapidssl-rapidssl-dv", body,
				http.Header{"X-Auth-Token": {"tok-a"}, "Content-Type": {"application/json"}})
		},
		ok:        http.StatusCreated,
		committed: func(s Stats) int { return s.SSLmarket["a"].Orders },
		errorBody: `{"error":"internal_error","description":"sandbox fault: internal server error"}`,
	},
	{
		provider: ProviderCyberSSL,
		request: func(f *faultFixture) *http.Request {
			form := cybersslOrderForm(f.cyberTok, f.csr, "http")
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
