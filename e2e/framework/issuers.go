package framework

import (
	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

// Providers are the three resellers, in the order tests and tools run them.
var Providers = []string{v1alpha1.ProviderSSLCI, v1alpha1.ProviderSSLMarket, v1alpha1.ProviderCyberSSL}

// SandboxIssuerSpec is a complete Issuer spec for one reseller of the
// stack's sandbox, its token in key "token" of the Secret secretName.
func (s *Stack) SandboxIssuerSpec(provider, secretName string) v1alpha1.IssuerSpec {
	ref := v1alpha1.SecretKeySelector{Name: secretName, Key: "token"}
	switch provider {
	case v1alpha1.ProviderSSLMarket:
		contact := v1alpha1.SSLMarketContact{Title: "Ops", FirstName: "Jana", LastName: "Novak", Email: "ops@example.com", Tel: "+420.123456789"}
		return v1alpha1.IssuerSpec{SSLMarket: &v1alpha1.SSLMarket{
			URL:            v1alpha1.ResellerURL(s.SandboxURL + sandbox.SSLmarketPath),
			TokenSecretRef: ref,
			ProductCode:    "rapidssl-rapidssl-dv",
			Years:          1,
			DVAuthMethod:   "FILE",
			Owner:          v1alpha1.SSLMarketOwner{Name: "Example s.r.o.", Street: "Main 1", City: "Prague", Zip: "11000", Country: "CZ", Tel: "+420.123456789"},
			Auth:           contact,
			Tech:           contact,
			Invoice:        v1alpha1.SSLMarketInvoice{Name: "Example s.r.o.", Street: "Main 1", City: "Prague", Zip: "11000", Country: "CZ", Email: "billing@example.com"},
		}}
	case v1alpha1.ProviderCyberSSL:
		return v1alpha1.IssuerSpec{CyberSSL: &v1alpha1.CyberSSL{
			URL:             v1alpha1.ResellerURL(s.SandboxURL + sandbox.CyberSSLPath + "/"),
			APIKeySecretRef: ref,
			ProductID:       1,
			Period:          1,
			DVMethod:        "http",
			Admin:           v1alpha1.CyberSSLContact{FirstName: "Jana", LastName: "Novak", Phone: "+420123456789", Title: "Ops", Email: "ops@example.com"},
		}}
	}
	return v1alpha1.IssuerSpec{SSLCI: &v1alpha1.SSLCI{
		URL:            v1alpha1.ResellerURL(s.SandboxURL + sandbox.SSLCIPath),
		TokenSecretRef: ref,
	}}
}

// BillableOrders is what an account paid for at a reseller of the sandbox
// (SSLCI: finalizes; SSLmarket and CyberSSL: orders placed), and the free
// reissues it asked for.
func BillableOrders(stats sandbox.Stats, provider, account string) (orders, reissues int) {
	switch provider {
	case v1alpha1.ProviderSSLMarket:
		a := stats.SSLmarket[account]
		return a.Orders, a.Reissues
	case v1alpha1.ProviderCyberSSL:
		a := stats.CyberSSL[account]
		return a.Orders, a.Reissues
	}
	return stats.SSLCI[account].Finalizes, 0
}
