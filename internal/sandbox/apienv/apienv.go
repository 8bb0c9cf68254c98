// Package apienv is what every simulated reseller API runs on: the keys
// of its accounts, the authority that signs, where domain validation
// looks (HTTP files, DNS records), how long issuance takes, its clock and
// the zone it writes times in, the lifetime of what it issues, the size of
// its list pages, its logger and its mailbox. Each API package keeps only
// its document's own shapes and rules.
package apienv

import (
	"log/slog"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apikey"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/webcheck"
)

const (
	// DefaultValidity is the lifetime of issued certificates when
	// Config.Validity is not set.
	DefaultValidity = 90 * 24 * time.Hour
	// MaxLifetime is the longest any certificate lives, whatever Validity
	// says: the CA/Browser Forum allows 200 days from March 2026, and
	// resellers stay a day below.
	MaxLifetime = 199 * 24 * time.Hour
)

// Config configures one simulated API. An API ignores what its document
// has no use for (SSLCI has no issue delay and sends no e-mail).
type Config struct {
	// Accounts maps API keys (tokens) to account names. Several keys may
	// share an account; empty keys or names are ignored.
	Accounts map[string]string
	// Authority signs the certificates. Required for issuance.
	Authority *authority.Authority
	// HTTP01Address is the host:port validation files are fetched from
	// (with "Host: <name>"). Empty: the name itself, port 80.
	HTTP01Address string
	// DNSServer is the host:port of the authoritative DNS server asked for
	// the records of DNS validation. Empty: DNS validation fails.
	DNSServer string
	// IssueDelay is the time between the last name passing validation (or
	// a reissue request) and the certificate being issued on a later poll.
	IssueDelay time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ClockOffset is how far the API's clock is ahead of Now (negative:
	// behind), as a reseller's clock may be ahead of or behind the
	// cluster's: every date it stamps and every deadline it keeps moves.
	ClockOffset time.Duration
	// Zone is the time zone the API writes its dates and times in; nil
	// means UTC. No document names one, and a server writes its local time
	// without saying which zone it is in: text times carry no offset.
	Zone *time.Location
	// PageSize is how many entries one page of an order list holds; zero
	// (what the documents imply: none of them pages) answers the whole list
	// and ignores the "page" parameter, like an API that does not page.
	PageSize int
	// Validity of issued certificates; zero means DefaultValidity. No
	// certificate lives longer than MaxLifetime, nor past the end of the
	// subscription it was issued under.
	Validity time.Duration
	// Logger receives state changes (account names, order ids, names;
	// never a key or token). Nil discards them.
	Logger *slog.Logger
	// Revoked, when set, tells a key revoked at the reseller: it is then
	// refused like an unknown one.
	Revoked func(key string) bool
	// Mailbox receives the validation e-mails. Nil: the API keeps its own.
	Mailbox *mailbox.Mailbox
}

// Env is a Config with its defaults filled in.
type Env struct {
	Keys       *apikey.Keys
	CA         *authority.Authority
	Web        *webcheck.Fetcher
	DNSServer  string
	IssueDelay time.Duration
	Now        func() time.Time
	Zone       *time.Location
	PageSize   int
	Validity   time.Duration
	Log        *slog.Logger
	Mailbox    *mailbox.Mailbox
}

// New returns the Env of cfg.
func New(cfg Config) Env {
	e := Env{
		Keys:       apikey.New(cfg.Accounts, cfg.Revoked),
		CA:         cfg.Authority,
		Web:        webcheck.New(cfg.HTTP01Address),
		DNSServer:  cfg.DNSServer,
		IssueDelay: max(cfg.IssueDelay, 0),
		Now:        cfg.Now,
		Zone:       cfg.Zone,
		PageSize:   max(cfg.PageSize, 0),
		Validity:   cfg.Validity,
		Log:        cfg.Logger,
		Mailbox:    cfg.Mailbox,
	}
	if e.Now == nil {
		e.Now = time.Now
	}
	if offset := cfg.ClockOffset; offset != 0 {
		base := e.Now
		e.Now = func() time.Time { return base().Add(offset) }
	}
	if e.Zone == nil {
		e.Zone = time.UTC
	}
	if e.Validity <= 0 {
		e.Validity = DefaultValidity
	}
	if e.Log == nil {
		e.Log = slog.New(slog.DiscardHandler)
	}
	if e.Mailbox == nil {
		e.Mailbox = mailbox.New(e.Now)
	}
	return e
}

// Accounts returns the state of every account of e's keys, each made by
// newAccount, by account name.
func Accounts[A any](e Env, newAccount func() A) map[string]A {
	names := e.Keys.Names()
	out := make(map[string]A, len(names))
	for _, name := range names {
		out[name] = newAccount()
	}
	return out
}

// NotAfter returns the end of a certificate issued at now under a
// subscription that ends at end (zero: none): Validity later, at most
// MaxLifetime later, and never after end. It is not after now when the
// subscription has ended.
func (e Env) NotAfter(now, end time.Time) time.Time {
	notAfter := now.Add(min(e.Validity, MaxLifetime))
	if !end.IsZero() && end.Before(notAfter) {
		return end
	}
	return notAfter
}

// SubscriptionEnd returns the end of a subscription of months that starts
// at start, on the same day of the month (time.AddDate's rule).
func SubscriptionEnd(start time.Time, months int) time.Time {
	return start.AddDate(0, months, 0)
}
