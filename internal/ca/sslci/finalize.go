package sslci

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// Finalize issues one certificate for domains, all verified within the last
// 29 days (POST /api, action "finalize"). A non-empty csrPEM (PEM
// "CERTIFICATE REQUEST") is sent as "csr"; the caller must accept the result
// only if the leaf certificate's public key is the CSR's, since the API may
// ignore the CSR and return a key of its own.
func (c *Client) Finalize(ctx context.Context, domains []string, csrPEM []byte) (*FinalizeResponse, error) {
	if len(domains) == 0 {
		return nil, provider.InvalidArg("domains", "must not be empty")
	}
	seen := make(map[string]bool, len(domains))
	for i, d := range domains {
		if err := provider.CheckDomain(fmt.Sprintf("domains[%d]", i), d); err != nil {
			return nil, err
		}
		k := strings.ToLower(d)
		if seen[k] {
			return nil, provider.InvalidArg(fmt.Sprintf("domains[%d]", i), "duplicate %q", d)
		}
		seen[k] = true
	}
	req := FinalizeRequest{Token: c.token, Action: ActionFinalize, Domains: domains}
	if len(csrPEM) > 0 {
		if err := provider.CheckCSR("csrPEM", csrPEM); err != nil {
			return nil, err
		}
		req.CSR = string(csrPEM)
	}
	var out FinalizeResponse
	if err := c.do(ctx, opFinalize, http.MethodPost, req, nil, &out); err != nil {
		return nil, err
	}
	if strings.TrimSpace(out.CRT) == "" {
		return nil, c.Malformed("finalize", nil, `answered "status": true without "crt"`)
	}
	return &out, nil
}
