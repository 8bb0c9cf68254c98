package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaidKind(t *testing.T) {
	for _, tc := range []struct{ provider, subject, want string }{
		{ProviderSSLmarket, "POST /order/certificate/rapidssl-rapidssl-dv", PaidOrder},
		{ProviderSSLmarket, "POST /certificate/order_id/42/reissue", PaidReissue},
		{ProviderSSLmarket, "PUT /certificate/order_id/42/cancel-reissue", ""},
		{ProviderSSLmarket, "GET /order/list", ""},
		{ProviderCyberSSL, "POST /add_ssl_order", PaidOrder},
		{ProviderCyberSSL, "POST /reissue_ssl_order", PaidReissue},
		{ProviderCyberSSL, "GET /order_status", ""},
		{ProviderSSLCI, "POST /sslci/api finalize", PaidFinalize},
		{ProviderSSLCI, "POST /sslci/api", ""},
		{ProviderSSLCI, "PUT /sslci/api", ""},
	} {
		assert.Equal(t, tc.want, paidKind(tc.provider, tc.subject), "%s %s", tc.provider, tc.subject)
	}
}

// Each paid call is announced as it arrives and as it is answered, with the
// client's address; free calls and calls a fault answered without running
// the API are not.
func TestPaidCallsAnnounced(t *testing.T) {
	f := newFaultFixture(t)
	c := f.ts.Client()
	events := func(after int) []PaidCallEvent {
		a := f.do(c, f.req(http.MethodGet, PaidCallsPath+"?wait=10ms&after="+strconv.Itoa(after), "", nil))
		require.NoError(t, a.err)
		require.Equal(t, http.StatusOK, a.status, a.body)
		var out []PaidCallEvent
		require.NoError(t, json.Unmarshal([]byte(a.body), &out))
		return out
	}
	assert.Empty(t, events(0))

	f.addFaults(Fault{Provider: ProviderSSLmarket, Kind: Fault500})
	for _, target := range faultTargets {
		a := f.do(c, target.request(f))
		require.NoError(t, a.err)
	}
	a := f.do(c, faultTargets[1].request(f))
	require.NoError(t, a.err)
	require.Equal(t, http.StatusCreated, a.status, a.body)

	got := events(0)
	require.Len(t, got, 4, "CyberSSL's order and SSLmarket's second, each arrived and answered: %+v", got)
	for i, want := range []struct {
		provider, phase string
		call, status    int
	}{
		{ProviderCyberSSL, PhaseArrived, 1, 0},
		{ProviderCyberSSL, PhaseAnswered, 1, http.StatusOK},
		{ProviderSSLmarket, PhaseArrived, 2, 0},
		{ProviderSSLmarket, PhaseAnswered, 2, http.StatusCreated},
	} {
		e := got[i]
		assert.Equal(t, i+1, e.Seq)
		assert.Equal(t, want.call, e.Call)
		assert.Equal(t, want.provider, e.Provider)
		assert.Equal(t, PaidOrder, e.Kind)
		assert.Equal(t, want.phase, e.Phase)
		assert.Equal(t, want.status, e.Status)
		assert.NotEmpty(t, e.Remote)
	}
	assert.Len(t, events(2), 2)
	assert.Empty(t, events(4))
}

// A held answer: the order is placed (announced as arrived, counted) while
// its answer is not out yet.
func TestPaidCallLatency(t *testing.T) {
	f := newFaultFixture(t)
	c := f.ts.Client()
	for _, bad := range []string{"", "before=x&after=0", "before=0&after=-1s", "before=11s&after=0", "before=0"} {
		a := f.do(c, f.req(http.MethodPost, PaidCallsPath+"?"+bad, "", nil))
		require.NoError(t, a.err)
		assert.Equal(t, http.StatusBadRequest, a.status, bad)
	}
	a := f.do(c, f.req(http.MethodPost, PaidCallsPath+"?before=0&after=3s", "", nil))
	require.NoError(t, a.err)
	require.Equal(t, http.StatusOK, a.status, a.body)

	done := make(chan answer, 1)
	go func() { done <- f.do(c, faultTargets[2].request(f)) }()
	a = f.do(c, f.req(http.MethodGet, PaidCallsPath+"?wait=5s", "", nil))
	require.NoError(t, a.err)
	var got []PaidCallEvent
	require.NoError(t, json.Unmarshal([]byte(a.body), &got))
	require.Len(t, got, 1)
	assert.Equal(t, PhaseArrived, got[0].Phase)
	require.Eventually(t, func() bool { return f.sb.Stats().CyberSSL["a"].Orders == 1 }, 5*time.Second, 10*time.Millisecond, "the order is placed before its answer")
	select {
	case <-done:
		t.Fatal("answered before the latency")
	default:
	}
	a = f.do(c, f.req(http.MethodGet, PaidCallsPath+"?after=1&wait=1s", "", nil))
	require.NoError(t, a.err)
	require.NoError(t, json.Unmarshal([]byte(a.body), &got))
	assert.Empty(t, got, "no answer within 1 s of a 3 s hold")
	a = <-done
	require.NoError(t, a.err)
	assert.Equal(t, http.StatusOK, a.status)
}

// A client that hangs up while its call is held before the API runs it is
// dropped: nothing is carried out.
func TestPaidCallDroppedBeforeTheAPI(t *testing.T) {
	f := newFaultFixture(t)
	c := f.ts.Client()
	a := f.do(c, f.req(http.MethodPost, PaidCallsPath+"?before=5s&after=0", "", nil))
	require.NoError(t, a.err)
	require.Equal(t, http.StatusOK, a.status, a.body)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan answer, 1)
	go func() { done <- f.do(c, faultTargets[1].request(f).WithContext(ctx)) }()
	a = f.do(c, f.req(http.MethodGet, PaidCallsPath+"?wait=5s", "", nil))
	require.NoError(t, a.err)
	var got []PaidCallEvent
	require.NoError(t, json.Unmarshal([]byte(a.body), &got))
	require.Len(t, got, 1)
	cancel()
	require.Error(t, (<-done).err)
	a = f.do(c, f.req(http.MethodGet, PaidCallsPath+"?after=1&wait=5s", "", nil))
	require.NoError(t, a.err)
	require.NoError(t, json.Unmarshal([]byte(a.body), &got))
	require.Len(t, got, 1)
	assert.Equal(t, PhaseDropped, got[0].Phase)
	assert.Zero(t, f.sb.Stats().SSLmarket["a"].Orders, "nothing was ordered")
}
