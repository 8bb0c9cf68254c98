//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
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
	"github.com/reseller-issuer/reseller-issuer/internal/ca/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslci"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestChaos issues Certificates from each reseller while SIGKILLing one of
// the two reseller-issuer replicas at random moments (the other takes the
// lead over mid-issuance), then asks the reseller itself how many
// certificates it sold per set of names: never two, and none that no
// Certificate asked for. make test runs a small slice; make test-chaos sets
// CHAOS_CERTIFICATES (per provider) and CHAOS_KILLS (per provider).
func TestChaos(t *testing.T) {
	for _, provider := range []string{v1alpha1.ProviderSSLCI, v1alpha1.ProviderSSLMarket, v1alpha1.ProviderCyberSSL} {
		t.Run(provider, func(t *testing.T) { chaos(t, provider) })
	}
}

func chaos(t *testing.T, provider string) {
	s := sharedStack(t)
	ctx := context.Background()
	certs, kills := envInt("CHAOS_CERTIFICATES", 4), envInt("CHAOS_KILLS", 6)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("chaos %s: %d certificates, %d kills, seed %d", provider, certs, kills, seed)

	account := "chaos-" + provider
	ns := account
	createNamespace(t, s, ns)
	createSecret(t, s, ns, "api", accounts[account])
	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: provider}, Spec: specFor(s, provider, "api")}
	require.NoError(t, s.Control.Client.Create(ctx, issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
	ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: provider}

	// Certificates arrive one per kill cycle, so kills land at every step of
	// issuance: validation, the paid call, polling, saving.
	killed := 0
	for i := 0; i < certs || killed < kills; i++ {
		if i < certs {
			host := fmt.Sprintf("c%03d.chaos.%s.example.com", i, provider)
			createCertificate(t, s, ns, fmt.Sprintf("c%03d", i), ref, host, "www."+host)
		}
		if killed < kills {
			time.Sleep(time.Duration(200+rng.IntN(1800)) * time.Millisecond)
			victim := s.Issuers[rng.IntN(len(s.Issuers))]
			// The stack supervises the replicas: a killed one restarts.
			require.NoError(t, victim.Kill(), "SIGKILL %s", victim.Name)
			killed++
		}
	}

	var ready, stranded int
	var failed []string
	deadline := time.Now().Add(5 * time.Minute)
	for {
		ready, stranded, failed = 0, 0, nil
		var list cmapi.CertificateList
		require.NoError(t, s.Control.Client.List(ctx, &list, client.InNamespace(ns)))
		for _, c := range list.Items {
			switch state, msg := certificateState(ctx, s.Control.Client, &c); state {
			case "ready":
				ready++
			case "stranded":
				stranded++
			case "failed":
				failed = append(failed, c.Name+": "+msg)
			}
		}
		if ready+stranded+len(failed) == certs || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}

	sold := soldPerNames(t, s, provider, accounts[account])
	bought, duplicates := 0, 0
	for names, n := range sold {
		bought += n
		if n > 1 {
			duplicates += n - 1
			t.Errorf("names %s were bought %d times", names, n)
		}
	}
	orphans := bought - duplicates - ready - stranded
	fmt.Fprintf(os.Stderr, "chaos %s: certificates %d, kills %d, ready %d, stranded %d, failed %d, bought %d, duplicates %d, orphans %d\n",
		provider, certs, killed, ready, stranded, len(failed), bought, duplicates, orphans)
	assert.Zero(t, duplicates, "never two purchases for one request")
	assert.Zero(t, orphans, "every purchase belongs to a Certificate")
	assert.Empty(t, failed, "no Certificate failed for any other reason")
	assert.Equal(t, certs, ready+stranded, "every Certificate ends Ready (or stranded by SSLCI's missing download, see README)")
}

// soldPerNames asks the reseller, through our own clients, what the account
// bought: purchases per sorted, comma-joined set of names.
func soldPerNames(t *testing.T, s *framework.Stack, provider, token string) map[string]int {
	t.Helper()
	ctx := context.Background()
	var sets [][]string
	switch provider {
	case v1alpha1.ProviderSSLMarket:
		c, err := sslmarket.New(s.SandboxURL+sandbox.SSLmarketPath, token)
		require.NoError(t, err)
		list, err := c.Orders(ctx)
		require.NoError(t, err)
		for _, o := range list {
			sets = append(sets, o.Names())
		}
	case v1alpha1.ProviderCyberSSL:
		c, err := cyberssl.New(s.SandboxURL+sandbox.CyberSSLPath+"/", token)
		require.NoError(t, err)
		list, err := c.Orders(ctx)
		require.NoError(t, err)
		for _, o := range list.SSLOrders {
			sets = append(sets, o.Names())
		}
	default:
		c, err := sslci.New(s.SandboxURL+sandbox.SSLCIPath, token)
		require.NoError(t, err)
		list, err := c.List(ctx)
		require.NoError(t, err)
		for _, crt := range list.Certificates {
			sets = append(sets, crt.DomainNames())
		}
	}
	out := map[string]int{}
	for _, names := range sets {
		names = slices.Clone(names)
		slices.Sort(names)
		out[strings.Join(names, ",")]++
	}
	return out
}

// certificateState is ready, stranded (an interrupted SSLCI finalize whose
// certificate cannot be downloaded), failed, or pending.
func certificateState(ctx context.Context, s client.Reader, c *cmapi.Certificate) (string, string) {
	for _, cond := range c.Status.Conditions {
		if cond.Type == cmapi.CertificateConditionReady && cond.Status == cmmeta.ConditionTrue {
			return "ready", ""
		}
	}
	var reqs cmapi.CertificateRequestList
	if err := s.List(ctx, &reqs, client.InNamespace(c.Namespace)); err != nil {
		return "pending", ""
	}
	for _, r := range reqs.Items {
		if !metav1.IsControlledBy(&r, c) {
			continue
		}
		for _, cond := range r.Status.Conditions {
			if cond.Type == cmapi.CertificateRequestConditionReady && cond.Reason == cmapi.CertificateRequestReasonFailed {
				if strings.Contains(cond.Message, "not buying a second one") {
					return "stranded", cond.Message
				}
				return "failed", cond.Message
			}
		}
	}
	return "pending", ""
}
