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
	// Bought is the purchases in the reseller's list (SSLmarket, CyberSSL:
	// orders; SSLCI: certificates); Recorded those the ResellerOrders hold
	// (order ids; SSLCI: certificates obtained).
	Bought, Recorded int
	// Requests is the CertificateRequests served by a purchase: cert-manager
	// asks once per revision (renewals, and its own re-requests, each with
	// a new key).
	Requests int
	// Duplicates are purchases beyond one per CertificateRequest: an order
	// (SSLmarket, CyberSSL) is the purchase of the request that got its
	// first certificate (one that got none counts too), every SSLCI
	// certificate is one.
	Duplicates int
	// Orphans are purchases at the reseller that no ResellerOrder records
	// and no stranded request accounts for.
	Orphans int
	// Stranded are SSLCI certificates paid for whose answer was lost
	// (their requests failed, "not buying a second one").
	Stranded int
}

func (c chaosTally) String() string {
	return fmt.Sprintf("bought %d (reseller list), recorded %d (ResellerOrders), requests served %d, duplicates %d, orphans %d, stranded %d",
		c.Bought, c.Recorded, c.Requests, c.Duplicates, c.Orphans, c.Stranded)
}

// tallyChaos counts what the account bought; stranded maps sorted,
// comma-joined names to the requests stranded.
func tallyChaos(t *testing.T, s *framework.Stack, provider, token, ns string, stranded map[string]int) chaosTally {
	t.Helper()
	sold := soldIDs(t, s, provider, token)
	var orders v1alpha1.ResellerOrderList
	require.NoError(t, s.Control.Client.List(context.Background(), &orders, client.InNamespace(ns)))
	var c chaosTally
	recorded := map[string]int{}
	recordedIDs := map[string]bool{}
	perRequest := map[string]int{}
	for _, o := range orders.Items {
		names := joinNames(o.Spec.DNSNames)
		certs := o.Status.Certificates
		switch {
		case provider == v1alpha1.ProviderSSLCI:
			recorded[names] += len(certs)
			for _, crt := range certs {
				perRequest[crt.Request]++
			}
		case o.Status.OrderID != "":
			recorded[names]++
			recordedIDs[o.Status.OrderID] = true
			if len(certs) == 0 {
				c.Duplicates++ // paid for, never delivered anything
				continue
			}
			perRequest[certs[0].Request]++
			for _, crt := range certs[min(1, len(certs)):] {
				if _, ok := perRequest[crt.Request]; !ok {
					perRequest[crt.Request] = 0 // served by a reissue
				}
			}
		}
	}
	for _, n := range perRequest {
		c.Duplicates += max(0, n-1)
	}
	c.Requests = len(perRequest)
	for _, n := range stranded {
		c.Stranded += n
		c.Requests += n
	}
	for names, ids := range sold {
		c.Bought += len(ids)
		if provider == v1alpha1.ProviderSSLCI {
			// SSLCI's list has no id the ledger keeps: count.
			c.Orphans += max(0, len(ids)-recorded[names]-stranded[names])
			continue
		}
		for _, id := range ids {
			if !recordedIDs[id] {
				c.Orphans++
			}
		}
	}
	for _, n := range recorded {
		c.Recorded += n
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
