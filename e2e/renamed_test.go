//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
)

// TestNamesEditedWhileOrderWaits: a Certificate whose names are edited
// while its paid order waits for domain control validation (approval
// mails nobody approves) leaves no orphaned order: cert-manager replaces
// the request, the new one orders for the new names, and the old order,
// which neither SSLmarket nor CyberSSL can cancel, is shown Abandoned on
// its ResellerOrder with a Warning Event. Every order the reseller lists
// for the account is on a ResellerOrder that is Issued or Abandoned.
func TestNamesEditedWhileOrderWaits(t *testing.T) {
	s := sharedStack(t)
	for _, provider := range orderProviders {
		t.Run(provider, func(t *testing.T) {
			ctx := context.Background()
			account := "renamed-" + provider
			ns := account
			spec := specFor(s, provider, "api")
			if provider == v1alpha1.ProviderCyberSSL {
				emailSolver(&spec, v1alpha1.Email("hostmaster@"+account+"."+dnsZone))
			} else {
				emailSolver(&spec)
			}
			ref := issuerFor(t, s, account, provider, spec)

			oldNames := []string{"old." + account + "." + dnsZone}
			newNames := []string{"new." + account + "." + dnsZone}
			cert := createCertificate(t, s, ns, "web", ref, oldNames...)
			// The order is paid and waits for its approval mail.
			require.EventuallyWithT(t, func(c *assert.CollectT) {
				mails, err := s.Mails(ctx, mailbox.Filter{Provider: provider, Account: account, Name: oldNames[0]})
				require.NoError(c, err)
				assert.NotEmpty(c, mails, "the approval mail of the first order")
				ros := resellerOrders(t, s, ns)
				require.Len(c, ros, 1)
				assert.NotEmpty(c, ros[0].Status.OrderID)
			}, issueTimeout, time.Second)
			require.Equal(t, 1, orders(t, s, provider, account))

			require.NoError(t, retry.RetryOnConflict(retry.DefaultRetry, func() error {
				if err := s.Control.Client.Get(ctx, client.ObjectKeyFromObject(cert), cert); err != nil {
					return err
				}
				cert.Spec.DNSNames = newNames
				return s.Control.Client.Update(ctx, cert)
			}))
			// Only the new names' mails are approved: the old order stays
			// waiting, as a paid order nobody will finish.
			require.EventuallyWithT(t, func(c *assert.CollectT) {
				approved, err := s.ApproveMails(ctx, mailbox.Filter{Provider: provider, Account: account, Name: newNames[0]})
				require.NoError(c, err)
				assert.NotEmpty(c, approved, "the approval mail of the new order")
			}, issueTimeout, time.Second)
			waitCertificateReady(t, s, cert)
			checkSecret(t, s, ns, cert.Spec.SecretName, newNames)

			var ros []v1alpha1.ResellerOrder
			require.EventuallyWithT(t, func(c *assert.CollectT) {
				ros = resellerOrders(t, s, ns)
				require.Len(c, ros, 2)
				assert.Equal(c, v1alpha1.OrderAbandoned, ros[0].Status.State, "the old order: %s", ros[0].Status.LastMessage)
			}, time.Minute, time.Second)
			assert.Equal(t, oldNames, ros[0].Spec.DNSNames)
			assert.Contains(t, ros[0].Status.LastMessage, "left open by Certificate")
			assert.Equal(t, newNames, ros[1].Spec.DNSNames)
			assert.Equal(t, v1alpha1.OrderIssued, ros[1].Status.State)
			waitEventContaining(t, s, ns, "OrderAbandoned", ros[0].Name)

			bought := orders(t, s, provider, account)
			orphaned := bought - recorded(ros)
			fmt.Fprintf(os.Stderr, "renamed %s: orders %d, on ResellerOrders %d, orphaned %d\n", provider, bought, recorded(ros), orphaned)
			assert.Equal(t, 2, bought, "one order per set of names")
			assert.Zero(t, orphaned, "every order bought is on a ResellerOrder, Issued or Abandoned")
		})
	}
}

// recorded counts the ResellerOrders that account for an order at the
// reseller: with its order id, and Issued or Abandoned (shown to people).
func recorded(ros []v1alpha1.ResellerOrder) int {
	n := 0
	for _, ro := range ros {
		if ro.Status.OrderID != "" && (ro.Status.State == v1alpha1.OrderIssued || ro.Status.State == v1alpha1.OrderAbandoned) {
			n++
		}
	}
	return n
}
