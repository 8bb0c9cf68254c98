//go:build integration

package dns01

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/e2e/knot"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// startKnot runs a real Knot DNS authoritative for example.com. A missing
// knotd fails the test: this tier is meant to run against the real server.
func startKnot(t *testing.T) *knot.Server {
	t.Helper()
	if _, err := knot.Binary(); err != nil {
		t.Fatalf("this test needs Knot DNS (knotd); install it with `%s`: %v", knot.InstallHint, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := knot.Start(ctx, t.TempDir(), "example.com", "acme-update")
	require.NoError(t, err)
	t.Cleanup(func() {
		srv.Stop()
		cancel()
		if t.Failed() {
			t.Logf("knot log: %s", srv.LogPath())
		}
	})
	return srv
}

func presenterFor(srv *knot.Server) *RFC2136 {
	return &RFC2136{
		Nameserver:    srv.Addr(),
		TSIGKeyName:   srv.KeyName,
		TSIGAlgorithm: "HMACSHA256", // the CRD's value
		TSIGSecret:    srv.Secret,
		TTL:           30,
		Timeout:       5 * time.Second,
	}
}

func lookup(t *testing.T, srv *knot.Server, name string, qtype uint16) []string {
	t.Helper()
	got, err := srv.Lookup(context.Background(), name, qtype)
	require.NoError(t, err)
	return got
}

func requireReady(t *testing.T, p *RFC2136, ch ca.Challenge, want bool) {
	t.Helper()
	ok, err := p.Ready(context.Background(), ch)
	require.NoError(t, err)
	require.Equal(t, want, ok, "Ready(%s %s %q)", ch.RecordType, ch.Record, ch.Content)
}

func TestIntegrationTXT(t *testing.T) {
	srv := startKnot(t)
	p := presenterFor(srv)
	ctx := context.Background()
	const record = "_acme-challenge.example.com"
	// One record name for the wildcard and the apex, with two values.
	wild := ca.Challenge{Name: "*.example.com", Type: ca.DNS01, Record: record, RecordType: "TXT", Content: "wildcard-token-Ab_c-1"}
	apex := ca.Challenge{Name: "example.com", Type: ca.DNS01, Record: record, RecordType: "TXT", Content: "apex-token-Xy_z-2"}

	requireReady(t, p, wild, false)
	require.NoError(t, p.Present(ctx, wild))
	requireReady(t, p, wild, true)
	requireReady(t, p, apex, false)
	assert.Equal(t, []string{wild.Content}, lookup(t, srv, record, dns.TypeTXT))

	// Idempotent: presenting again adds nothing.
	require.NoError(t, p.Present(ctx, wild))
	assert.Equal(t, []string{wild.Content}, lookup(t, srv, record, dns.TypeTXT))

	// A second value at the same name sits next to the first.
	require.NoError(t, p.Present(ctx, apex))
	require.NoError(t, p.Present(ctx, apex))
	requireReady(t, p, wild, true)
	requireReady(t, p, apex, true)
	assert.ElementsMatch(t, []string{wild.Content, apex.Content}, lookup(t, srv, record, dns.TypeTXT))

	// CleanUp removes exactly one value, and is idempotent.
	require.NoError(t, p.CleanUp(ctx, wild))
	requireReady(t, p, wild, false)
	requireReady(t, p, apex, true)
	assert.Equal(t, []string{apex.Content}, lookup(t, srv, record, dns.TypeTXT))
	require.NoError(t, p.CleanUp(ctx, wild))
	require.NoError(t, p.CleanUp(ctx, apex))
	requireReady(t, p, apex, false)
	assert.Empty(t, lookup(t, srv, record, dns.TypeTXT))

	// Values needing quoting, and longer than one character-string.
	long := make([]byte, 300)
	for i := range long {
		long[i] = 'a' + byte(i%26)
	}
	for _, v := range []string{`with "quotes"; spaces and \backslash`, string(long)} {
		ch := ca.Challenge{Name: "deep.sub.example.com", Type: ca.DNS01, Record: "_acme-challenge.deep.sub.example.com.", RecordType: "TXT", Content: v}
		require.NoError(t, p.Present(ctx, ch))
		requireReady(t, p, ch, true)
		assert.Equal(t, []string{v}, lookup(t, srv, ch.Record, dns.TypeTXT))
		require.NoError(t, p.CleanUp(ctx, ch))
		assert.Empty(t, lookup(t, srv, ch.Record, dns.TypeTXT))
	}

	// The zone's own records are untouched.
	assert.Equal(t, []string{"ns1.example.com."}, lookup(t, srv, "example.com", dns.TypeNS))
}

func TestIntegrationCNAME(t *testing.T) {
	srv := startKnot(t)
	p := presenterFor(srv)
	ctx := context.Background()
	const record = "_acme-challenge.www.example.com"
	first := ca.Challenge{Name: "www.example.com", Type: ca.DNS01, Record: record, RecordType: "CNAME", Content: "token-1.dcv.example.net"}
	second := first
	second.Content = "token-2.dcv.example.net."

	requireReady(t, p, first, false)
	require.NoError(t, p.Present(ctx, first))
	requireReady(t, p, first, true)
	assert.Equal(t, []string{"token-1.dcv.example.net."}, lookup(t, srv, record, dns.TypeCNAME))
	require.NoError(t, p.Present(ctx, first))
	assert.Equal(t, []string{"token-1.dcv.example.net."}, lookup(t, srv, record, dns.TypeCNAME))

	// A new target replaces the old one.
	require.NoError(t, p.Present(ctx, second))
	requireReady(t, p, second, true)
	requireReady(t, p, first, false)
	assert.Equal(t, []string{"token-2.dcv.example.net."}, lookup(t, srv, record, dns.TypeCNAME))

	// Cleaning up the old target leaves the new one; the new one goes.
	require.NoError(t, p.CleanUp(ctx, first))
	assert.Equal(t, []string{"token-2.dcv.example.net."}, lookup(t, srv, record, dns.TypeCNAME))
	require.NoError(t, p.CleanUp(ctx, second))
	requireReady(t, p, second, false)
	assert.Empty(t, lookup(t, srv, record, dns.TypeCNAME))
}

func TestIntegrationTSIGErrors(t *testing.T) {
	srv := startKnot(t)
	ctx := context.Background()
	ch := ca.Challenge{Name: "*.example.com", Type: ca.DNS01, Record: "_acme-challenge.example.com", RecordType: "TXT", Content: "never-published"}

	raw := make([]byte, 32)
	_, err := rand.Read(raw)
	require.NoError(t, err)
	wrongSecret := base64.StdEncoding.EncodeToString(raw)

	for name, tc := range map[string]struct {
		mutate func(*RFC2136)
		want   string
	}{
		"wrong secret":    {func(p *RFC2136) { p.TSIGSecret = wrongSecret }, "BADSIG"},
		"wrong key name":  {func(p *RFC2136) { p.TSIGKeyName = "other-key" }, "BADKEY"},
		"wrong algorithm": {func(p *RFC2136) { p.TSIGAlgorithm = "HMACSHA512" }, "BADKEY"},
		"unsigned":        {func(p *RFC2136) { p.TSIGKeyName, p.TSIGSecret = "", "" }, "unsigned update"},
	} {
		t.Run(name, func(t *testing.T) {
			p := presenterFor(srv)
			tc.mutate(p)
			for _, err := range []error{p.Present(ctx, ch), p.CleanUp(ctx, ch)} {
				require.Error(t, err)
				msg := err.Error()
				t.Log(msg)
				assert.Contains(t, msg, tc.want)
				assert.Contains(t, msg, "_acme-challenge.example.com.")
				assert.Contains(t, msg, srv.Addr())
				assert.NotContains(t, msg, wrongSecret)
				assert.NotContains(t, msg, srv.Secret)
			}
			// Queries are unsigned, so the check itself still works.
			requireReady(t, p, ch, false)
		})
	}
	assert.Empty(t, lookup(t, srv, ch.Record, dns.TypeTXT))
}

func TestIntegrationZoneLookup(t *testing.T) {
	srv := startKnot(t)
	p := presenterFor(srv)
	ctx := context.Background()

	zone, err := p.findZone(ctx, "_acme-challenge.a.b.c.example.com.")
	require.NoError(t, err)
	assert.Equal(t, "example.com.", zone)
	zone, err = p.findZone(ctx, "example.com.")
	require.NoError(t, err)
	assert.Equal(t, "example.com.", zone)

	outside := ca.Challenge{Name: "example.org", Type: ca.DNS01, Record: "_acme-challenge.example.org", RecordType: "TXT", Content: "v"}
	err = p.Present(ctx, outside)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "serves no SOA")
	assert.Contains(t, err.Error(), srv.Addr())
	_, err = p.Ready(ctx, outside)
	require.Error(t, err)
	assert.Contains(t, err.Error(), srv.Addr())
}
