//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	eventsv1 "k8s.io/api/events/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// checkInterval is spec.healthCheck.interval of the Issuers of these tests.
const checkInterval = 10 * time.Second

// An Issuer is checked again on its interval with no spec change: a token
// revoked at the reseller turns it not Ready within an interval, restored
// it turns Ready again; the balance is shown and a balance under
// spec.limits.minBalance raises LowBalance and a Warning Event; checks that
// find nothing new do not write the Issuer.
func TestIssuerHealth(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	account := "health-cyberssl"
	ns := account
	createNamespace(t, s, ns)
	createSecret(t, s, ns, "api", accounts[account])
	spec := specFor(s, v1alpha1.ProviderCyberSSL, "api")
	spec.HealthCheck = &v1alpha1.HealthCheck{Interval: metav1.Duration{Duration: checkInterval}}
	spec.Limits = &v1alpha1.Limits{MinBalance: "50"}
	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "cyberssl"}, Spec: spec}
	require.NoError(t, s.Control.Client.Create(ctx, issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
	require.NotNil(t, issuer.Status.Balance)
	assert.Equal(t, v1alpha1.Balance{Amount: "1000.00", Currency: "USD"}, *issuer.Status.Balance)
	low := apimeta.FindStatusCondition(issuer.Status.Conditions, v1alpha1.ConditionLowBalance)
	require.NotNil(t, low)
	assert.Equal(t, metav1.ConditionFalse, low.Status)
	generation := issuer.Generation

	t.Run("checked on the interval without writing the Issuer", func(t *testing.T) {
		rv := issuer.ResourceVersion
		reads := balanceReads(t, s, account)
		require.Eventually(t, func() bool { return balanceReads(t, s, account) >= reads+2 }, 5*checkInterval, time.Second,
			"two more checks, with no spec change")
		require.NoError(t, s.Control.Client.Get(ctx, client.ObjectKeyFromObject(issuer), issuer))
		assert.Equal(t, rv, issuer.ResourceVersion, "checks that learn nothing new do not write the Issuer")
	})

	t.Run("a balance under minBalance raises LowBalance and an Event", func(t *testing.T) {
		require.NoError(t, s.SetBalance(ctx, account, "20.00"))
		cond := waitIssuerStatus(t, s, issuer, func(st v1alpha1.IssuerStatus) *metav1.Condition {
			if c := apimeta.FindStatusCondition(st.Conditions, v1alpha1.ConditionLowBalance); c != nil && c.Status == metav1.ConditionTrue {
				return c
			}
			return nil
		})
		assert.Contains(t, cond.Message, "20.00 USD is under spec.limits.minBalance 50")
		assert.Equal(t, "20.00", issuer.Status.Balance.Amount)
		waitEventAbout(t, s, ns, issuer.Name, "LowBalance")
		require.NoError(t, s.SetBalance(ctx, account, "1000.00"))
		waitIssuerStatus(t, s, issuer, func(st v1alpha1.IssuerStatus) *metav1.Condition {
			if c := apimeta.FindStatusCondition(st.Conditions, v1alpha1.ConditionLowBalance); c != nil && c.Status == metav1.ConditionFalse {
				return c
			}
			return nil
		})
	})

	t.Run("a revoked token turns it not Ready, restored Ready again", func(t *testing.T) {
		require.NoError(t, s.RevokeToken(ctx, accounts[account], true))
		cond := waitIssuerStatus(t, s, issuer, readyIs(metav1.ConditionFalse))
		assert.Contains(t, cond.Message, "put valid credentials in Secret "+ns+"/api key \"token\"")
		assert.Contains(t, cond.Message, "turns Ready by itself")
		assert.NotContains(t, cond.Message, accounts[account])

		require.NoError(t, s.RevokeToken(ctx, accounts[account], false))
		waitIssuerStatus(t, s, issuer, readyIs(metav1.ConditionTrue))
		assert.Equal(t, generation, issuer.Generation, "no spec change was needed")
	})
}

func balanceReads(t *testing.T, s *framework.Stack, account string) int {
	t.Helper()
	stats, err := s.SandboxStats(context.Background())
	require.NoError(t, err)
	return stats.CyberSSL[account].BalanceReads
}

func readyIs(status metav1.ConditionStatus) func(v1alpha1.IssuerStatus) *metav1.Condition {
	return func(st v1alpha1.IssuerStatus) *metav1.Condition {
		if c := apimeta.FindStatusCondition(st.Conditions, "Ready"); c != nil && c.Status == status {
			return c
		}
		return nil
	}
}

// waitIssuerStatus waits up to three check intervals for match to find a
// condition in the ResellerIssuer's status, and returns it.
func waitIssuerStatus(t *testing.T, s *framework.Stack, issuer *v1alpha1.ResellerIssuer, match func(v1alpha1.IssuerStatus) *metav1.Condition) metav1.Condition {
	t.Helper()
	var found *metav1.Condition
	require.Eventually(t, func() bool {
		if err := s.Control.Client.Get(context.Background(), client.ObjectKeyFromObject(issuer), issuer); err != nil {
			return false
		}
		found = match(issuer.Status)
		return found != nil
	}, 3*checkInterval, 250*time.Millisecond, "Issuer %s/%s: conditions %+v", issuer.Namespace, issuer.Name, issuer.Status.Conditions)
	return *found
}

// waitEventAbout waits for a Warning Event with reason about an object
// whose name starts with name, in ns.
func waitEventAbout(t *testing.T, s *framework.Stack, ns, name, reason string) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var evs eventsv1.EventList
		require.NoError(c, s.Control.Client.List(context.Background(), &evs, client.InNamespace(ns)))
		found := false
		for _, e := range evs.Items {
			found = found || (e.Reason == reason && e.Type == "Warning" && strings.HasPrefix(e.Regarding.Name, name))
		}
		assert.True(c, found, "a Warning %s Event about %s/%s", reason, ns, name)
	}, time.Minute, time.Second)
}

// An order the reseller refuses for lack of funds keeps the request
// Pending with that reason and a Warning Event, buys nothing, and completes
// by itself once the account is topped up: exactly one order.
func TestInsufficientFunds(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	account := "funds-cyberssl"
	ns := account
	createNamespace(t, s, ns)
	createSecret(t, s, ns, "api", accounts[account])
	require.NoError(t, s.SetBalance(ctx, account, "1.00")) // the product costs 5.00
	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "cyberssl"}, Spec: specFor(s, v1alpha1.ProviderCyberSSL, "api")}
	require.NoError(t, s.Control.Client.Create(ctx, issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
	ref := cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: v1alpha1.KindResellerIssuer, Name: "cyberssl"}
	cert := createCertificate(t, s, ns, "shop", ref, "shop.funds.example.com")

	msg := waitRequestMessage(t, s, ns, "shop", "InsufficientFunds")
	assert.Contains(t, msg, "top up the reseller account")
	waitEventAbout(t, s, ns, "shop", "InsufficientFunds")
	stats, err := s.SandboxStats(ctx)
	require.NoError(t, err)
	assert.Positive(t, stats.CyberSSL[account].FundsRefusals, "the reseller refused the order")
	assert.Zero(t, stats.CyberSSL[account].Orders, "nothing bought")
	require.NoError(t, s.Control.Client.Get(ctx, client.ObjectKeyFromObject(cert), cert))
	for _, c := range cert.Status.Conditions {
		assert.False(t, c.Type == cmapi.CertificateConditionReady && c.Status == cmmeta.ConditionTrue)
	}

	require.NoError(t, s.SetBalance(ctx, account, "1000.00"))
	waitCertificateReady(t, s, cert)
	assert.Equal(t, 1, orders(t, s, v1alpha1.ProviderCyberSSL, account), "exactly one order after the top-up")
}
