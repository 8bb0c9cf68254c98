// Package sandbox assembles the simulated reseller APIs served by
// reseller-sandbox, all backed by one in-memory certificate authority.
//
// Routes:
//
//	/sslci/api                       the SSLCI API (package sslci)
//	/sslmarket/api/...               the SSLmarket API (package sslmarket)
//	/cyberssl/v1/...                 the CyberSSL API (package cyberssl)
//	GET /sandbox/ca.pem              the root certificate, PEM
//	GET /sandbox/stats               per-API, per-account activity, JSON
//	/sandbox/faults                  transient-fault injection (faults.go)
//	GET /sandbox/paidcalls           each paid call as it arrives and as
//	                                 it is answered; POST sets how long
//	                                 paid answers are held (paidcalls.go)
//	GET /sandbox/mail                the domain validation e-mails sent,
//	                                 JSON (mail.go)
//	POST /sandbox/mail/{id}/approve  "clicks the link" of one (mail.go)
//	POST /sandbox/tokens             revoke or restore an API token (access.go)
//	POST /sandbox/balance            set a CyberSSL account's balance (access.go)
//	POST /sandbox/clock              move an API's clock (clock.go)
//	GET /healthz                     "ok"
package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sslci"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sslmarket"
)

// Mount paths of the simulated APIs and of the sandbox's own endpoints.
const (
	SSLCIPath     = "/sslci/api"
	CAPath        = "/sandbox/ca.pem"
	StatsPath     = "/sandbox/stats"
	HealthPath    = "/healthz"
	SSLmarketPath = "/sslmarket/api"
	CyberSSLPath  = "/cyberssl/v1"
)

// Config configures a Sandbox.
type Config struct {
	// Accounts maps API tokens to account names.
	Accounts map[string]string
	// HTTP01Address is the host:port HTTP verification files are fetched
	// from (with the domain as Host). Empty: the domain itself, port 80.
	HTTP01Address string
	// DNSServer is the host:port of the authoritative DNS server asked (no
	// recursion) for the records of DNS validation. Empty: DNS validation
	// always fails, saying so.
	DNSServer string
	// Validity of issued certificates; zero means 90 days. No certificate
	// lives longer than 199 days, nor past its order's subscription.
	Validity time.Duration
	// IssueDelay is how long SSLmarket and CyberSSL orders take to issue
	// once validated.
	IssueDelay time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ClockOffsets puts an API's clock ahead of Now (negative: behind), by
	// provider name (ProviderSSLCI, ProviderSSLmarket, ProviderCyberSSL).
	ClockOffsets map[string]time.Duration
	// Zones is the time zone an API writes its dates in, by provider name
	// (nil or missing: UTC).
	Zones map[string]*time.Location
	// PageSize is how many entries a page of each API's order list holds;
	// zero answers whole lists, as no document pages.
	PageSize int
	// Logger receives state changes (never tokens); nil discards them.
	Logger *slog.Logger
}

// Sandbox holds the authority and the simulated APIs.
type Sandbox struct {
	ca        *authority.Authority
	sslci     *sslci.Server
	sslmarket *sslmarket.Server
	cyberssl  *cyberssl.Server
	mailbox   *mailbox.Mailbox
	faults    faultInjector
	paid      paidCalls
	// accounts maps every API token to its account name.
	accounts    map[string]string
	revocations revocations
	// clocks is each API's offset from Now (ClockOffsets, then ClockPath).
	clocks clocks
}

// Stats is the body of GET /sandbox/stats: per API, per account name.
type Stats struct {
	SSLCI     map[string]sslci.AccountStats     `json:"sslci"`
	SSLmarket map[string]sslmarket.AccountStats `json:"sslmarket"`
	CyberSSL  map[string]cyberssl.AccountStats  `json:"cyberssl"`
}

// New creates the authority and the simulated APIs.
func New(cfg Config) (*Sandbox, error) {
	if len(cfg.Accounts) == 0 {
		return nil, errors.New("no accounts configured")
	}
	for token, name := range cfg.Accounts {
		if token == "" || name == "" {
			return nil, errors.New("accounts need a non-empty name and token")
		}
	}
	if cfg.Validity < 0 {
		return nil, fmt.Errorf("validity must not be negative, got %s", cfg.Validity)
	}
	if cfg.PageSize < 0 {
		return nil, fmt.Errorf("page size must not be negative, got %d", cfg.PageSize)
	}
	if err := knownProviders("clock offset", cfg.ClockOffsets); err != nil {
		return nil, err
	}
	if err := knownProviders("time zone", cfg.Zones); err != nil {
		return nil, err
	}
	ca, err := authority.New()
	if err != nil {
		return nil, fmt.Errorf("creating certificate authority: %w", err)
	}
	mails := mailbox.New(cfg.Now)
	s := &Sandbox{
		ca:       ca,
		mailbox:  mails,
		accounts: cfg.Accounts,
		clocks:   newClocks(cfg.ClockOffsets),
	}
	api := apienv.Config{
		Accounts:      cfg.Accounts,
		Authority:     ca,
		HTTP01Address: cfg.HTTP01Address,
		DNSServer:     cfg.DNSServer,
		IssueDelay:    cfg.IssueDelay,
		Now:           cfg.Now,
		Validity:      cfg.Validity,
		Logger:        cfg.Logger,
		Mailbox:       mails,
		Revoked:       s.revocations.revoked,
		PageSize:      cfg.PageSize,
	}
	of := func(provider string) apienv.Config {
		c := api
		c.Now = s.clocks.now(provider, cfg.Now)
		c.Zone = cfg.Zones[provider]
		return c
	}
	s.sslci = sslci.New(of(ProviderSSLCI))
	s.sslmarket = sslmarket.New(of(ProviderSSLmarket))
	s.cyberssl = cyberssl.New(of(ProviderCyberSSL))
	return s, nil
}

// knownProviders checks that every key of a per-API setting names an API.
func knownProviders[V any](what string, byProvider map[string]V) error {
	for provider := range byProvider {
		switch provider {
		case ProviderSSLCI, ProviderSSLmarket, ProviderCyberSSL:
		default:
			return fmt.Errorf("%s for unknown provider %q (want %s, %s or %s)", what, provider, ProviderSSLCI, ProviderSSLmarket, ProviderCyberSSL)
		}
	}
	return nil
}

// Authority returns the certificate authority that signs for every API.
func (s *Sandbox) Authority() *authority.Authority { return s.ca }

// SSLCI returns the simulated SSLCI API.
func (s *Sandbox) SSLCI() *sslci.Server { return s.sslci }

// Mailbox returns the domain validation e-mails of SSLmarket and CyberSSL.
func (s *Sandbox) Mailbox() *mailbox.Mailbox { return s.mailbox }

// Stats returns the activity of every account of every API.
func (s *Sandbox) Stats() Stats {
	return Stats{SSLCI: s.sslci.Stats(), SSLmarket: s.sslmarket.Stats(), CyberSSL: s.cyberssl.Stats()}
}

// Handler returns the HTTP handler serving every route of the sandbox.
func (s *Sandbox) Handler() http.Handler {
	mux := http.NewServeMux()
	api := func(provider string, h http.Handler) http.Handler {
		return s.faults.wrap(provider, s.paid.wrap(provider, h))
	}
	mux.Handle(SSLCIPath, api(ProviderSSLCI, s.sslci))
	mux.Handle(SSLmarketPath+"/", http.StripPrefix(SSLmarketPath, api(ProviderSSLmarket, s.sslmarket)))
	mux.Handle(CyberSSLPath+"/", http.StripPrefix(CyberSSLPath, api(ProviderCyberSSL, s.cyberssl)))
	mux.HandleFunc("GET "+PaidCallsPath, s.paid.serve)
	mux.HandleFunc("POST "+PaidCallsPath, s.paid.serveLatency)
	mux.HandleFunc(FaultsPath, s.serveFaults)
	mux.HandleFunc("GET "+MailPath, s.serveMails)
	mux.HandleFunc("POST "+MailPath+"/{id}/approve", s.serveApproveMail)
	mux.HandleFunc("POST "+TokensPath, s.serveTokens)
	mux.HandleFunc("POST "+BalancePath, s.serveBalance)
	mux.HandleFunc("POST "+ClockPath, s.serveClock)
	mux.HandleFunc("GET "+CAPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(s.ca.RootPEM())
	})
	mux.HandleFunc("GET "+StatsPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(s.Stats())
	})
	mux.HandleFunc("GET "+HealthPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
	})
	return mux
}
