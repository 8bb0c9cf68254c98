// Package dnscheck looks up domain validation records for the simulated
// reseller APIs of reseller-sandbox. It asks one configured authoritative
// server directly (no recursion, no system resolver), so that tests and
// demos can validate names that exist only in a local zone.
package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Timeout bounds one Lookup, the TCP retry of a truncated answer included.
const Timeout = 3 * time.Second

const (
	// maxCNAMEHops bounds the CNAME chain followed inside one answer.
	maxCNAMEHops = 8
	// Limits of what a failure message quotes.
	maxShownValues = 5
	maxShownLen    = 128
)

// ErrNoServer is returned when no DNS server is configured.
var ErrNoServer = errors.New("the sandbox has no DNS server to query for validation records (start reseller-sandbox with --dns-server host:port)")

// Lookup asks server (host:port) for the qtype records of name, without
// recursion, over UDP and again over TCP when the answer is truncated. It
// returns the values found: for TXT the character-strings of each record
// joined and unescaped, for CNAME the targets lowercased without the
// trailing dot. For another qtype than CNAME, a CNAME chain inside the
// answer is followed (an authoritative server includes it when the target
// is in its zones). A name that does not exist, or has no such records, is
// no error: the result is empty.
func Lookup(ctx context.Context, server, name string, qtype uint16) ([]string, error) {
	if server == "" {
		return nil, ErrNoServer
	}
	qname := dns.CanonicalName(strings.TrimSpace(name))
	if _, ok := dns.IsDomainName(qname); !ok || qname == "." {
		return nil, fmt.Errorf("invalid record name %q", name)
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()

	m := new(dns.Msg)
	m.SetQuestion(qname, qtype)
	m.RecursionDesired = false
	m.SetEdns0(dns.DefaultMsgSize, false)
	c := &dns.Client{Net: "udp", Timeout: Timeout}
	resp, _, err := c.ExchangeContext(ctx, m, server)
	if err == nil && resp.Truncated {
		c.Net = "tcp"
		resp, _, err = c.ExchangeContext(ctx, m, server)
	}
	if err != nil {
		return nil, fmt.Errorf("asking %s for %s %s: %w", server, typeString(qtype), qname, err)
	}
	switch resp.Rcode {
	case dns.RcodeSuccess, dns.RcodeNameError:
	default:
		return nil, fmt.Errorf("asking %s for %s %s: %s", server, typeString(qtype), qname, rcodeString(resp.Rcode))
	}
	return values(resp.Answer, qname, qtype), nil
}

// values returns the values of the qtype records of qname in answer,
// following CNAMEs when qtype is not CNAME.
func values(answer []dns.RR, qname string, qtype uint16) []string {
	owners := map[string]bool{qname: true}
	if qtype != dns.TypeCNAME {
		cur := qname
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
			owners[next] = true
			cur = next
		}
	}
	out := []string{}
	for _, rr := range answer {
		if rr.Header().Rrtype != qtype || !owners[dns.CanonicalName(rr.Header().Name)] {
			continue
		}
		switch v := rr.(type) {
		case *dns.TXT:
			out = append(out, joinTXT(v.Txt))
		case *dns.CNAME:
			out = append(out, NormalizeName(v.Target))
		default:
			// Other types: the presentation form without the header.
			out = append(out, strings.TrimPrefix(rr.String(), rr.Header().String()))
		}
	}
	return out
}

// Check looks up the qtype records of name at server and returns nil when
// want is among their values (CNAME targets compared as normalized names).
// Otherwise the error names the record, its type, the expected value and
// what was found.
func Check(ctx context.Context, server, name string, qtype uint16, want string) error {
	shownName := NormalizeName(name)
	if qtype == dns.TypeCNAME {
		want = NormalizeName(want)
	}
	got, err := Lookup(ctx, server, name, qtype)
	if err != nil {
		return fmt.Errorf("%s record %s (want %q): %w", typeString(qtype), shownName, shorten(want), err)
	}
	for _, v := range got {
		if v == want {
			return nil
		}
	}
	return fmt.Errorf("%s record %s: want %q, found %s (asked %s)", typeString(qtype), shownName, shorten(want), describe(got), server)
}

// NormalizeName lowercases a DNS name and drops its trailing dot.
func NormalizeName(name string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
}

// describe lists found values for a failure message.
func describe(got []string) string {
	if len(got) == 0 {
		return "none"
	}
	shown := make([]string, 0, min(len(got), maxShownValues))
	for i, v := range got {
		if i == maxShownValues {
			shown = append(shown, fmt.Sprintf("and %d more", len(got)-maxShownValues))
			break
		}
		shown = append(shown, strconv.Quote(shorten(v)))
	}
	return strings.Join(shown, ", ")
}

func shorten(s string) string {
	if len(s) > maxShownLen {
		return s[:maxShownLen] + "..."
	}
	return s
}

// joinTXT joins the character-strings of a TXT record as miekg/dns holds
// them (escaped presentation form) into the raw value.
func joinTXT(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(unescapeTXT(p))
	}
	return b.String()
}

// unescapeTXT reverses the escaping of unpacked character-strings: '\"' and
// '\\' for the character, '\DDD' for a byte.
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
			break
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

func typeString(t uint16) string {
	if s, ok := dns.TypeToString[t]; ok {
		return s
	}
	return "TYPE" + strconv.Itoa(int(t))
}

func rcodeString(rcode int) string {
	if s, ok := dns.RcodeToString[rcode]; ok {
		return s
	}
	return "RCODE" + strconv.Itoa(rcode)
}
