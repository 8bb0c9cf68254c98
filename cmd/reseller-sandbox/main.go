// Command reseller-sandbox serves simulated reseller APIs (SSLCI for now),
// backed by an in-memory CA, for tests, demos and dry runs. Plain HTTP.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // zone names for --time-zone on any machine

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

const (
	defaultListen     = "127.0.0.1:8080"
	defaultAccount    = "demo"
	defaultToken      = "sandbox-token"
	defaultValidity   = 90 * 24 * time.Hour
	shutdownTimeout   = 10 * time.Second
	readHeaderTimeout = 10 * time.Second
)

func main() {
	if err := run(); err != nil {
		slog.Error("reseller-sandbox failed", "error", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	listen        string
	accounts      accountsFlag
	http01Address string
	dnsServer     string
	validity      time.Duration
	issueDelay    time.Duration
	clockOffsets  perProvider[time.Duration]
	zones         perProvider[*time.Location]
	pageSize      int
}

// perProvider collects a repeated provider=value flag.
type perProvider[V any] struct {
	values map[string]V
	// what the value is, for errors ("duration")
	what   string
	parse  func(string) (V, error)
	format func(V) string
}

func (p perProvider[V]) String() string {
	parts := make([]string, 0, len(p.values))
	for provider, v := range p.values {
		parts = append(parts, provider+"="+p.format(v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func (p perProvider[V]) Set(s string) error {
	provider, raw, ok := strings.Cut(s, "=")
	if !ok || provider == "" {
		return fmt.Errorf("want provider=%s", p.what)
	}
	v, err := p.parse(raw)
	if err != nil {
		return fmt.Errorf("provider %s: %w", provider, err)
	}
	p.values[provider] = v
	return nil
}

// parseZone reads an IANA zone name (Europe/Prague) or a fixed offset
// from UTC written +HH:MM or -HH:MM.
func parseZone(s string) (*time.Location, error) {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		t, err := time.Parse("-07:00", s)
		if err != nil {
			return nil, fmt.Errorf("zone offset %q: want +HH:MM or -HH:MM", s)
		}
		_, offset := t.Zone()
		return time.FixedZone("UTC"+s, offset), nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("zone %q: %w", s, err)
	}
	return loc, nil
}

// accountsFlag collects repeated --account name=token flags as token -> name.
type accountsFlag map[string]string

func (a accountsFlag) String() string {
	names := make([]string, 0, len(a))
	for _, n := range a {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func (a accountsFlag) Set(v string) error {
	name, token, ok := strings.Cut(v, "=")
	if !ok || name == "" || token == "" {
		return errors.New("want name=token")
	}
	if _, dup := a[token]; dup {
		return fmt.Errorf("account %q: token already given for another account", name)
	}
	a[token] = name
	return nil
}

func parseOptions(args []string) (*options, error) {
	o := &options{
		accounts:     accountsFlag{},
		clockOffsets: perProvider[time.Duration]{values: map[string]time.Duration{}, what: "duration", parse: time.ParseDuration, format: time.Duration.String},
		zones:        perProvider[*time.Location]{values: map[string]*time.Location{}, what: "zone", parse: parseZone, format: (*time.Location).String},
	}
	fs := flag.NewFlagSet("reseller-sandbox", flag.ContinueOnError)
	fs.StringVar(&o.listen, "listen", defaultListen, "address to serve plain HTTP on")
	fs.Var(o.accounts, "account", "API account as name=token (repeatable; default "+defaultAccount+"="+defaultToken+")")
	accountsFile := fs.String("accounts-file", "", "file of name=token lines, one account each (keeps tokens out of the process list)")
	fs.StringVar(&o.http01Address, "http01-address", "", "host:port to fetch HTTP verification files from, with the domain as Host (default: the domain, port 80)")
	fs.StringVar(&o.dnsServer, "dns-server", "", "authoritative DNS server (`host:port`) queried for DNS validation records; empty: DNS validation always fails with a message saying so")
	fs.DurationVar(&o.validity, "validity", defaultValidity, "lifetime of issued certificates")
	fs.Var(o.clockOffsets, "clock-offset", "an API's clock ahead of this machine's (negative: behind) as provider=duration, e.g. sslmarket=2h or cyberssl=-90s (repeatable)")
	fs.Var(o.zones, "time-zone", "the zone an API writes its dates and times in (without saying so; default UTC) as provider=zone, the zone an IANA name or +HH:MM, e.g. sslmarket=Europe/Prague (repeatable)")
	fs.IntVar(&o.pageSize, "page-size", 0, "entries per page of each API's order list, asked for with ?page=N; 0 answers whole lists, as no reseller's document describes paging")
	fs.DurationVar(&o.issueDelay, "issue-delay", 2*time.Second, "time SSLmarket and CyberSSL orders take to issue once validated")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if *accountsFile != "" {
		data, err := os.ReadFile(*accountsFile)
		if err != nil {
			return nil, fmt.Errorf("--accounts-file: %w", err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if err := o.accounts.Set(line); err != nil {
				return nil, fmt.Errorf("--accounts-file line %d: %w", i+1, err)
			}
		}
	}
	if len(o.accounts) == 0 {
		o.accounts[defaultToken] = defaultAccount
	}
	if o.dnsServer != "" {
		if host, port, err := net.SplitHostPort(o.dnsServer); err != nil || host == "" || port == "" {
			return nil, fmt.Errorf("--dns-server must be host:port, got %q", o.dnsServer)
		}
	}
	if o.validity <= 0 {
		return nil, fmt.Errorf("--validity must be positive, got %s", o.validity)
	}
	if o.pageSize < 0 {
		return nil, fmt.Errorf("--page-size must not be negative, got %d", o.pageSize)
	}
	return o, nil
}

func run() error {
	o, err := parseOptions(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	sb, err := sandbox.New(sandbox.Config{
		Accounts:      o.accounts,
		HTTP01Address: o.http01Address,
		DNSServer:     o.dnsServer,
		Validity:      o.validity,
		IssueDelay:    o.issueDelay,
		ClockOffsets:  o.clockOffsets.values,
		Zones:         o.zones.values,
		PageSize:      o.pageSize,
		Logger:        log,
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", o.listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sb.Handler(), ReadHeaderTimeout: readHeaderTimeout}
	base := "http://" + ln.Addr().String()
	log.Info("reseller-sandbox listening",
		"address", ln.Addr().String(),
		"sslci", base+sandbox.SSLCIPath,
		"caPEM", base+sandbox.CAPath,
		"stats", base+sandbox.StatsPath,
		"mail", base+sandbox.MailPath,
		"health", base+sandbox.HealthPath,
		"accounts", o.accounts.String(),
		"http01Address", o.http01Address,
		"dnsServer", o.dnsServer,
		"validity", o.validity.String(),
		"clockOffsets", o.clockOffsets.String(),
		"timeZones", o.zones.String(),
		"pageSize", o.pageSize,
	)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
