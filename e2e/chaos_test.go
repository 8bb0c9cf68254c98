//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// chaosHoldBefore and chaosHoldAfter are how long the sandbox holds each
// paid call before carrying it out (a kill then drops it: nothing bought)
// and its answer after (a kill then leaves the money spent and the replica
// not knowing), as a slow reseller does. SSLCI's answers are not held:
// its certificate cannot be downloaded again, so a held answer would
// strand it every time; its window after the answer is the save.
const (
	chaosHoldBefore = 150 * time.Millisecond
	chaosHoldAfter  = 300 * time.Millisecond
)

// chaosSaveSpread is how long after the answer a kill may still land: the
// save of the outcome takes about this long on a loaded machine (SSLCI's
// whole window, from the call arriving to the save, is about as short).
const chaosSaveSpread = 10 * time.Millisecond

// TestChaos issues and renews Certificates from each reseller while
// SIGKILLing the reseller-issuer replica that made each paid call (order,
// reissue, finalize) at a random moment between the call arriving at the
// sandbox and its outcome being saved; the other replica takes the lead
// over, the killed one restarts. Then it counts what was bought, in the
// reseller's own list and in the ResellerOrders: never a duplicate, never
// an orphan, and (SSLmarket, CyberSSL) never a stranded order. make test
// runs a small slice; make test-chaos sets CHAOS_CERTIFICATES,
// CHAOS_RENEWALS and CHAOS_KILLS (kills inside paid-call windows), per
// reseller.
func TestChaos(t *testing.T) {
	for _, provider := range []string{v1alpha1.ProviderSSLCI, v1alpha1.ProviderSSLMarket, v1alpha1.ProviderCyberSSL} {
		t.Run(provider, func(t *testing.T) { chaos(t, provider) })
	}
}

func chaos(t *testing.T, provider string) {
	s := sharedStack(t)
	ctx := context.Background()
	certs, renewals, kills := envInt("CHAOS_CERTIFICATES", 3), envInt("CHAOS_RENEWALS", 1), envInt("CHAOS_KILLS", 2)
	renewals = min(renewals, certs)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	start := time.Now()
	t.Logf("chaos %s: %d certificates, %d renewals, %d kills inside paid-call windows wanted, seed %d", provider, certs, renewals, kills, seed)

	before, after := chaosHoldBefore, chaosHoldAfter
	if provider == v1alpha1.ProviderSSLCI {
		before, after = 2*chaosHoldBefore, 0
	}
	require.NoError(t, s.HoldPaidCalls(ctx, before, after))
	t.Cleanup(func() { _ = s.HoldPaidCalls(context.Background(), 0, 0) })

	account := "chaos-" + provider
	ns := account
	createNamespace(t, s, ns)
	createSecret(t, s, ns, "api", accounts[account])
	spec := specFor(s, provider, "api")
	// Two-year subscriptions: renewals are free reissues.
	if spec.SSLMarket != nil {
		spec.SSLMarket.Years = 2
	}
	if spec.CyberSSL != nil {
		spec.CyberSSL.Period = 2
	}
	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: provider}, Spec: spec}
	require.NoError(t, s.Control.Client.Create(ctx, issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
	ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: provider}

	killer := startPaidCallKiller(t, s, ns, provider, rng, before+after+chaosSaveSpread)
	defer killer.finish()
	// Part of the quota is kept for the renewals' paid calls.
	reserve := min(renewals, kills/2)
	killer.setQuota(kills - reserve)

	names := make([]string, certs)
	for i := range certs {
		host := fmt.Sprintf("c%03d.chaos.%s.example.com", i, provider)
		createCertificate(t, s, ns, fmt.Sprintf("c%03d", i), ref, host, "www."+host)
		names[i] = joinNames([]string{host, "www." + host})
		time.Sleep(time.Duration(200+rng.IntN(300)) * time.Millisecond)
	}
	// Renewals the way cmctl renew forces them, each as soon as its
	// Certificate is Ready, while the others are still being issued.
	revisions := map[string]int{}
	renew := func(i int) {
		name := fmt.Sprintf("c%03d", i)
		revisions[name] = triggerRenewal(t, s, &cmapi.Certificate{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}})
		killer.setQuota(kills)
	}
	states := settleChaos(t, s, ns, certs, revisions, func(i int, state string) bool {
		if state != "ready" || len(revisions) >= renewals {
			return false
		}
		if _, done := revisions[fmt.Sprintf("c%03d", i)]; done {
			return false
		}
		renew(i)
		return true
	})
	killer.finish()

	strandedPer := map[string]int{}
	var failed []string
	count := map[string]int{}
	for i := range certs {
		name := fmt.Sprintf("c%03d", i)
		state, msg := states[name], ""
		if strings.Contains(state, ":") {
			state, msg, _ = strings.Cut(state, ":")
		}
		count[state]++
		switch state {
		case "stranded":
			strandedPer[names[i]]++
		case "failed", "pending":
			failed = append(failed, name+" "+state+":"+msg)
		}
	}
	tally := tallyChaos(t, s, provider, accounts[account], ns, strandedPer)
	fmt.Fprintf(os.Stderr, "chaos %s: certificates %d, renewals %d; %s; ready %d, stranded %d, failed or pending %d; %s; %s\n",
		provider, certs, len(revisions), killer.summary(), count["ready"], count["stranded"], len(failed), tally, time.Since(start).Round(time.Second))
	assert.GreaterOrEqual(t, killer.landed(), kills, "kills inside paid-call windows")
	assert.Zero(t, tally.Duplicates, "never two purchases for one CertificateRequest")
	assert.Zero(t, tally.Orphans, "every purchase in the reseller's list is recorded by a ResellerOrder (or stranded)")
	assert.Empty(t, failed, "every Certificate ends Ready, or stranded by SSLCI's missing download (README)")
	if provider != v1alpha1.ProviderSSLCI {
		assert.Zero(t, tally.Stranded, "an order can always be found and followed again")
	}
}

// settleChaos waits until every Certificate c000.. is ready (past the
// revision in renewing, for those), stranded or failed, and returns each
// one's state ("failed:message", "pending" when the wait ran out). Each
// settled state is offered to renew first, which tells whether it renewed.
func settleChaos(t *testing.T, s *framework.Stack, ns string, certs int, renewing map[string]int, renew func(i int, state string) bool) map[string]string {
	t.Helper()
	ctx := context.Background()
	states := map[string]string{}
	deadline := time.Now().Add(10 * time.Minute)
	for {
		settled := 0
		for i := range certs {
			name := fmt.Sprintf("c%03d", i)
			crt := &cmapi.Certificate{}
			require.NoError(t, s.Control.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, crt))
			states[name] = chaosState(ctx, s.Control.Client, crt, renewing[name])
			if states[name] != "pending" && !renew(i, states[name]) {
				settled++
			}
		}
		if settled == certs || time.Now().After(deadline) {
			return states
		}
		time.Sleep(time.Second)
	}
}

// chaosState is ready (past revision after), stranded (an SSLCI finalize
// whose answer was lost: the certificate cannot be downloaded), failed
// ("failed:message") or pending; only the requests after revision count.
// A Ready Certificate past the revision is ready even while a later
// request waits: cert-manager asks again on a stale Secret cache, and the
// issuer holds that request without ordering (OrderNotRepeated).
func chaosState(ctx context.Context, r client.Reader, c *cmapi.Certificate, after int) string {
	for _, cond := range c.Status.Conditions {
		if cond.Type == cmapi.CertificateConditionReady && cond.Status == cmmeta.ConditionTrue &&
			c.Status.Revision != nil && *c.Status.Revision > after {
			return "ready"
		}
	}
	var reqs cmapi.CertificateRequestList
	if err := r.List(ctx, &reqs, client.InNamespace(c.Namespace)); err != nil {
		return "pending"
	}
	for _, req := range reqs.Items {
		rev, _ := strconv.Atoi(req.Annotations[cmapi.CertificateRequestRevisionAnnotationKey])
		if !metav1.IsControlledBy(&req, c) || rev <= after {
			continue
		}
		for _, cond := range req.Status.Conditions {
			if cond.Type == cmapi.CertificateRequestConditionReady && cond.Reason == cmapi.CertificateRequestReasonFailed {
				if strings.Contains(cond.Message, "not buying a second one") {
					return "stranded"
				}
				return "failed:" + cond.Message
			}
		}
	}
	return "pending"
}
