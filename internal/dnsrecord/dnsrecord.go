// Package dnsrecord holds the DNS protocol helpers shared by the dns01
// presenter, the sandbox's validation-record check and the test DNS
// servers: TXT values to and from the character-strings github.com/miekg/dns
// holds, a non-recursive question sent to one server (again over TCP when
// the UDP answer is truncated), and the values an answer holds for a name.
// It knows no reseller and no client.
package dnsrecord

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

// maxStringLen is the longest TXT character-string.
const maxStringLen = 255

// maxCNAMEHops bounds the CNAME chain Values follows inside one answer.
const maxCNAMEHops = 8

// SplitTXT cuts a raw TXT value into character-strings of at most 255
// bytes, escaped as dns.TXT holds them: '"' and '\\' behind a backslash,
// unprintable bytes as \DDD.
func SplitTXT(value string) []string {
	var out []string
	for len(value) > maxStringLen {
		out = append(out, escapeTXT(value[:maxStringLen]))
		value = value[maxStringLen:]
	}
	return append(out, escapeTXT(value))
}

// JoinTXT is the raw value of a dns.TXT: its character-strings unescaped
// and concatenated.
func JoinTXT(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(unescapeTXT(p))
	}
	return b.String()
}

func escapeTXT(raw string) string {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c > '~':
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unescapeTXT reverses escapeTXT and the escaping of unpacked messages.
func unescapeTXT(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i == len(s) {
			break // a lone final backslash is dropped, as when packing
		}
		if i+2 < len(s) && isDigit(s[i]) && isDigit(s[i+1]) && isDigit(s[i+2]) {
			b.WriteByte((s[i]-'0')*100 + (s[i+1]-'0')*10 + (s[i+2] - '0'))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// Question is a non-recursive question for the qtype records of name
// (made fully qualified), with EDNS0 so that a large answer fits in UDP.
func Question(name string, qtype uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = false
	m.SetEdns0(dns.DefaultMsgSize, false)
	return m
}

// Exchange sends m to server (host:port) with c, and again over TCP when
// the UDP answer is truncated.
func Exchange(ctx context.Context, c *dns.Client, m *dns.Msg, server string) (*dns.Msg, error) {
	resp, _, err := c.ExchangeContext(ctx, m, server)
	if err == nil && resp.Truncated && (c.Net == "" || c.Net == "udp") {
		tcp := *c
		tcp.Net = "tcp"
		resp, _, err = tcp.ExchangeContext(ctx, m, server)
	}
	return resp, err
}

// Values returns the data of the qtype records at name in answer: TXT
// values joined and unescaped, CNAME and NS targets in canonical form
// (lower case, final dot), the presentation form without the header for
// other types. With follow, and a qtype other than CNAME, a CNAME chain
// inside the answer is followed (an authoritative server includes it when
// the target is in its zones). Names compare case-insensitively.
func Values(answer []dns.RR, name string, qtype uint16, follow bool) []string {
	cur := dns.CanonicalName(name)
	owners := map[string]bool{cur: true}
	if follow && qtype != dns.TypeCNAME {
		for range maxCNAMEHops {
			next := ""
			for _, rr := range answer {
				if c, ok := rr.(*dns.CNAME); ok && dns.CanonicalName(c.Hdr.Name) == cur {
					next = dns.CanonicalName(c.Target)
					break
				}
			}
			if next == "" || owners[next] {
				break
			}
			owners[next], cur = true, next
		}
	}
	out := []string{}
	for _, rr := range answer {
		h := rr.Header()
		if h.Rrtype != qtype || !owners[dns.CanonicalName(h.Name)] {
			continue
		}
		switch v := rr.(type) {
		case *dns.TXT:
			out = append(out, JoinTXT(v.Txt))
		case *dns.CNAME:
			out = append(out, dns.CanonicalName(v.Target))
		case *dns.NS:
			out = append(out, dns.CanonicalName(v.Ns))
		default:
			out = append(out, strings.TrimPrefix(rr.String(), h.String()))
		}
	}
	return out
}

// TypeString names a record type for messages ("TXT", or "TYPE65280").
func TypeString(t uint16) string {
	if s, ok := dns.TypeToString[t]; ok {
		return s
	}
	return "TYPE" + strconv.Itoa(int(t))
}

// RcodeString names a response code for messages ("SERVFAIL", or
// "RCODE23").
func RcodeString(rcode int) string {
	if s, ok := dns.RcodeToString[rcode]; ok {
		return s
	}
	return "RCODE" + strconv.Itoa(rcode)
}
