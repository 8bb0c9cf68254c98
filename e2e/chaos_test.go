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
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslci"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestChaosSSLCI issues Certificates while SIGKILLing reseller-issuer at
// random moments, then asks the reseller itself how many certificates it
// sold per name set: never two. make test runs a small slice; make
// test-chaos sets CHAOS_CERTIFICATES and CHAOS_KILLS.
func TestChaosSSLCI(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	certs, kills := envInt("CHAOS_CERTIFICATES", 6), envInt("CHAOS_KILLS", 10)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("chaos: %d certificates, %d kills, seed %d", certs, kills, seed)

	ns := "chaos-sslci"
	createNamespace(t, s, ns)
	createSecret(t, s, ns, "sslci-token", accounts["chaos-sslci"])
	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sslci"}, Spec: sslciSpec(s, "sslci-token")}
	require.NoError(t, s.Control.Client.Create(ctx, issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
	ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: "sslci"}

	// Certificates arrive one per kill cycle, so kills land at every step of
	// issuance: verification, confirmation, finalize, saving.
	killed := 0
	for i := 0; i < certs || killed < kills; i++ {
		if i < certs {
			createCertificate(t, s, ns, fmt.Sprintf("c%03d", i), ref, fmt.Sprintf("c%03d.chaos.example.com", i), fmt.Sprintf("www.c%03d.chaos.example.com", i))
		}
		if killed < kills {
			time.Sleep(time.Duration(200+rng.IntN(1800)) * time.Millisecond)
			require.NoError(t, s.Issuer.Kill(), "SIGKILL reseller-issuer")
			require.NoError(t, s.Issuer.Restart(), "start reseller-issuer again")
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

	// Ask the reseller: certificates sold per set of names.
	client, err := sslci.New(s.SandboxURL+sandbox.SSLCIPath, accounts["chaos-sslci"])
	require.NoError(t, err)
	sold, err := client.List(ctx)
	require.NoError(t, err)
	perNames := map[string]int{}
	for _, c := range sold.Certificates {
		names := c.DomainNames()
		slices.Sort(names)
		perNames[strings.Join(names, ",")]++
	}
	duplicates := 0
	for names, n := range perNames {
		if n > 1 {
			duplicates += n - 1
			t.Errorf("names %s were bought %d times", names, n)
		}
	}
	orphans := len(sold.Certificates) - duplicates - ready - stranded
	fmt.Fprintf(os.Stderr, "chaos sslci: certificates %d, kills %d, ready %d, stranded %d, failed %d, bought %d, duplicates %d, orphans %d\n",
		certs, killed, ready, stranded, len(failed), len(sold.Certificates), duplicates, orphans)
	assert.Zero(t, duplicates, "never two purchases for one request")
	assert.Zero(t, orphans, "every purchase belongs to a Certificate")
	assert.Empty(t, failed, "no Certificate failed for any other reason")
	assert.Equal(t, certs, ready+stranded, "every Certificate ends Ready (or stranded by SSLCI's missing download, see README)")
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
