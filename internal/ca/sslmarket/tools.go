package sslmarket

import (
	"context"
	"net/http"
)

// DecodeCSR shows what the API reads from a CSR (POST /tool/decoder/csr).
func (c *Client) DecodeCSR(ctx context.Context, csrPEM []byte) (*DecodedCSR, error) {
	if err := validateCSR("csrPEM", csrPEM); err != nil {
		return nil, err
	}
	var out DecodeCSRResponse
	r := request{op: opDecodeCSR, method: http.MethodPost, path: []string{"tool", "decoder", "csr"}, body: DecodeCSRRequest{CSR: string(csrPEM)}}
	if _, err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out.CSR, nil
}

// DecodeCertificate shows what the API reads from a certificate (POST
// /tool/decoder/certificate).
func (c *Client) DecodeCertificate(ctx context.Context, certPEM []byte) (*DecodedCertificate, error) {
	if err := validateCertificate("certPEM", certPEM); err != nil {
		return nil, err
	}
	var out DecodeCertificateResponse
	r := request{op: opDecodeCertificate, method: http.MethodPost, path: []string{"tool", "decoder", "certificate"}, body: DecodeCertificateRequest{Certificate: string(certPEM)}}
	if _, err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out.Certificate, nil
}

// CheckOCSP asks the API for the OCSP status of a certificate (POST
// /tool/ocsp): Status is OCSPGood or OCSPRevoked.
func (c *Client) CheckOCSP(ctx context.Context, certPEM []byte) (*OCSPResponse, error) {
	if err := validateCertificate("certPEM", certPEM); err != nil {
		return nil, err
	}
	var out OCSPResponse
	r := request{op: opCheckOCSP, method: http.MethodPost, path: []string{"tool", "ocsp"}, body: OCSPRequest{Certificate: string(certPEM)}}
	if _, err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	if out.Status == "" {
		return nil, c.malformed(http.StatusOK, "POST /tool/ocsp", nil, `no "status"`)
	}
	return &out, nil
}
