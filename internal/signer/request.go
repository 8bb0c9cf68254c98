package signer

import (
	"fmt"
	"strings"

	"github.com/cert-manager/issuer-lib/controllers/signer"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// buildRequest checks what cert-manager asks for before anything is ordered:
// every fault found here is permanent and costs nothing.
func buildRequest(details signer.CertificateDetails) (ca.Request, error) {
	csr, err := ca.CheckCSR(details.CSR)
	if err != nil {
		return ca.Request{}, err
	}
	if details.IsCA {
		return ca.Request{}, fmt.Errorf("isCA is set: resellers sell server certificates, not CAs")
	}
	for _, ip := range csr.IPAddresses {
		return ca.Request{}, fmt.Errorf("IP address SAN %s: resellers validate only DNS names", ip)
	}
	for _, u := range csr.URIs {
		return ca.Request{}, fmt.Errorf("URI SAN %s: resellers validate only DNS names", u)
	}
	for _, e := range csr.EmailAddresses {
		return ca.Request{}, fmt.Errorf("email SAN %s: resellers validate only DNS names", e)
	}
	seen := map[string]bool{}
	var names []string
	for _, n := range csr.DNSNames {
		l := strings.ToLower(n)
		if seen[l] {
			return ca.Request{}, fmt.Errorf("DNS name %q appears twice", n)
		}
		seen[l] = true
		names = append(names, l)
	}
	if cn := strings.ToLower(csr.Subject.CommonName); cn != "" && !seen[cn] {
		return ca.Request{}, fmt.Errorf("common name %q is not among the DNS names", csr.Subject.CommonName)
	}
	if len(names) == 0 {
		return ca.Request{}, fmt.Errorf("the CSR names no DNS name")
	}
	return ca.Request{CSR: details.CSR, DNSNames: names, Duration: details.Duration}, nil
}
