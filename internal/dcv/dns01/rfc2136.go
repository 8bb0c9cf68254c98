// Package dns01 publishes DNS-01 challenges (TXT or CNAME records) with RFC
// 2136 dynamic updates signed with TSIG, as served by BIND, Knot, PowerDNS
// and others.
package dns01

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/dnsrecord"
)

// Defaults applied when the corresponding RFC2136 field is zero.
const (
	DefaultTTL     uint32 = 60
	DefaultTimeout        = 10 * time.Second
)

// tsigFudge is the allowed clock skew, in seconds, of signed messages.
const tsigFudge = 300

// RFC2136 publishes challenges on one authoritative nameserver. It is safe
// for concurrent use; it keeps no state between calls.
type RFC2136 struct {
	// Nameserver is host:port of the primary authoritative server; it is
	// sent the updates and asked (without recursion) for the zone and the
	// records.
	Nameserver string
	// TSIGKeyName is the TSIG key's name; empty sends unsigned updates.
	TSIGKeyName string
	// TSIGAlgorithm is a TSIG algorithm name ("hmac-sha256.") or one of
	// cert-manager's values HMACMD5, HMACSHA1, HMACSHA256, HMACSHA512 (or
	// HMACSHA384); empty means hmac-sha256. See TSIGAlgorithm.
	TSIGAlgorithm string
	// TSIGSecret is the base64 TSIG secret. It never appears in errors or in
	// the value's String.
	TSIGSecret string
	// TTL of the published records (DefaultTTL when zero).
	TTL uint32
	// Timeout of each DNS exchange (DefaultTimeout when zero).
	Timeout time.Duration
	// Protocol of the updates: "udp" (or empty; a truncated answer is
	// retried over TCP) or "tcp", as cert-manager's rfc2136.protocol.
	Protocol string
}

var _ ca.Presenter = (*RFC2136)(nil)

// TSIGAlgorithm maps a configured algorithm to its TSIG name (RFC 8945, as
// fully qualified by github.com/miekg/dns): cert-manager's values HMACMD5,
// HMACSHA1, HMACSHA256 and HMACSHA512 (and HMACSHA384), or the TSIG names
// themselves with or without the final dot, in any case. Empty means
// hmac-sha256 here; the dns01 solver passes cert-manager's default, HMACMD5,
// for an rfc2136 block without tsigAlgorithm.
func TSIGAlgorithm(s string) (string, error) {
	switch strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), ".")) {
	case "hmacmd5", "hmac-md5", "hmac-md5.sig-alg.reg.int":
		return dns.HmacMD5, nil
	case "hmacsha1", "hmac-sha1":
		return dns.HmacSHA1, nil
	case "", "hmacsha256", "hmac-sha256":
		return dns.HmacSHA256, nil
	case "hmacsha384", "hmac-sha384":
		return dns.HmacSHA384, nil
	case "hmacsha512", "hmac-sha512":
		return dns.HmacSHA512, nil
	default:
		return "", fmt.Errorf("unsupported TSIG algorithm %q (want HMACMD5, HMACSHA1, HMACSHA256, HMACSHA384 or HMACSHA512)", s)
	}
}

// String describes the configuration without the secret.
func (r RFC2136) String() string {
	secret := "<none>"
	if r.TSIGSecret != "" {
		secret = "<redacted>"
	}
	return fmt.Sprintf("RFC2136{Nameserver:%s TSIGKeyName:%s TSIGAlgorithm:%s TSIGSecret:%s TTL:%d Timeout:%s}",
		r.Nameserver, r.TSIGKeyName, r.TSIGAlgorithm, secret, r.TTL, r.Timeout)
}

// GoString is String, so that %#v does not print the secret either.
func (r RFC2136) GoString() string { return r.String() }

// record is a validated challenge.
type record struct {
	name  string // fully qualified, lower case
	rtype uint16 // dns.TypeTXT or dns.TypeCNAME
	value string // TXT text, or the fully qualified CNAME target
}

func (rec record) String() string {
	if rec.rtype == dns.TypeCNAME {
		return fmt.Sprintf("CNAME %s -> %s", rec.name, rec.value)
	}
	return fmt.Sprintf("TXT %s %q", rec.name, rec.value)
}

// rr builds the resource record with the given TTL.
func (rec record) rr(ttl uint32) dns.RR {
	hdr := dns.RR_Header{Name: rec.name, Rrtype: rec.rtype, Class: dns.ClassINET, Ttl: ttl}
	if rec.rtype == dns.TypeCNAME {
		return &dns.CNAME{Hdr: hdr, Target: rec.value}
	}
	return &dns.TXT{Hdr: hdr, Txt: dnsrecord.SplitTXT(rec.value)}
}

func parseChallenge(ch ca.Challenge) (record, error) {
	if ch.Type != ca.DNS01 {
		return record{}, fmt.Errorf("challenge for %q is %q, not %s", ch.Name, ch.Type, ca.DNS01)
	}
	name := dns.CanonicalName(strings.TrimSpace(ch.Record))
	if ch.Record == "" || name == "." {
		return record{}, fmt.Errorf("dns-01 challenge for %q has no record name", ch.Name)
	}
	if _, ok := dns.IsDomainName(name); !ok || strings.Contains(name, "*") {
		return record{}, fmt.Errorf("dns-01 record name %q is not a valid DNS name", ch.Record)
	}
	if ch.Content == "" {
		return record{}, fmt.Errorf("dns-01 record %s has no value", name)
	}
	switch strings.ToUpper(ch.RecordType) {
	case "TXT", "":
		return record{name: name, rtype: dns.TypeTXT, value: ch.Content}, nil
	case "CNAME":
		target := dns.CanonicalName(strings.TrimSpace(ch.Content))
		if _, ok := dns.IsDomainName(target); !ok || target == "." {
			return record{}, fmt.Errorf("dns-01 CNAME %s target %q is not a valid DNS name", name, ch.Content)
		}
		return record{name: name, rtype: dns.TypeCNAME, value: target}, nil
	default:
		return record{}, fmt.Errorf("dns-01 record %s has unsupported type %q (want TXT or CNAME)", name, ch.RecordType)
	}
}

// Present publishes the record: a TXT value is added next to any others at
// the name (nothing is sent when it is already served); a CNAME replaces any
// CNAME at the name.
func (r *RFC2136) Present(ctx context.Context, ch ca.Challenge) error {
	rec, err := parseChallenge(ch)
	if err != nil {
		return err
	}
	return r.redact(r.present(ctx, rec))
}

func (r *RFC2136) present(ctx context.Context, rec record) error {
	tsig, err := r.tsig()
	if err != nil {
		return fmt.Errorf("adding %s at %s: %w", rec, r.Nameserver, err)
	}
	zone, err := r.findZone(ctx, rec.name)
	if err != nil {
		return err
	}
	served, err := r.served(ctx, rec)
	if err != nil {
		return err
	}
	if served {
		return nil
	}
	m := new(dns.Msg)
	m.SetUpdate(zone)
	if rec.rtype == dns.TypeCNAME {
		m.RemoveRRset([]dns.RR{&dns.ANY{Hdr: dns.RR_Header{Name: rec.name, Rrtype: dns.TypeCNAME}}})
	}
	m.Insert([]dns.RR{rec.rr(r.ttl())})
	if err := r.update(ctx, m, tsig); err != nil {
		return fmt.Errorf("adding %s in zone %s at %s: %w", rec, zone, r.Nameserver, err)
	}
	return nil
}

// CleanUp removes exactly the challenge's record, leaving any other value at
// the name. Removing a record that is not there succeeds.
func (r *RFC2136) CleanUp(ctx context.Context, ch ca.Challenge) error {
	rec, err := parseChallenge(ch)
	if err != nil {
		return err
	}
	return r.redact(r.cleanUp(ctx, rec))
}

func (r *RFC2136) cleanUp(ctx context.Context, rec record) error {
	tsig, err := r.tsig()
	if err != nil {
		return fmt.Errorf("removing %s at %s: %w", rec, r.Nameserver, err)
	}
	zone, err := r.findZone(ctx, rec.name)
	if err != nil {
		return err
	}
	m := new(dns.Msg)
	m.SetUpdate(zone)
	m.Remove([]dns.RR{rec.rr(0)})
	if err := r.update(ctx, m, tsig); err != nil {
		return fmt.Errorf("removing %s in zone %s at %s: %w", rec, zone, r.Nameserver, err)
	}
	return nil
}

// Ready asks the nameserver itself, without recursion, whether it serves the
// exact record.
func (r *RFC2136) Ready(ctx context.Context, ch ca.Challenge) (bool, error) {
	rec, err := parseChallenge(ch)
	if err != nil {
		return false, err
	}
	ok, err := r.served(ctx, rec)
	return ok, r.redact(err)
}

// served reports whether the nameserver authoritatively answers rec.
func (r *RFC2136) served(ctx context.Context, rec record) (bool, error) {
	resp, err := r.query(ctx, rec.name, rec.rtype)
	if err != nil {
		return false, fmt.Errorf("looking up %s %s at %s: %w", dnsrecord.TypeString(rec.rtype), rec.name, r.Nameserver, err)
	}
	switch resp.Rcode {
	case dns.RcodeSuccess, dns.RcodeNameError:
	default:
		return false, fmt.Errorf("looking up %s %s at %s: %s", dnsrecord.TypeString(rec.rtype), rec.name, r.Nameserver, dnsrecord.RcodeString(resp.Rcode))
	}
	if !resp.Authoritative {
		return false, fmt.Errorf("looking up %s %s at %s: the answer is not authoritative (the nameserver must be the zone's primary)", dnsrecord.TypeString(rec.rtype), rec.name, r.Nameserver)
	}
	for _, v := range dnsrecord.Values(resp.Answer, rec.name, rec.rtype, false) {
		if v == rec.value {
			return true, nil
		}
	}
	return false, nil
}

// findZone returns the apex of the zone holding name: the closest enclosing
// name (name itself included) for which the nameserver returns its SOA.
func (r *RFC2136) findZone(ctx context.Context, name string) (string, error) {
	for off, end := 0, false; !end; off, end = dns.NextLabel(name, off) {
		candidate := name[off:]
		resp, err := r.query(ctx, candidate, dns.TypeSOA)
		if err != nil {
			return "", fmt.Errorf("finding the zone of %s: SOA %s at %s: %w", name, candidate, r.Nameserver, err)
		}
		if resp.Rcode != dns.RcodeSuccess {
			continue // NXDOMAIN inside a zone, or REFUSED/NOTAUTH above it
		}
		for _, rr := range resp.Answer {
			if soa, ok := rr.(*dns.SOA); ok && dns.CanonicalName(soa.Hdr.Name) == candidate {
				return candidate, nil
			}
		}
	}
	return "", fmt.Errorf("finding the zone of %s: %s serves no SOA for it or any parent name", name, r.Nameserver)
}

// query sends a non-recursive, unsigned question to the nameserver.
func (r *RFC2136) query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	return r.exchange(ctx, dnsrecord.Question(name, qtype), tsigConfig{})
}

// exchange sends m over UDP, and again over TCP when the answer is
// truncated, signing it when key is set. On a TSIG error the reply (if any)
// is returned along with the error.
func (r *RFC2136) exchange(ctx context.Context, m *dns.Msg, key tsigConfig) (*dns.Msg, error) {
	c := &dns.Client{Net: r.net(), Timeout: r.timeout()}
	if key.name != "" {
		c.TsigSecret = map[string]string{key.name: key.secret}
		m.SetTsig(key.name, key.algorithm, tsigFudge, time.Now().Unix())
	}
	return dnsrecord.Exchange(ctx, c, m, r.Nameserver)
}

// tsigConfig is the validated TSIG key; a zero value means unsigned.
type tsigConfig struct {
	name, algorithm, secret string
}

func (r *RFC2136) tsig() (tsigConfig, error) {
	if r.TSIGKeyName == "" {
		if r.TSIGSecret != "" {
			return tsigConfig{}, fmt.Errorf("TSIG secret set without a key name for %s", r.Nameserver)
		}
		return tsigConfig{}, nil
	}
	name := dns.CanonicalName(r.TSIGKeyName)
	if _, ok := dns.IsDomainName(name); !ok {
		return tsigConfig{}, fmt.Errorf("TSIG key name %q is not a valid DNS name", r.TSIGKeyName)
	}
	alg, err := TSIGAlgorithm(r.TSIGAlgorithm)
	if err != nil {
		return tsigConfig{}, fmt.Errorf("TSIG key %s: %w", name, err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(r.TSIGSecret))
	if err != nil || len(raw) == 0 {
		// The decoder's error quotes an offset, not the data; leave it out
		// all the same.
		return tsigConfig{}, fmt.Errorf("TSIG key %s: the secret is not valid non-empty base64", name)
	}
	return tsigConfig{name: name, algorithm: alg, secret: base64.StdEncoding.EncodeToString(raw)}, nil
}

// update sends a dynamic update, signed when a key is configured.
func (r *RFC2136) update(ctx context.Context, m *dns.Msg, key tsigConfig) error {
	resp, err := r.exchange(ctx, m, key)
	if resp != nil && (err == nil || isTSIGError(err)) {
		if t := resp.IsTsig(); t != nil && t.Error != dns.RcodeSuccess {
			return fmt.Errorf("%s, TSIG %s: the server rejected key %s (%s); check the key name, algorithm and secret",
				dnsrecord.RcodeString(resp.Rcode), dnsrecord.RcodeString(int(t.Error)), key.name, strings.TrimSuffix(key.algorithm, "."))
		}
		if resp.Rcode != dns.RcodeSuccess {
			if resp.Rcode == dns.RcodeNotAuth || resp.Rcode == dns.RcodeRefused {
				if key.name == "" {
					return fmt.Errorf("%s: the server refused the unsigned update; configure a TSIG key", dnsrecord.RcodeString(resp.Rcode))
				}
				return fmt.Errorf("%s: the server refused the update signed with key %s; check the key and the zone's update ACL", dnsrecord.RcodeString(resp.Rcode), key.name)
			}
			return fmt.Errorf("%s", dnsrecord.RcodeString(resp.Rcode))
		}
	}
	if err != nil {
		if isTSIGError(err) {
			return fmt.Errorf("the server's reply does not verify with key %s (%w); check the key name, algorithm and secret", key.name, err)
		}
		return err
	}
	return nil
}

func isTSIGError(err error) bool {
	for _, e := range []error{dns.ErrSig, dns.ErrAuth, dns.ErrTime, dns.ErrSecret, dns.ErrKeyAlg} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func (r *RFC2136) ttl() uint32 {
	if r.TTL == 0 {
		return DefaultTTL
	}
	return r.TTL
}

func (r *RFC2136) net() string {
	if strings.EqualFold(r.Protocol, "tcp") {
		return "tcp"
	}
	return "udp"
}

func (r *RFC2136) timeout() time.Duration {
	if r.Timeout <= 0 {
		return DefaultTimeout
	}
	return r.Timeout
}

// redactedError hides the secret should any message ever quote it.
type redactedError struct{ msg string }

func (e *redactedError) Error() string { return e.msg }

// redact returns err unchanged unless its message contains the TSIG secret
// (raw or re-encoded), in which case the message is rewritten and the chain
// dropped.
func (r *RFC2136) redact(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	changed := false
	for _, s := range r.secretForms() {
		if strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, "<redacted>")
			changed = true
		}
	}
	if !changed {
		return err
	}
	return &redactedError{msg: msg}
}

func (r *RFC2136) secretForms() []string {
	s := strings.TrimSpace(r.TSIGSecret)
	if len(s) < 4 { // too short to be a usable key; replacing would mangle messages
		return nil
	}
	forms := []string{s}
	if raw, err := base64.StdEncoding.DecodeString(s); err == nil {
		if std := base64.StdEncoding.EncodeToString(raw); std != s {
			forms = append(forms, std)
		}
	}
	return forms
}
