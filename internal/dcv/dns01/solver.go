package dns01

import (
	"context"
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv"
)

// Record is one challenge record as a provider writes it.
type Record struct {
	// Domain is the name being validated, without a wildcard label.
	Domain string
	// FQDN is the record's name, fully qualified.
	FQDN string
	// Type is TXT or CNAME.
	Type string
	// Value is the TXT text, or the CNAME target.
	Value string
}

func (r Record) String() string { return fmt.Sprintf("%s %s", r.Type, strings.TrimSuffix(r.FQDN, ".")) }

// writer writes and removes records through one provider.
type writer interface {
	present(ctx context.Context, rec Record) error
	cleanUp(ctx context.Context, rec Record) error
}

// Solver publishes DNS-01 challenges through one provider and checks them
// the way cert-manager does before the reseller is asked. It is a
// dcv.DNSPresenter.
type Solver struct {
	// Provider names the block ("cloudflare", "webhook", ...).
	Provider string
	// Follow follows CNAMEs from the record's name to the name actually
	// written (cnameStrategy: Follow).
	Follow bool
	// CNAMEs is true when the provider can write CNAME records.
	CNAMEs bool
	// Checker checks propagation.
	Checker Checker

	writer writer
}

var _ dcv.DNSPresenter = (*Solver)(nil)

// record validates ch and resolves the name to write.
func (s *Solver) record(ctx context.Context, ch ca.Challenge) (Record, error) {
	if ch.Type != ca.DNS01 {
		return Record{}, fmt.Errorf("challenge for %s is %s, not %s", ch.Name, ch.Type, ca.DNS01)
	}
	if ch.Record == "" || ch.Content == "" {
		return Record{}, fmt.Errorf("dns-01 challenge for %s has no record name or value", ch.Name)
	}
	rec := Record{
		Domain: strings.TrimPrefix(strings.TrimSuffix(ch.Name, "."), "*."),
		FQDN:   dns.CanonicalName(ch.Record),
		Type:   strings.ToUpper(ch.RecordType),
		Value:  ch.Content,
	}
	switch rec.Type {
	case "", "TXT":
		rec.Type = "TXT"
	case "CNAME":
		if !s.CNAMEs {
			return Record{}, fmt.Errorf("%s: the reseller asks for a CNAME record, but %s writes TXT records only", ch.Name, s.Provider)
		}
		rec.Value = dns.CanonicalName(ch.Content)
		return rec, nil
	default:
		return Record{}, fmt.Errorf("dns-01 record %s has unsupported type %q (want TXT or CNAME)", rec.FQDN, ch.RecordType)
	}
	if s.Follow {
		fqdn, err := s.Checker.follow(ctx, rec.FQDN)
		if err != nil {
			return Record{}, fmt.Errorf("following CNAMEs from %s (cnameStrategy: Follow): %w", rec.FQDN, err)
		}
		rec.FQDN = fqdn
	}
	return rec, nil
}

// Present writes the challenge's record.
func (s *Solver) Present(ctx context.Context, ch ca.Challenge) error {
	rec, err := s.record(ctx, ch)
	if err != nil {
		return err
	}
	if err := s.writer.present(ctx, rec); err != nil {
		return fmt.Errorf("%s: adding %s: %w", s.Provider, rec, err)
	}
	return nil
}

// CleanUp removes the challenge's record.
func (s *Solver) CleanUp(ctx context.Context, ch ca.Challenge) error {
	rec, err := s.record(ctx, ch)
	if err != nil {
		return err
	}
	if err := s.writer.cleanUp(ctx, rec); err != nil {
		return fmt.Errorf("%s: removing %s: %w", s.Provider, rec, err)
	}
	return nil
}

// Ready checks that the record can be seen where the propagation check
// looks; while it cannot, it returns false and a *dcv.NotVisibleError saying
// where it looks.
func (s *Solver) Ready(ctx context.Context, ch ca.Challenge) (bool, error) {
	rec, err := s.record(ctx, ch)
	if err != nil {
		return false, err
	}
	ok, err := s.Checker.Visible(ctx, rec)
	switch {
	case err != nil:
		return false, fmt.Errorf("checking %s %s: %w", rec, s.Checker.Where(), err)
	case !ok:
		return false, &dcv.NotVisibleError{What: rec.String(), Where: s.Checker.Where()}
	}
	return true, nil
}

// txtWriter adapts cert-manager's built-in providers.
type txtWriter struct{ p txtProvider }

func (w txtWriter) present(ctx context.Context, rec Record) error {
	return w.p.Present(ctx, rec.Domain, rec.FQDN, rec.Value)
}

func (w txtWriter) cleanUp(ctx context.Context, rec Record) error {
	return w.p.CleanUp(ctx, rec.Domain, rec.FQDN, rec.Value)
}

// rfcWriter adapts the RFC 2136 presenter.
type rfcWriter struct{ p *RFC2136 }

func (w rfcWriter) challenge(rec Record) ca.Challenge {
	return ca.Challenge{Name: rec.Domain, Type: ca.DNS01, Record: rec.FQDN, RecordType: rec.Type, Content: rec.Value}
}

func (w rfcWriter) present(ctx context.Context, rec Record) error {
	return w.p.Present(ctx, w.challenge(rec))
}

func (w rfcWriter) cleanUp(ctx context.Context, rec Record) error {
	return w.p.CleanUp(ctx, w.challenge(rec))
}
