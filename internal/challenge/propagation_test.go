package challenge

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv"
)

// notVisible answers Ready with a *dcv.NotVisibleError until ready is set.
type notVisible struct {
	presenter
}

func (p *notVisible) Ready(context.Context, ca.Challenge) (bool, error) {
	if p.ready {
		return true, nil
	}
	return false, &dcv.NotVisibleError{What: "TXT _dnsauth.example.com", Where: "on the nameservers 127.0.0.1:53"}
}

// A DNS record is written once; while it propagates, the challenge says
// where the check looks, and the flow just waits.
func TestDNSPropagationVisibleAndWrittenOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, rfc2136)
	nv := &notVisible{}
	f.tracker.Router.DNS = func(string, *v1alpha1.DNS01Solver) (dcv.DNSPresenter, error) { return nv, nil }

	require.NoError(t, f.tracker.Present(ctx, dnsCh))
	obj := f.get(t, dnsCh)
	assert.Equal(t, v1alpha1.ChallengePropagating, obj.Status.State)
	assert.Equal(t, "published; waiting until TXT _dnsauth.example.com can be seen on the nameservers 127.0.0.1:53", obj.Status.Message)
	assert.Empty(t, obj.Status.LastError)

	ready, err := f.tracker.Ready(ctx, dnsCh)
	require.NoError(t, err, "propagating is no error to the flow")
	assert.False(t, ready)

	// The next pass (a new tracker, as on the next reconcile) does not write again.
	g := newFixture(t, rfc2136)
	g.client, g.tracker.Client, g.tracker.Reader = f.client, f.client, f.client
	g.tracker.Router.DNS = f.tracker.Router.DNS
	nv.ready = true
	require.NoError(t, g.tracker.Present(ctx, dnsCh))
	assert.Equal(t, []string{"*.example.com"}, nv.present, "written once")
	assert.Equal(t, v1alpha1.ChallengePresented, f.get(t, dnsCh).Status.State)
}
