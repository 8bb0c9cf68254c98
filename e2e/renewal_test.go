//go:build e2e

package e2e

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sslci"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sslmarket"
)

// renewals is how many times the renewal tests renew a Certificate.
const renewals = 3

// TestRenewalByReissue: a Certificate whose issuer buys a 2-year
// subscription, renewed three times the way `cmctl renew` does, gets four
// certificates for four different keys, each verifying and each expiring
// later than the one before, for exactly 1 billable order and 3 free
// reissues by the sandbox's own count and by its ResellerOrder; with
// renewal.policy NewOrder the same renewals buy 4 orders.
//
// Time: CyberSSL's reissue gives a certificate that runs from the reissue
// (Validity, at most 199 days, never past the subscription), so renewals
// seconds apart each extend it and no time needs to pass. SSLmarket's
// manual reissue keeps the certificate's expiry (its document; the
// protocol then refuses to hand it out); a later certificate comes only
// from the automatic reissue of a multi-year order, which the sandbox
// starts 30 days (sslmarket.AutoReissueBefore) before the certificate
// ends. Before each SSLmarket renewal the test therefore moves the
// SSLmarket API's clock (POST /sandbox/clock) to one day inside that
// window of the certificate the Secret holds, and back to the machine's
// at the end; certificates then start in the future by the cluster's
// clock, so their chains are verified at their own NotBefore.
func TestRenewalByReissue(t *testing.T) {
	s := sharedStack(t)
	for _, provider := range orderProviders {
		for _, policy := range []string{v1alpha1.RenewalReissue, v1alpha1.RenewalNewOrder} {
			t.Run(provider+"/"+policy, func(t *testing.T) {
				account := "renew-" + provider
				if policy == v1alpha1.RenewalNewOrder {
					account = "neworder-" + provider
				}
				ctx := context.Background()
				ns := account
				spec := specFor(s, provider, "api")
				if spec.SSLMarket != nil {
					spec.SSLMarket.Years = 2
				} else {
					spec.CyberSSL.Period = 2
				}
				spec.Renewal = &v1alpha1.Renewal{Policy: policy}
				ref := issuerFor(t, s, account, provider, spec)

				names := []string{"renew." + account + ".example.com"}
				cert := createCertificate(t, s, ns, "web", ref, names...)
				waitCertificateReady(t, s, cert)
				leaves := []*x509.Certificate{checkSecret(t, s, ns, cert.Spec.SecretName, names)}
				rideAutoReissue := provider == v1alpha1.ProviderSSLMarket && policy == v1alpha1.RenewalReissue
				if rideAutoReissue {
					t.Cleanup(func() { require.NoError(t, s.SetClockOffset(ctx, sandbox.ProviderSSLmarket, 0)) })
				}
				for i := range renewals {
					if rideAutoReissue {
						inWindow := leaves[i].NotAfter.Add(-sslmarket.AutoReissueBefore + 24*time.Hour)
						require.NoError(t, s.SetClockOffset(ctx, sandbox.ProviderSSLmarket, time.Until(inWindow)))
					}
					renewCertificate(t, s, cert)
					leaf := checkSecret(t, s, ns, cert.Spec.SecretName, names)
					for _, prev := range leaves {
						require.NotEqual(t, prev.RawSubjectPublicKeyInfo, leaf.RawSubjectPublicKeyInfo, "renewal %d: a new key", i+1)
					}
					require.True(t, leaf.NotAfter.After(leaves[i].NotAfter), "renewal %d: the certificate expires %s, no later than the one it replaced (%s)", i+1, leaf.NotAfter, leaves[i].NotAfter)
					leaves = append(leaves, leaf)
				}

				stats, err := s.SandboxStats(ctx)
				require.NoError(t, err)
				bought, reissued := framework.BillableOrders(stats, provider, account)
				ros := resellerOrders(t, s, ns)
				wantOrders, wantReissues := 1, renewals
				if policy == v1alpha1.RenewalNewOrder {
					wantOrders, wantReissues = 1+renewals, 0
				}
				fmt.Fprintf(os.Stderr, "renewal %s/%s: certificates %d, billable orders %d, reissues %d (SSLmarket automatic reissues %d), ResellerOrders %d\n",
					provider, policy, len(leaves), bought, reissued, stats.SSLmarket[account].AutoReissues, len(ros))
				assert.Equal(t, wantOrders, bought, "billable orders at the reseller")
				assert.Equal(t, wantReissues, reissued, "free reissues at the reseller")
				require.Len(t, ros, wantOrders, "one ResellerOrder per order bought")
				checkLedger(t, ros, leaves, cert.Name)
				checkPrinterColumns(t, s, ns, ros)
				if policy == v1alpha1.RenewalNewOrder {
					waitEventContaining(t, s, ns, "OrderClaimed", "renewal.policy is NewOrder")
				} else {
					waitEventContaining(t, s, ns, "OrderReissued", "reissuing ResellerOrder "+ros[0].Name)
				}
			})
		}
	}
}

// TestSSLCIRenewalKeepsVerifications: SSLCI accepts a name's verification
// for 29 days, so a renewal inside them places no verification call at
// all: no verification order, no confirmation, one finalize.
func TestSSLCIRenewalKeepsVerifications(t *testing.T) {
	s := sharedStack(t)
	account := "renew-sslci"
	ns := account
	ref := issuerFor(t, s, account, "sslci", sslciSpec(s, "api"))

	names := []string{"a.renew.sslci.example.com", "b.renew.sslci.example.com"}
	cert := createCertificate(t, s, ns, "web", ref, names...)
	waitCertificateReady(t, s, cert)
	first := checkSecret(t, s, ns, cert.Spec.SecretName, names)
	before := sslciStats(t, s, account)
	require.Equal(t, len(names), before.Confirmations, "the first certificate verified each name once")

	renewCertificate(t, s, cert)
	second := checkSecret(t, s, ns, cert.Spec.SecretName, names)
	require.NotEqual(t, first.RawSubjectPublicKeyInfo, second.RawSubjectPublicKeyInfo, "a new key")
	after := sslciStats(t, s, account)
	fmt.Fprintf(os.Stderr, "renewal sslci: verification orders %d -> %d, confirmations %d -> %d, finalizes %d -> %d\n",
		before.VerificationOrders, after.VerificationOrders, before.Confirmations, after.Confirmations, before.Finalizes, after.Finalizes)
	assert.Equal(t, before.VerificationOrders, after.VerificationOrders, "no verification order for names verified inside 29 days")
	assert.Equal(t, before.Confirmations, after.Confirmations, "no confirmation for names verified inside 29 days")
	assert.Equal(t, before.Finalizes+1, after.Finalizes, "one finalize: the renewal's certificate")
}

// issuerFor creates namespace account with the account's token in Secret
// "api" and a ResellerIssuer named name with spec, waits for it to be
// Ready, and returns the reference to it.
func issuerFor(t *testing.T, s *framework.Stack, account, name string, spec v1alpha1.IssuerSpec) cmmeta.IssuerReference {
	t.Helper()
	createNamespace(t, s, account)
	createSecret(t, s, account, "api", accounts[account])
	issuer := &v1alpha1.ResellerIssuer{ObjectMeta: metav1.ObjectMeta{Namespace: account, Name: name}, Spec: spec}
	require.NoError(t, s.Control.Client.Create(context.Background(), issuer))
	waitIssuerCondition(t, s, issuer, metav1.ConditionTrue)
	return cmmeta.IssuerReference{Group: v1alpha1.GroupVersion.Group, Kind: "ResellerIssuer", Name: name}
}

func sslciStats(t *testing.T, s *framework.Stack, account string) sslci.AccountStats {
	t.Helper()
	stats, err := s.SandboxStats(context.Background())
	require.NoError(t, err)
	return stats.SSLCI[account]
}

// triggerRenewal forces a renewal the way `cmctl renew` does: the
// Certificate's Issuing condition set True, reason ManuallyTriggered, on
// its status. It returns the revision being renewed.
func triggerRenewal(t *testing.T, s *framework.Stack, cert *cmapi.Certificate) int {
	t.Helper()
	ctx := context.Background()
	// cert-manager's readiness controller may say Ready a moment before
	// the issuing controller records the revision it issued.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		require.NoError(c, s.Control.Client.Get(ctx, client.ObjectKeyFromObject(cert), cert))
		assert.NotNil(c, cert.Status.Revision, "the Certificate's revision")
	}, time.Minute, 250*time.Millisecond)
	var revision int
	require.NoError(t, retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := s.Control.Client.Get(ctx, client.ObjectKeyFromObject(cert), cert); err != nil {
			return err
		}
		revision = *cert.Status.Revision
		issuing := cmapi.CertificateCondition{
			Type: cmapi.CertificateConditionIssuing, Status: cmmeta.ConditionTrue, Reason: "ManuallyTriggered",
			Message: "Certificate re-issuance manually triggered", LastTransitionTime: &metav1.Time{Time: time.Now()}, ObservedGeneration: cert.Generation,
		}
		conds := []cmapi.CertificateCondition{issuing}
		for _, c := range cert.Status.Conditions {
			if c.Type != cmapi.CertificateConditionIssuing {
				conds = append(conds, c)
			}
		}
		cert.Status.Conditions = conds
		return s.Control.Client.Status().Update(ctx, cert)
	}))
	return revision
}

// renewCertificate forces a renewal the way `cmctl renew` does
// (triggerRenewal) and waits for the next revision to be issued.
func renewCertificate(t *testing.T, s *framework.Stack, cert *cmapi.Certificate) {
	t.Helper()
	ctx := context.Background()
	revision := triggerRenewal(t, s, cert)
	err := framework.Eventually(ctx, issueTimeout, 500*time.Millisecond, func() (bool, error) {
		if err := s.Control.Client.Get(ctx, client.ObjectKeyFromObject(cert), cert); err != nil {
			return false, nil //nolint:nilerr // polled again
		}
		return cert.Status.Revision != nil && *cert.Status.Revision > revision, nil
	}, nil)
	if err != nil {
		var reqs cmapi.CertificateRequestList
		_ = s.Control.Client.List(ctx, &reqs, client.InNamespace(cert.Namespace))
		for _, r := range reqs.Items {
			t.Logf("CertificateRequest %s: conditions %+v annotations %v", r.Name, r.Status.Conditions, r.Annotations)
		}
		t.Fatalf("Certificate %s/%s not renewed past revision %d: %v; conditions %+v", cert.Namespace, cert.Name, revision, err, cert.Status.Conditions)
	}
	waitCertificateReady(t, s, cert)
}

// checkSecret verifies the Secret's chain for its own key and returns its
// leaf. The chain is verified at the leaf's NotBefore: a reseller whose
// clock the test moved ahead issues certificates that start in the future.
func checkSecret(t *testing.T, s *framework.Stack, ns, name string, names []string) *x509.Certificate {
	t.Helper()
	secret := waitSecret(t, s, ns, name)
	block, _ := pem.Decode(secret.Data[corev1.TLSCertKey])
	require.NotNil(t, block)
	leaf, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	verifyChainAt(t, s, secret.Data[corev1.TLSCertKey], names, publicKeyOfSecret(t, secret), leaf.NotBefore)
	return leaf
}

// resellerOrders lists the ResellerOrders of a namespace, oldest first.
func resellerOrders(t *testing.T, s *framework.Stack, ns string) []v1alpha1.ResellerOrder {
	t.Helper()
	var list v1alpha1.ResellerOrderList
	require.NoError(t, s.Control.Client.List(context.Background(), &list, client.InNamespace(ns)))
	items := list.Items
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && items[j].CreationTimestamp.Before(&items[j-1].CreationTimestamp); j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
	return items
}

// checkLedger: the ResellerOrders record every certificate the Secret
// held, in order, with the request it was obtained for, the reissues, and
// the subscription bought (2 years from the order).
func checkLedger(t *testing.T, ros []v1alpha1.ResellerOrder, leaves []*x509.Certificate, certificate string) {
	t.Helper()
	var got []v1alpha1.ObtainedCertificate
	reissues := 0
	for _, ro := range ros {
		assert.Equal(t, v1alpha1.OrderIssued, ro.Status.State, ro.Name)
		assert.NotEmpty(t, ro.Status.OrderID, ro.Name)
		assert.Equal(t, certificate, ro.Labels[v1alpha1.LabelCertificate], ro.Name)
		if assert.NotNil(t, ro.Status.SubscriptionEnd, "%s: the subscription's end", ro.Name) {
			months := ro.Status.SubscriptionEnd.Sub(ro.CreationTimestamp.Time).Hours() / 24 / 30.44
			assert.InDelta(t, 24, months, 0.5, "%s: a 2-year subscription ends %s", ro.Name, ro.Status.SubscriptionEnd)
		}
		assert.Equal(t, int32(len(ro.Status.Certificates)-1), ro.Status.Reissues, "%s: reissues counts the certificates after the first", ro.Name)
		reissues += int(ro.Status.Reissues)
		got = append(got, ro.Status.Certificates...)
	}
	require.Len(t, got, len(leaves), "every certificate obtained is recorded")
	for i, c := range got {
		assert.Equal(t, fmt.Sprintf("%x", leaves[i].SerialNumber), c.Serial, "certificate %d: serial", i)
		assert.True(t, c.NotAfter.Equal(&metav1.Time{Time: leaves[i].NotAfter}), "certificate %d: notAfter %s, the Secret's %s", i, c.NotAfter, leaves[i].NotAfter)
		assert.Equal(t, fmt.Sprintf("%s-%d", certificate, i+1), c.Request, "certificate %d: the request it was obtained for", i)
	}
	if len(ros) == 1 {
		assert.Equal(t, len(leaves)-1, reissues)
	}
}

// checkPrinterColumns: `kubectl get resellerorders` shows what was bought,
// for which names, until when and how often it was reissued.
func checkPrinterColumns(t *testing.T, s *framework.Stack, ns string, ros []v1alpha1.ResellerOrder) {
	t.Helper()
	out, err := exec.Command(filepath.Join(assetsDir(t), "kubectl"), "--kubeconfig", s.Control.KubeconfigPath,
		"get", "resellerorders", "-n", ns).CombinedOutput()
	require.NoError(t, err, "%s", out)
	t.Logf("kubectl get resellerorders -n %s:\n%s", ns, out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, len(ros)+1)
	// VALIDATING is empty once an order is issued: the row has no field for it.
	assert.Equal(t, []string{"NAME", "PROVIDER", "PRODUCT", "NAMES", "ORDER", "ID", "STATE", "VALIDATING", "UNTIL", "REISSUES", "AGE"}, strings.Fields(lines[0]))
	for i, ro := range ros {
		row := strings.Fields(lines[i+1])
		require.Len(t, row, 9, lines[i+1])
		until := ro.Status.SubscriptionEnd.UTC().Format(time.RFC3339)
		assert.Equal(t, []string{ro.Name, ro.Spec.Provider, ro.Spec.Product, `["` + strings.Join(ro.Spec.DNSNames, `","`) + `"]`, ro.Status.OrderID, string(ro.Status.State), until, fmt.Sprint(ro.Status.Reissues)}, row[:8])
	}
}

// waitEventContaining waits for an Event of reason whose note contains
// text in ns.
func waitEventContaining(t *testing.T, s *framework.Stack, ns, reason, text string) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var evs eventsv1.EventList
		require.NoError(c, s.Control.Client.List(context.Background(), &evs, client.InNamespace(ns)))
		var notes []string
		for _, e := range evs.Items {
			if e.Reason == reason {
				notes = append(notes, e.Note)
				if strings.Contains(e.Note, text) {
					return
				}
			}
		}
		assert.Fail(c, "no such Event", "no %s Event saying %q in %s; %s Events: %q", reason, text, ns, reason, notes)
	}, 30*time.Second, time.Second)
}

// TestSSLmarketRenewalBeforeAutoReissue: an SSLmarket renewal before the
// automatic reissue of its multi-year order (here at once, the SSLmarket
// clock left alone) reissues for free, gets back a certificate with the
// same expiry (SSLmarket keeps it), never hands that one to cert-manager,
// and orders anew, saying why in the OrderClaimed Event: 2 orders, 1
// reissue, and the Secret's certificate expires later than before.
func TestSSLmarketRenewalBeforeAutoReissue(t *testing.T) {
	s := sharedStack(t)
	ctx := context.Background()
	provider, account := v1alpha1.ProviderSSLMarket, "early-sslmarket"
	ns := account
	spec := specFor(s, provider, "api")
	spec.SSLMarket.Years = 2
	ref := issuerFor(t, s, account, provider, spec)

	names := []string{"renew." + account + ".example.com"}
	cert := createCertificate(t, s, ns, "web", ref, names...)
	waitCertificateReady(t, s, cert)
	first := checkSecret(t, s, ns, cert.Spec.SecretName, names)
	renewCertificate(t, s, cert)
	second := checkSecret(t, s, ns, cert.Spec.SecretName, names)
	require.NotEqual(t, first.RawSubjectPublicKeyInfo, second.RawSubjectPublicKeyInfo, "a new key")
	require.True(t, second.NotAfter.After(first.NotAfter), "the Secret's certificate expires %s, no later than the one it replaced (%s)", second.NotAfter, first.NotAfter)

	stats, err := s.SandboxStats(ctx)
	require.NoError(t, err)
	bought, reissued := framework.BillableOrders(stats, provider, account)
	fmt.Fprintf(os.Stderr, "renewal sslmarket before the automatic reissue: certificates handed out 2, billable orders %d, reissues %d\n", bought, reissued)
	assert.Equal(t, 2, bought, "the renewal ordered anew")
	assert.Equal(t, 1, reissued, "after one free reissue that kept the expiry")
	ros := resellerOrders(t, s, ns)
	require.Len(t, ros, 2)
	require.Len(t, ros[0].Status.Certificates, 2, "the first order records its reissue, not handed out")
	assert.True(t, ros[0].Status.Certificates[1].NotAfter.Equal(&ros[0].Status.Certificates[0].NotAfter), "SSLmarket kept the expiry")
	waitEventContaining(t, s, ns, "OrderClaimed", "ReissueNotLater")
}
