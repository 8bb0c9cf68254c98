package dnscheck_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnscheck"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnscheck/dnstest"
)

func TestLookupTXT(t *testing.T) {
	srv := dnstest.NewServer(t)
	long := strings.Repeat("x", 300)
	srv.AddTXT("_acme-challenge.example.com", "token-1", `quote " back \ space é`, long)
	srv.AddCNAME("other.example.com", "Target.Example.NET.")

	got, err := dnscheck.Lookup(context.Background(), srv.Addr, "_ACME-challenge.example.com.", dns.TypeTXT)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"token-1", `quote " back \ space é`, long}, got)

	// A TXT query is not answered by the CNAME's own record.
	got, err = dnscheck.Lookup(context.Background(), srv.Addr, "other.example.com", dns.TypeTXT)
	require.NoError(t, err)
	assert.Empty(t, got)

	// Unknown names are no error.
	got, err = dnscheck.Lookup(context.Background(), srv.Addr, "nothing.example.com", dns.TypeTXT)
	require.NoError(t, err)
	assert.Empty(t, got)

	assert.Contains(t, srv.Queries(), "TXT _acme-challenge.example.com.")
}

func TestLookupCNAME(t *testing.T) {
	srv := dnstest.NewServer(t)
	srv.AddCNAME("ABC.example.com", "Target.Example.NET.")
	got, err := dnscheck.Lookup(context.Background(), srv.Addr, "abc.example.com", dns.TypeCNAME)
	require.NoError(t, err)
	assert.Equal(t, []string{"target.example.net"}, got)
}

func TestLookupFollowsCNAMEInAnswer(t *testing.T) {
	srv := dnstest.NewServer(t)
	srv.AddCNAME("_acme-challenge.example.com", "delegated.example.net")
	srv.AddTXT("delegated.example.net", "value")
	srv.AddTXT("unrelated.example.net", "other")
	got, err := dnscheck.Lookup(context.Background(), srv.Addr, "_acme-challenge.example.com", dns.TypeTXT)
	require.NoError(t, err)
	assert.Equal(t, []string{"value"}, got)
}

func TestCheck(t *testing.T) {
	srv := dnstest.NewServer(t)
	srv.AddTXT("example.com", "one", "two")
	srv.AddCNAME("hash.example.com", "content.dcv.example.")
	ctx := context.Background()

	require.NoError(t, dnscheck.Check(ctx, srv.Addr, "example.com", dns.TypeTXT, "two"))
	require.NoError(t, dnscheck.Check(ctx, srv.Addr, "HASH.example.com.", dns.TypeCNAME, "Content.dcv.example."))

	err := dnscheck.Check(ctx, srv.Addr, "example.com", dns.TypeTXT, "three")
	require.Error(t, err)
	assert.Equal(t, `TXT record example.com: want "three", found "one", "two" (asked `+srv.Addr+`)`, err.Error())

	err = dnscheck.Check(ctx, srv.Addr, "missing.example.com.", dns.TypeCNAME, "x.example.")
	require.Error(t, err)
	assert.Equal(t, `CNAME record missing.example.com: want "x.example", found none (asked `+srv.Addr+`)`, err.Error())
}

func TestNoServer(t *testing.T) {
	_, err := dnscheck.Lookup(context.Background(), "", "example.com", dns.TypeTXT)
	require.ErrorIs(t, err, dnscheck.ErrNoServer)

	err = dnscheck.Check(context.Background(), "", "_acme-challenge.example.com", dns.TypeTXT, "v")
	require.ErrorIs(t, err, dnscheck.ErrNoServer)
	assert.Contains(t, err.Error(), `TXT record _acme-challenge.example.com (want "v")`)
	assert.Contains(t, err.Error(), "no DNS server")
}

func TestInvalidName(t *testing.T) {
	_, err := dnscheck.Lookup(context.Background(), "127.0.0.1:1", "bad..name", dns.TypeTXT)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid record name")
}

// truncating answers UDP queries with an empty truncated reply and TCP
// queries with the record; it records the transports asked.
type truncating struct {
	mu    sync.Mutex
	nets  []string
	rcode int
}

func (h *truncating) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	netw := w.LocalAddr().Network()
	h.mu.Lock()
	h.nets = append(h.nets, netw)
	h.mu.Unlock()
	switch {
	case h.rcode != dns.RcodeSuccess:
		m.Rcode = h.rcode
	case netw == "udp":
		m.Truncated = true
	default:
		m.Answer = []dns.RR{&dns.TXT{
			Hdr: dns.RR_Header{Name: req.Question[0].Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60},
			Txt: []string{"over", "-tcp"},
		}}
	}
	_ = w.WriteMsg(m)
}

func TestTruncatedAnswerRetriedOverTCP(t *testing.T) {
	h := &truncating{}
	addr := dnstest.Serve(t, h, true)
	got, err := dnscheck.Lookup(context.Background(), addr, "example.com", dns.TypeTXT)
	require.NoError(t, err)
	assert.Equal(t, []string{"over-tcp"}, got)
	assert.Equal(t, []string{"udp", "tcp"}, h.nets)
}

func TestServerFailure(t *testing.T) {
	addr := dnstest.Serve(t, &truncating{rcode: dns.RcodeServerFailure}, false)
	_, err := dnscheck.Lookup(context.Background(), addr, "example.com", dns.TypeTXT)
	require.Error(t, err)
	assert.Equal(t, "asking "+addr+" for TXT example.com.: SERVFAIL", err.Error())
}

func TestTimeout(t *testing.T) {
	// A UDP socket nobody reads: the query is never answered.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = pc.Close() })

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = dnscheck.Lookup(ctx, pc.LocalAddr().String(), "example.com", dns.TypeTXT)
	require.Error(t, err)
	var ne net.Error
	assert.True(t, errors.As(err, &ne) && ne.Timeout(), "want a timeout, got %v", err)
	assert.Less(t, time.Since(start), 2*time.Second)
}
