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

	"github.com/reseller-issuer/reseller-issuer/internal/dnsrecord"
)

// Timeout bounds one Lookup, the TCP retry of a truncated answer included.
const Timeout = 3 * time.Second

// Limits of what a failure message quotes.
const (
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

	c := &dns.Client{Net: "udp", Timeout: Timeout}
	resp, err := dnsrecord.Exchange(ctx, c, dnsrecord.Question(qname, qtype), server)
	if err != nil {
		return nil, fmt.Errorf("asking %s for %s %s: %w", server, dnsrecord.TypeString(qtype), qname, err)
	}
	switch resp.Rcode {
	case dns.RcodeSuccess, dns.RcodeNameError:
	default:
		return nil, fmt.Errorf("asking %s for %s %s: %s", server, dnsrecord.TypeString(qtype), qname, dnsrecord.RcodeString(resp.Rcode))
	}
	values := dnsrecord.Values(resp.Answer, qname, qtype, true)
	if qtype == dns.TypeCNAME {
		for i, v := range values {
			values[i] = NormalizeName(v)
		}
	}
	return values, nil
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
		return fmt.Errorf("%s record %s (want %q): %w", dnsrecord.TypeString(qtype), shownName, shorten(want), err)
	}
	for _, v := range got {
		if v == want {
			return nil
		}
	}
	return fmt.Errorf("%s record %s: want %q, found %s (asked %s)", dnsrecord.TypeString(qtype), shownName, shorten(want), describe(got), server)
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
