package dns01

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/util"
	"github.com/miekg/dns"
)

// maxCNAMEs bounds a CNAME chain followed for cnameStrategy: Follow.
const maxCNAMEs = 8

// Checker tells whether a record can be seen, as cert-manager's DNS-01
// self-check does: by default on every authoritative nameserver of the
// record's zone (found through Nameservers), or, with RecursiveOnly, on
// Nameservers themselves. TXT records are checked by cert-manager's own
// check (util.PreCheckDNS); CNAME records, which it never writes, the same
// way.
type Checker struct {
	Nameservers   []string
	RecursiveOnly bool
}

// Where says where Visible looks, for the challenge's status.
func (c Checker) Where() string {
	if c.RecursiveOnly {
		return "on the nameservers " + strings.Join(c.Nameservers, ", ") + " (--dns01-recursive-nameservers-only)"
	}
	return "on every authoritative nameserver of its zone (found through " + strings.Join(c.Nameservers, ", ") + ")"
}

// Visible reports whether rec is served where the check looks.
func (c Checker) Visible(ctx context.Context, rec Record) (bool, error) {
	if rec.Type == "TXT" {
		return util.PreCheckDNS(ctx, rec.FQDN, rec.Value, c.Nameservers, !c.RecursiveOnly)
	}
	servers := c.Nameservers
	if !c.RecursiveOnly {
		var err error
		if servers, err = c.authoritative(ctx, rec.FQDN); err != nil {
			return false, err
		}
	}
	for _, ns := range servers {
		r, err := util.DNSQuery(ctx, rec.FQDN, dns.TypeCNAME, []string{ns}, true)
		if err != nil {
			return false, err
		}
		if r.Rcode != dns.RcodeSuccess && r.Rcode != dns.RcodeNameError {
			return false, fmt.Errorf("%s answered %s for %s", ns, dns.RcodeToString[r.Rcode], rec.FQDN)
		}
		if !hasCNAME(r, rec.FQDN, rec.Value) {
			return false, nil
		}
	}
	return true, nil
}

// authoritative lists the zone's nameservers, port 53, as cert-manager's
// check does.
func (c Checker) authoritative(ctx context.Context, fqdn string) ([]string, error) {
	zone, err := util.FindZoneByFqdn(ctx, fqdn, c.Nameservers)
	if err != nil {
		return nil, fmt.Errorf("finding the zone of %s: %w", fqdn, err)
	}
	r, err := util.DNSQuery(ctx, zone, dns.TypeNS, c.Nameservers, true)
	if err != nil {
		return nil, fmt.Errorf("looking up the nameservers of %s: %w", zone, err)
	}
	var out []string
	for _, rr := range r.Answer {
		if ns, ok := rr.(*dns.NS); ok {
			out = append(out, net.JoinHostPort(strings.ToLower(ns.Ns), "53"))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no nameservers found for zone %s", zone)
	}
	return out, nil
}

func hasCNAME(r *dns.Msg, name, target string) bool {
	for _, rr := range r.Answer {
		if cn, ok := rr.(*dns.CNAME); ok && dns.CanonicalName(cn.Hdr.Name) == name && dns.CanonicalName(cn.Target) == target {
			return true
		}
	}
	return false
}

// follow returns the name at the end of fqdn's CNAME chain, asking
// Nameservers, as cert-manager's cnameStrategy: Follow does.
func (c Checker) follow(ctx context.Context, fqdn string) (string, error) {
	seen := map[string]bool{fqdn: true}
	for range maxCNAMEs {
		r, err := util.DNSQuery(ctx, fqdn, dns.TypeCNAME, c.Nameservers, true)
		if err != nil {
			return "", err
		}
		next := ""
		for _, rr := range r.Answer {
			if cn, ok := rr.(*dns.CNAME); ok && dns.CanonicalName(cn.Hdr.Name) == fqdn {
				next = dns.CanonicalName(cn.Target)
			}
		}
		if r.Rcode != dns.RcodeSuccess || next == "" {
			return fqdn, nil
		}
		if seen[next] {
			return "", fmt.Errorf("CNAME loop at %s", next)
		}
		seen[next], fqdn = true, next
	}
	return "", fmt.Errorf("more than %d CNAMEs", maxCNAMEs)
}
