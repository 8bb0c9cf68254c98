package dns01

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

func TestTSIGAlgorithm(t *testing.T) {
	for in, want := range map[string]string{
		"":             dns.HmacSHA256,
		"HMACSHA256":   dns.HmacSHA256,
		"HMACSHA384":   dns.HmacSHA384,
		"HMACSHA512":   dns.HmacSHA512,
		"hmac-sha256.": dns.HmacSHA256,
		"hmac-sha384":  dns.HmacSHA384,
		"HMAC-SHA512.": dns.HmacSHA512,
		// cert-manager's values (HMACMD5 is its default).
		"HMACMD5":                   dns.HmacMD5,
		"hmac-md5.sig-alg.reg.int.": dns.HmacMD5,
		"hmacsha1":                  dns.HmacSHA1,
		"hmac-sha1.":                dns.HmacSHA1,
	} {
		got, err := TSIGAlgorithm(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"HMACSHA224", "gss-tsig", "sha256"} {
		_, err := TSIGAlgorithm(in)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), "unsupported TSIG algorithm")
	}
}

func TestParseChallenge(t *testing.T) {
	rec, err := parseChallenge(ca.Challenge{Name: "*.Example.com", Type: ca.DNS01, Record: "_acme-challenge.Example.COM", RecordType: "TXT", Content: "abc"})
	require.NoError(t, err)
	assert.Equal(t, record{name: "_acme-challenge.example.com.", rtype: dns.TypeTXT, value: "abc"}, rec)

	rec, err = parseChallenge(ca.Challenge{Name: "example.com", Type: ca.DNS01, Record: "_acme-challenge.example.com.", RecordType: "CNAME", Content: "Token.Validation.Example.NET"})
	require.NoError(t, err)
	assert.Equal(t, record{name: "_acme-challenge.example.com.", rtype: dns.TypeCNAME, value: "token.validation.example.net."}, rec)

	for name, ch := range map[string]ca.Challenge{
		"http":        {Name: "example.com", Type: ca.HTTP01, Path: "/x", Content: "abc"},
		"no record":   {Name: "example.com", Type: ca.DNS01, RecordType: "TXT", Content: "abc"},
		"wildcard":    {Name: "*.example.com", Type: ca.DNS01, Record: "*.example.com", RecordType: "TXT", Content: "abc"},
		"no value":    {Name: "example.com", Type: ca.DNS01, Record: "_acme-challenge.example.com", RecordType: "TXT"},
		"bad type":    {Name: "example.com", Type: ca.DNS01, Record: "_acme-challenge.example.com", RecordType: "A", Content: "1.2.3.4"},
		"bad target":  {Name: "example.com", Type: ca.DNS01, Record: "_acme-challenge.example.com", RecordType: "CNAME", Content: "a..b"},
		"bad name":    {Name: "example.com", Type: ca.DNS01, Record: "a..example.com", RecordType: "TXT", Content: "abc"},
		"root target": {Name: "example.com", Type: ca.DNS01, Record: "_acme-challenge.example.com", RecordType: "CNAME", Content: "."},
	} {
		_, err := parseChallenge(ch)
		assert.Error(t, err, name)
	}
}

func TestTSIGConfig(t *testing.T) {
	r := &RFC2136{Nameserver: "127.0.0.1:53", TSIGKeyName: "Key.Example", TSIGAlgorithm: "HMACSHA512", TSIGSecret: "c2VjcmV0"}
	key, err := r.tsig()
	require.NoError(t, err)
	assert.Equal(t, tsigConfig{name: "key.example.", algorithm: dns.HmacSHA512, secret: "c2VjcmV0"}, key)

	key, err = (&RFC2136{Nameserver: "127.0.0.1:53"}).tsig()
	require.NoError(t, err)
	assert.Equal(t, tsigConfig{}, key)

	_, err = (&RFC2136{Nameserver: "127.0.0.1:53", TSIGSecret: "c2VjcmV0"}).tsig()
	require.ErrorContains(t, err, "without a key name")
	assert.NotContains(t, err.Error(), "c2VjcmV0")

	_, err = (&RFC2136{Nameserver: "127.0.0.1:53", TSIGKeyName: "k", TSIGAlgorithm: "gss-tsig", TSIGSecret: "c2VjcmV0"}).tsig()
	require.ErrorContains(t, err, "unsupported TSIG algorithm")
}

const testSecret = "bm90LXNvLXNlY3JldC1idXQtZG8tbm90LXByaW50LW1lIQ=="

func TestSecretNeverPrinted(t *testing.T) {
	r := RFC2136{Nameserver: "127.0.0.1:53", TSIGKeyName: "k.", TSIGAlgorithm: "HMACSHA256", TSIGSecret: testSecret}
	for _, s := range []string{fmt.Sprint(r), fmt.Sprintf("%v %+v %#v %s", r, r, r, r), fmt.Sprintf("%v %+v %#v", &r, &r, &r)} {
		assert.NotContains(t, s, testSecret)
		assert.Contains(t, s, "<redacted>")
	}
}

func TestRedact(t *testing.T) {
	r := &RFC2136{TSIGSecret: testSecret}
	assert.NoError(t, r.redact(nil))
	plain := fmt.Errorf("nothing to hide")
	assert.Same(t, plain, r.redact(plain))
	err := r.redact(fmt.Errorf("wrapped: %w", fmt.Errorf("secret is %s", testSecret)))
	assert.EqualError(t, err, "wrapped: secret is <redacted>")
	// Surrounding whitespace in the configured secret does not defeat it.
	r = &RFC2136{TSIGSecret: " " + testSecret + "\n"}
	assert.EqualError(t, r.redact(fmt.Errorf("x %s y", testSecret)), "x <redacted> y")
}

func TestInvalidSecretError(t *testing.T) {
	bad := "not base64 at all: " + testSecret + "!!"
	r := &RFC2136{Nameserver: "127.0.0.1:1", TSIGKeyName: "k.", TSIGSecret: bad, Timeout: time.Second}
	ch := ca.Challenge{Name: "example.com", Type: ca.DNS01, Record: "_acme-challenge.example.com", RecordType: "TXT", Content: "v"}
	for _, err := range []error{r.Present(context.Background(), ch), r.CleanUp(context.Background(), ch)} {
		require.Error(t, err)
		assert.Contains(t, err.Error(), "not valid non-empty base64")
		assert.Contains(t, err.Error(), "_acme-challenge.example.com.")
		assert.Contains(t, err.Error(), "127.0.0.1:1")
		assert.NotContains(t, err.Error(), testSecret)
		assert.NotContains(t, err.Error(), bad)
	}
}

// fakeServer is an in-process authoritative server for example.com that
// refuses every update; it records what it was sent.
type fakeServer struct {
	addr string

	mu      sync.Mutex
	updates []*dns.Msg
}

func startFake(t *testing.T) *fakeServer {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	f := &fakeServer{addr: pc.LocalAddr().String()}
	started := make(chan struct{})
	srv := &dns.Server{
		PacketConn: pc, Handler: f, NotifyStartedFunc: func() { close(started) },
		MsgAcceptFunc: func(dns.Header) dns.MsgAcceptAction { return dns.MsgAccept }, // the default rejects UPDATE
	}
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return f
}

func (f *fakeServer) sent() []*dns.Msg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*dns.Msg(nil), f.updates...)
}

func (f *fakeServer) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	q := req.Question[0]
	switch {
	case req.Opcode == dns.OpcodeUpdate:
		f.mu.Lock()
		f.updates = append(f.updates, req)
		f.mu.Unlock()
		m.Authoritative = false
		m.Rcode = dns.RcodeRefused
	case q.Name == "example.com." && q.Qtype == dns.TypeSOA:
		soa, _ := dns.NewRR("example.com. 60 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 86400 60")
		m.Answer = append(m.Answer, soa)
	case q.Name == "_acme-challenge.example.com." && q.Qtype == dns.TypeTXT:
		m.Answer = append(m.Answer,
			&dns.TXT{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: []string{"other"}},
			&dns.TXT{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: []string{"served-", "in-two-parts"}})
	case dns.IsSubDomain("example.com.", q.Name):
		m.Rcode = dns.RcodeNameError
	default:
		m.Authoritative = false
		m.Rcode = dns.RcodeRefused
	}
	_ = w.WriteMsg(m)
}

func TestAgainstFakeServer(t *testing.T) {
	f := startFake(t)
	ctx := context.Background()
	r := &RFC2136{Nameserver: f.addr, TSIGKeyName: "acme.", TSIGAlgorithm: "HMACSHA256", TSIGSecret: testSecret, Timeout: 2 * time.Second}
	txt := func(record, value string) ca.Challenge {
		return ca.Challenge{Name: "example.com", Type: ca.DNS01, Record: record, RecordType: "TXT", Content: value}
	}

	zone, err := r.findZone(ctx, "_acme-challenge.a.b.example.com.")
	require.NoError(t, err)
	assert.Equal(t, "example.com.", zone)

	ok, err := r.Ready(ctx, txt("_acme-challenge.example.com", "served-in-two-parts"))
	require.NoError(t, err)
	assert.True(t, ok, "character-strings are joined")
	ok, err = r.Ready(ctx, txt("_acme-challenge.example.com", "absent"))
	require.NoError(t, err)
	assert.False(t, ok)
	ok, err = r.Ready(ctx, txt("_acme-challenge.www.example.com", "absent"))
	require.NoError(t, err)
	assert.False(t, ok, "NXDOMAIN is not ready")

	// Already served: nothing is sent.
	require.NoError(t, r.Present(ctx, txt("_acme-challenge.example.com", "other")))
	assert.Empty(t, f.sent())

	// Refused update: the error names record, zone and nameserver, and
	// says which key was used, never its secret.
	err = r.Present(ctx, txt("_acme-challenge.example.com", "new"))
	require.Error(t, err)
	for _, want := range []string{`TXT _acme-challenge.example.com. "new"`, "zone example.com.", f.addr, "REFUSED", "acme."} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), testSecret)
	require.Len(t, f.sent(), 1)
	upd := f.sent()[0]
	require.NotNil(t, upd.IsTsig(), "the update is signed")
	assert.Equal(t, "acme.", upd.IsTsig().Hdr.Name)
	require.Len(t, upd.Ns, 1)
	assert.Equal(t, DefaultTTL, upd.Ns[0].Header().Ttl)

	err = r.CleanUp(ctx, txt("_acme-challenge.example.com", "new"))
	require.ErrorContains(t, err, "removing TXT _acme-challenge.example.com.")
	assert.Contains(t, err.Error(), f.addr)

	// Outside every zone the server knows.
	err = r.Present(ctx, txt("_acme-challenge.example.org", "v"))
	require.ErrorContains(t, err, "serves no SOA")
	assert.Contains(t, err.Error(), "_acme-challenge.example.org.")
	assert.Contains(t, err.Error(), f.addr)
	_, err = r.Ready(ctx, txt("_acme-challenge.example.org", "v"))
	require.ErrorContains(t, err, "REFUSED")
}

func TestUnreachableNameserver(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	r := &RFC2136{Nameserver: addr, TSIGKeyName: "acme.", TSIGSecret: testSecret, Timeout: 300 * time.Millisecond}
	ch := ca.Challenge{Name: "example.com", Type: ca.DNS01, Record: "_acme-challenge.example.com", RecordType: "TXT", Content: "v"}
	err = r.Present(context.Background(), ch)
	require.Error(t, err)
	assert.Contains(t, err.Error(), addr)
	assert.Contains(t, err.Error(), "_acme-challenge.example.com.")
	assert.NotContains(t, err.Error(), testSecret)
	_, err = r.Ready(context.Background(), ch)
	require.Error(t, err)
	assert.Contains(t, err.Error(), addr)
}
