package dnsrecord

import (
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTXTEscaping(t *testing.T) {
	for _, v := range []string{"plain", `q"uote`, `back\slash`, "tab\tnl\n\x00\xff", `\065`, "", "semi;colon (paren) @"} {
		parts := SplitTXT(v)
		require.Len(t, parts, 1)
		assert.Equal(t, v, JoinTXT(parts), "%q", v)
		// Round trip through the wire format.
		rr := &dns.TXT{Hdr: dns.RR_Header{Name: "x.", Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: parts}
		buf := make([]byte, 2048)
		n, err := dns.PackRR(rr, buf, 0, nil, false)
		require.NoError(t, err)
		back, _, err := dns.UnpackRR(buf[:n], 0)
		require.NoError(t, err)
		assert.Equal(t, v, JoinTXT(back.(*dns.TXT).Txt), "%q", v)
	}
	long := strings.Repeat(`"\`, 200) // 400 bytes, escaped to 800
	parts := SplitTXT(long)
	require.Len(t, parts, 2)
	assert.Equal(t, long, JoinTXT(parts))
	assert.Equal(t, "ab", unescapeTXT(`ab\`))
}

func TestValues(t *testing.T) {
	rr := func(s string) dns.RR {
		r, err := dns.NewRR(s)
		require.NoError(t, err)
		return r
	}
	answer := []dns.RR{
		rr(`_acme-challenge.Example.COM. 60 IN CNAME Alias.example.net.`),
		rr(`alias.example.net. 60 IN CNAME final.example.org.`),
		rr(`final.example.org. 60 IN TXT "a\"b" "c"`),
		rr(`_acme-challenge.example.com. 60 IN TXT "direct"`),
		rr(`other.example.com. 60 IN TXT "not asked"`),
		rr(`example.com. 60 IN NS NS1.example.com.`),
		rr(`example.com. 60 IN A 127.0.0.1`),
	}
	tests := []struct {
		name   string
		qname  string
		qtype  uint16
		follow bool
		want   []string
	}{
		{"txt at the name", "_acme-challenge.example.com", dns.TypeTXT, false, []string{"direct"}},
		{"txt through the cname chain", "_ACME-challenge.example.com.", dns.TypeTXT, true, []string{`a"bc`, "direct"}},
		{"cname target canonical", "_acme-challenge.example.com", dns.TypeCNAME, true, []string{"alias.example.net."}},
		{"ns target canonical", "example.com", dns.TypeNS, false, []string{"ns1.example.com."}},
		{"other types in presentation form", "example.com", dns.TypeA, false, []string{"127.0.0.1"}},
		{"nothing", "none.example.com", dns.TypeTXT, true, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Values(answer, tt.qname, tt.qtype, tt.follow))
		})
	}
}

func TestValuesStopsAtACNAMELoop(t *testing.T) {
	a, err := dns.NewRR(`a.example. 60 IN CNAME b.example.`)
	require.NoError(t, err)
	b, err := dns.NewRR(`b.example. 60 IN CNAME a.example.`)
	require.NoError(t, err)
	assert.Empty(t, Values([]dns.RR{a, b}, "a.example", dns.TypeTXT, true))
}

func TestNames(t *testing.T) {
	assert.Equal(t, "TXT", TypeString(dns.TypeTXT))
	assert.Equal(t, "TYPE65280", TypeString(65280))
	assert.Equal(t, "SERVFAIL", RcodeString(dns.RcodeServerFailure))
	assert.Equal(t, "RCODE4000", RcodeString(4000))
}

func TestQuestion(t *testing.T) {
	m := Question("Example.com", dns.TypeTXT)
	assert.Equal(t, "Example.com.", m.Question[0].Name)
	assert.False(t, m.RecursionDesired)
	assert.NotNil(t, m.IsEdns0())
}
