package order_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

// Crash points, on the state a save writes.
var (
	// claimed: the intent of the paid call is saved, the call not made.
	claimed = func(st *ca.State) bool { return st.Intent != nil }
	// answered: the paid call returned; its outcome is being saved.
	answered = func(st *ca.State) bool { return st.Intent == nil && (st.OrderID != "" || st.ChainPEM != "") }
	// validating: a challenge to publish is saved.
	validating = func(st *ca.State) bool { return len(st.OpenChallenges()) > 0 }
	// delivered: the chain arrived and is being saved.
	delivered = func(st *ca.State) bool { return st.ChainPEM != "" }
)

// outcome is what a row expects of one reseller.
type outcome struct {
	// stranded: the paid certificate cannot be fetched again (SSLCI has no
	// download): the request fails, nothing is bought twice.
	stranded bool
	adopted  int
}

// editIssuer changes what an Issuer edit changes in a reseller's calls
// (not what was bought: the names, product and term are the order's key)
// so that every check before a paid call fails for good.
func editIssuer(r order.Reseller) {
	switch r := r.(type) {
	case *cyberssl.Reseller:
		r.DVMethod, r.Approvers = cyberssl.DVMethodEmail, nil
	case *sslmarket.Reseller:
		r.Publisher = disagreeing{}
	}
}

// disagreeing selects a different kind of solver for every name: SSLmarket
// validates all names of an order one way.
type disagreeing struct{ publisher }

func (disagreeing) Method(name string) ca.Method {
	if strings.HasPrefix(name, "www.") {
		return ca.Method{Type: ca.DNS01}
	}
	return ca.Method{Type: ca.HTTP01}
}

// TestStepBoundaries runs one table of crashes, conflicts and clock skews
// through the one protocol against each reseller's real calls and the
// sandbox: whatever happens, exactly one certificate is paid for, and it
// is delivered unless the reseller cannot hand it out again.
func TestStepBoundaries(t *testing.T) {
	recovered := map[string]outcome{v1alpha1.ProviderSSLCI: {stranded: true}, v1alpha1.ProviderSSLMarket: {adopted: 1}, v1alpha1.ProviderCyberSSL: {adopted: 1}}
	tests := []struct {
		name          string
		cfg           rigConfig
		before, after func(st *ca.State) bool
		// conflict writes the order from elsewhere while the paid call runs.
		conflict bool
		// edit changes the Issuer after the first crash.
		edit bool
		// decoy places an order for the same key an hour before the claim.
		decoy bool
		// fill buys this many certificates for other names before the claim.
		fill int
		want map[string]outcome
	}{
		{name: "crash after the claim", after: claimed},
		{name: "crash after the paid call, before its outcome is saved", before: answered, want: recovered},
		{name: "crash during domain control validation", after: validating},
		{name: "crash after the chain arrives, before it is saved", before: delivered, want: map[string]outcome{v1alpha1.ProviderSSLCI: {stranded: true}}},
		{name: "a conflicting write during the paid call", conflict: true},
		// Window 1 of issue 15: adoption allowed 1 (SSLCI) or 2 (CyberSSL)
		// minutes before the claim, so a lost order behind the reseller's
		// clock was not found and bought again.
		{name: "the reseller's clock 3 hours behind", cfg: rigConfig{offset: -3 * time.Hour}, before: answered, want: recovered},
		{name: "the reseller's clock 3 hours ahead", cfg: rigConfig{offset: 3 * time.Hour}, before: answered, want: recovered},
		// Its times in an unknown zone, read as UTC: UTC+13 (Samoa) and
		// UTC-11 are inside ca.ClockSkew.
		{name: "the reseller's times in UTC+13", cfg: rigConfig{offset: 13 * time.Hour}, before: answered, want: recovered},
		{name: "the reseller's times in UTC-11", cfg: rigConfig{offset: -11 * time.Hour}, before: answered, want: recovered},
		// The sandbox writing its times in a zone without saying so, its
		// clock off as well: both are inside ca.ClockSkew together.
		{name: "the reseller's clock 3 hours ahead, its times in UTC+10", cfg: rigConfig{offset: 3 * time.Hour, zone: time.FixedZone("UTC+10", 10*3600)}, before: answered, want: recovered},
		{name: "the reseller's clock 3 hours behind, its times in UTC-10", cfg: rigConfig{offset: -3 * time.Hour, zone: time.FixedZone("UTC-10", -10*3600)}, before: answered, want: recovered},
		// Window 3: CyberSSL checked its product and configuration before
		// the search, so an Issuer edit after a crash failed the request for
		// good and orphaned the paid order.
		{name: "an Issuer edit after a crash makes the checks before ordering fail", before: answered, edit: true, want: recovered},
		// Window 4: adoption took the earliest match, not the one closest
		// after the claim.
		{name: "an earlier order of the same key", before: answered, decoy: true, want: recovered},
		{name: "an earlier order of the same key, the reseller's clock 3 hours behind", cfg: rigConfig{offset: -3 * time.Hour}, before: answered, decoy: true, want: recovered},
		{name: "an earlier order of the same key, the reseller's clock 3 hours ahead", cfg: rigConfig{offset: 3 * time.Hour}, before: answered, decoy: true, want: recovered},
		// Window 6: the order list was read as one page, so a lost order
		// past it was not found and bought again.
		{name: "an order list of 30 orders paged by 5", cfg: rigConfig{pageSize: 5}, before: answered, fill: 29, want: recovered},
	}
	for _, tt := range tests {
		for _, r := range resellers {
			t.Run(tt.name+"/"+r.provider, func(t *testing.T) {
				names := []string{"shop.example.com", "www.shop.example.com"}
				e := newEnv(t, r, tt.cfg, names...)
				if tt.before != nil {
					e.before = once(tt.before)
				}
				if tt.after != nil {
					e.after = once(tt.after)
				}
				if tt.conflict {
					e.after = e.writeFromElsewhere(t)
				}
				req := request(t, names...)
				e.fill(t, tt.fill)
				decoy := ""
				if tt.decoy {
					if r.place == nil {
						t.Skipf("decoy rows need a reseller whose orders can be adopted; %s has none (its finalize returns the certificate once, no download)", r.provider)
					}
					var err error
					decoy, err = r.place(e.apiURL, req)
					require.NoError(t, err)
					e.clock.Advance(time.Hour)
				}
				e.claim(t, "r1", 1)
				if tt.edit {
					e.afterCrash = func() { editIssuer(e.protocol.Reseller) }
				}
				res, err := e.driveThroughCrashes(t, req)
				want := tt.want[r.provider]
				if want.stranded {
					require.Error(t, err)
					assert.True(t, ca.IsPermanent(err), "%v", err)
					assert.ErrorContains(t, err, "not buying a second one")
				} else {
					require.NoError(t, err)
					_, err = ca.VerifyChain(req, res.ChainPEM)
					require.NoError(t, err)
					assert.Equal(t, v1alpha1.OrderIssued, e.read(t).Status.State)
				}
				bought := 1 + tt.fill
				if decoy != "" {
					bought++
					assert.NotEqual(t, decoy, e.read(t).Status.OrderID, "the order closest to the claim is adopted")
				}
				assert.Equal(t, bought, r.paid(e.stats()), "exactly one paid order or finalize")
				assert.Equal(t, want.adopted, e.notes.adopted, "adoptions")
			})
		}
	}
}

// driveThroughCrashes drives the request to its end; after a crash the
// next worker comes once the dead one's claim is stale.
func (e *env) driveThroughCrashes(t *testing.T, req ca.Request) (*ca.Result, error) {
	t.Helper()
	for range 4 {
		res, err := e.drive(t, req)
		if !errors.Is(err, errCrash) {
			return res, err
		}
		e.clock.Advance(2 * time.Minute)
		if e.afterCrash != nil {
			e.afterCrash()
		}
	}
	t.Fatal("crashed too often")
	return nil, nil
}

// writeFromElsewhere writes the order (as another controller or a person
// would) right after the paid call was claimed, once.
func (e *env) writeFromElsewhere(t *testing.T) func(st *ca.State) error {
	write := once(claimed)
	return func(st *ca.State) error {
		if write(st) == nil {
			return nil
		}
		o := e.read(t)
		o.Status.LastMessage = "written from elsewhere"
		require.NoError(t, e.k8s.Status().Update(context.Background(), o))
		return nil
	}
}
