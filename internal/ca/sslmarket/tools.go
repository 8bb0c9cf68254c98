package sslmarket

import (
	"context"
	"net/http"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// DecodeCSR shows what the API reads from a CSR (POST /tool/decoder/csr).
func (c *Client) DecodeCSR(ctx context.Context, csrPEM []byte) (*DecodedCSR, error) {
	if err := provider.CheckCSR("csrPEM", csrPEM); err != nil {
		return nil, err
	}
	var out DecodeCSRResponse
	r := rest.Request{Op: opDecodeCSR, Method: http.MethodPost, Path: []string{"tool", "decoder", "csr"}, JSON: DecodeCSRRequest{CSR: string(csrPEM)}}
	if _, err := c.Do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out.CSR, nil
}

// DecodeCertificate shows what the API reads from a certificate (POST
// /tool/decoder/certificate).
func (c *Client) DecodeCertificate(ctx context.Context, certPEM []byte) (*DecodedCertificate, error) {
	if err := provider.CheckPEM("certPEM", certPEM, "CERTIFICATE"); err != nil {
		return nil, err
	}
	var out DecodeCertificateResponse
	r := rest.Request{Op: opDecodeCertificate, Method: http.MethodPost, Path: []string{"tool", "decoder", "certificate"}, JSON: DecodeCertificateRequest{Certificate: string(certPEM)}}
	if _, err := c.Do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out.Certificate, nil
}

// CheckOCSP asks the API for the OCSP status of a certificate (POST
// /tool/ocsp): Status is OCSPGood or OCSPRevoked.
func (c *Client) CheckOCSP(ctx context.Context, certPEM []byte) (*OCSPResponse, error) {
	if err := provider.CheckPEM("certPEM", certPEM, "CERTIFICATE"); err != nil {
		return nil, err
	}
	var out OCSPResponse
	r := rest.Request{Op: opCheckOCSP, Method: http.MethodPost, Path: []string{"tool", "ocsp"}, JSON: OCSPRequest{Certificate: string(certPEM)}}
	if _, err := c.Do(ctx, r, &out); err != nil {
		return nil, err
	}
	if out.Status == "" {
		return nil, c.Malformed("POST /tool/ocsp", nil, `no "status"`)
	}
	return &out, nil
}
