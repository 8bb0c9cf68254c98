package cyberssl

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"net/http"
	"net/url"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
)

// validateCSR answers POST validate_csr.
func (s *Server) validateCSR(_ *http.Request, p url.Values) (any, *apiError) {
	raw := p.Get("csr")
	if raw == "" {
		return nil, missing("csr")
	}
	csr, err := authority.ParseCSR([]byte(raw))
	if err != nil {
		return nil, invalid("csr", "%v", err)
	}
	primary, aerr := domainParam("csr", csrPrimary(csr))
	if aerr != nil {
		return nil, aerr
	}
	names := []string{primary}
	for _, n := range csr.DNSNames {
		names = appendName(names, strings.ToLower(strings.TrimSuffix(n, ".")))
	}
	if p.Get("product_id") != "" {
		prod, aerr := productParam(p)
		if aerr != nil {
			return nil, aerr
		}
		if names, aerr = orderNames(prod, primary, p.Get("addon_domains")); aerr != nil {
			return nil, aerr
		}
	} else if v := p.Get("addon_domains"); v != "" {
		for _, d := range splitList(v) {
			n, aerr := domainParam("addon_domains", d)
			if aerr != nil {
				return nil, aerr
			}
			names = appendName(names, n)
		}
	}
	info := csrInfo{
		CommonName: csr.Subject.CommonName, Organization: first(csr.Subject.Organization),
		Department: first(csr.Subject.OrganizationalUnit), City: first(csr.Subject.Locality),
		State: first(csr.Subject.Province), Country: first(csr.Subject.Country), Email: first(csr.EmailAddresses),
		SAN: strings.Join(csr.DNSNames, ","), TotalDomains: len(names),
	}
	switch csr.PublicKeyAlgorithm {
	case x509.RSA:
		info.Type = "RSA"
	case x509.ECDSA:
		info.Type = "EC"
	case x509.Ed25519:
		info.Type = "Ed25519"
	}
	info.KeySize = keySize(csr)
	return validateCSRResponse{Success: true, CSR: info}, nil
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// csrPrimary is the CSR's common name, or its first DNS name.
func csrPrimary(csr *x509.CertificateRequest) string {
	if cn := strings.TrimSpace(csr.Subject.CommonName); cn != "" {
		return cn
	}
	if len(csr.DNSNames) > 0 {
		return csr.DNSNames[0]
	}
	return ""
}

func keySize(csr *x509.CertificateRequest) int {
	switch k := csr.PublicKey.(type) {
	case *rsa.PublicKey:
		return k.N.BitLen()
	case *ecdsa.PublicKey:
		return k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return 256
	}
	return 0
}
