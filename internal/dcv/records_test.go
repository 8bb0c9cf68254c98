package dcv

import (
	"context"
	"errors"
	"testing"

	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

func cloudflareSolver(sel *v1alpha1.Selector) v1alpha1.Solver {
	return v1alpha1.Solver{Selector: sel, DNS01: &v1alpha1.DNS01Solver{ACMEChallengeSolverDNS01: cmacme.ACMEChallengeSolverDNS01{
		Cloudflare: &cmacme.ACMEIssuerDNS01ProviderCloudflare{APIToken: &cmmeta.SecretKeySelector{LocalObjectReference: cmmeta.LocalObjectReference{Name: "cf"}, Key: "token"}},
	}}}
}

func webhookSolver(sel *v1alpha1.Selector) v1alpha1.Solver {
	return v1alpha1.Solver{Selector: sel, DNS01: &v1alpha1.DNS01Solver{ACMEChallengeSolverDNS01: cmacme.ACMEChallengeSolverDNS01{
		Webhook: &cmacme.ACMEIssuerDNS01ProviderWebhook{GroupName: "acme.example.com", SolverName: "hetzner"},
	}}}
}

func TestCheckRecordType(t *testing.T) {
	solvers := []v1alpha1.Solver{
		dnsSolver(zones("rfc.example.com"), "ns:53"),
		cloudflareSolver(zones("cf.example.com")),
		webhookSolver(zones("hook.example.com")),
		solver(zones("web.example.com")),
	}
	names := []string{"a.rfc.example.com", "*.cf.example.com", "b.hook.example.com", "web.example.com", "other.example.org"}

	require.NoError(t, CheckRecordType(solvers, nil, names, "TXT"), "every provider writes TXT")

	err := CheckRecordType(solvers, nil, names, "CNAME")
	require.Error(t, err)
	var rte *RecordTypeError
	require.ErrorAs(t, err, &rte)
	msg := err.Error()
	for _, want := range []string{
		"*.cf.example.com: the reseller validates it with a CNAME record, but spec.domainValidation.solvers[1] (dns01.cloudflare) writes TXT records only",
		"b.hook.example.com: the reseller validates it with a CNAME record, but spec.domainValidation.solvers[2] (dns01.webhook)",
		"an rfc2136 dns01 solver", "an http01 or email solver", "manual",
	} {
		assert.Contains(t, msg, want)
	}
	for _, ok := range []string{"a.rfc.example.com", "web.example.com", "other.example.org"} {
		assert.NotContains(t, msg, ok+":", "rfc2136, http01 and unselected names pass")
	}
}

func TestRouterRefusesCNAMEForTXTOnlyProvider(t *testing.T) {
	var calls []string
	r := newRouter(&calls, dnsSolver(zones("rfc.example.com"), "ns:53"), cloudflareSolver(zones("example.com")))
	cname := ca.Challenge{Name: "a.example.com", Type: ca.DNS01, Record: "_dnsauth.a.example.com", RecordType: "CNAME", Content: "x.dcv.cyberssl.example."}

	err := r.Present(context.Background(), cname)
	var rte *RecordTypeError
	require.ErrorAs(t, err, &rte)
	assert.Equal(t, "spec.domainValidation.solvers[1]", rte.Solver)
	assert.Equal(t, "cloudflare", rte.Provider)
	assert.Empty(t, calls, "nothing is written")

	// A TXT challenge goes to the cloudflare solver, which learns its path.
	txt := cname
	txt.RecordType = "TXT"
	require.NoError(t, r.Present(context.Background(), txt))
	assert.Equal(t, []string{"dns:cloudflare:spec.domainValidation.solvers[1] present a.example.com"}, calls)

	// rfc2136 writes CNAMEs.
	calls = nil
	cname.Name, cname.Record = "b.rfc.example.com", "_dnsauth.b.rfc.example.com"
	require.NoError(t, r.Present(context.Background(), cname))
	assert.Equal(t, []string{"dns:ns:53 present b.rfc.example.com"}, calls)
}

func TestNotVisibleError(t *testing.T) {
	err := error(&NotVisibleError{What: "TXT _acme-challenge.example.com", Where: "on the nameservers 127.0.0.1:53"})
	assert.Equal(t, "published; waiting until TXT _acme-challenge.example.com can be seen on the nameservers 127.0.0.1:53", err.Error())
	assert.False(t, errors.Is(err, ca.ErrManual))
}
