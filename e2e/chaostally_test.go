//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslci"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

// chaosTally is what a chaos run bought, checked against both the
// reseller's own order list and the ResellerOrders.
type chaosTally struct {
	// Needed is the purchases the Certificates needed: one per set of
	// names, plus (SSLCI, which sells no subscription) one per renewal.
	Needed int
	// Bought is the purchases in the reseller's list; Recorded those the
	// ResellerOrders hold (SSLmarket, CyberSSL: order ids; SSLCI:
	// certificates obtained).
	Bought, Recorded int
	// DuplicatesReseller and DuplicatesLedger are purchases beyond the
	// need, in the reseller's list and in the ResellerOrders.
	DuplicatesReseller, DuplicatesLedger int
	// Orphans are purchases at the reseller no ResellerOrder records and
	// no stranded request accounts for.
	Orphans int
	// Stranded are SSLCI certificates paid for whose answer was lost
	// (their requests failed, "not buying a second one").
	Stranded int
}

func (c chaosTally) String() string {
	return fmt.Sprintf("needed %d, bought %d, recorded %d, duplicates %d (reseller list) %d (ResellerOrders), orphans %d, stranded %d",
		c.Needed, c.Bought, c.Recorded, c.DuplicatesReseller, c.DuplicatesLedger, c.Orphans, c.Stranded)
}

// tallyChaos counts per set of names: needed maps sorted, comma-joined
// names to the purchases they needed, stranded to the requests stranded.
func tallyChaos(t *testing.T, s *framework.Stack, provider, token, ns string, needed, stranded map[string]int) chaosTally {
	t.Helper()
	sold := soldIDs(t, s, provider, token)
	var orders v1alpha1.ResellerOrderList
	require.NoError(t, s.Control.Client.List(context.Background(), &orders, client.InNamespace(ns)))
	recorded := map[string]int{}
	recordedIDs := map[string]bool{}
	for _, o := range orders.Items {
		names := joinNames(o.Spec.DNSNames)
		switch {
		case provider == v1alpha1.ProviderSSLCI:
			recorded[names] += len(o.Status.Certificates)
		case o.Status.OrderID != "":
			recorded[names]++
			recordedIDs[o.Status.OrderID] = true
		}
	}
	var c chaosTally
	all := map[string]bool{}
	for _, m := range []map[string]int{needed, recorded} {
		for names := range m {
			all[names] = true
		}
	}
	for names := range sold {
		all[names] = true
	}
	for names := range all {
		bought := len(sold[names])
		c.Needed += needed[names]
		c.Bought += bought
		c.Recorded += recorded[names]
		c.Stranded += stranded[names]
		c.DuplicatesReseller += max(0, bought-needed[names])
		c.DuplicatesLedger += max(0, recorded[names]-needed[names])
		if provider == v1alpha1.ProviderSSLCI {
			// SSLCI's list has no id the ledger keeps: count.
			c.Orphans += max(0, bought-recorded[names]-stranded[names])
			continue
		}
		for _, id := range sold[names] {
			if !recordedIDs[id] {
				c.Orphans++
			}
		}
	}
	return c
}

// soldIDs asks the reseller, through our own clients, what the account
// bought: purchase ids per sorted, comma-joined set of names (SSLCI: its
// certificate ids).
func soldIDs(t *testing.T, s *framework.Stack, provider, token string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	switch provider {
	case v1alpha1.ProviderSSLMarket:
		c, err := sslmarket.New(s.SandboxURL+sandbox.SSLmarketPath, token)
		require.NoError(t, err)
		list, err := c.Orders(ctx)
		require.NoError(t, err)
		for _, o := range list {
			out[joinNames(o.Names())] = append(out[joinNames(o.Names())], fmt.Sprint(int64(o.OrderID)))
		}
	case v1alpha1.ProviderCyberSSL:
		c, err := cyberssl.New(s.SandboxURL+sandbox.CyberSSLPath+"/", token)
		require.NoError(t, err)
		list, err := c.Orders(ctx)
		require.NoError(t, err)
		for _, o := range list.SSLOrders {
			out[joinNames(o.Names())] = append(out[joinNames(o.Names())], o.OrderID.String())
		}
	default:
		c, err := sslci.New(s.SandboxURL+sandbox.SSLCIPath, token)
		require.NoError(t, err)
		list, err := c.List(ctx)
		require.NoError(t, err)
		for _, crt := range list.Certificates {
			out[joinNames(crt.DomainNames())] = append(out[joinNames(crt.DomainNames())], fmt.Sprint(crt.CrtID))
		}
	}
	return out
}

func joinNames(names []string) string {
	names = slices.Clone(names)
	slices.Sort(names)
	return strings.Join(names, ",")
}
