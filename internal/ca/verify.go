package ca

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// CheckCSR parses a PEM CSR, checks its signature and returns it.
func CheckCSR(csrPEM []byte) (*x509.CertificateRequest, error) {
	block, _ := pem.Decode(csrPEM)
	if block == nil || block.Type != "CERTIFICATE REQUEST" {
		return nil, errors.New("the request holds no PEM CERTIFICATE REQUEST")
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the CSR cannot be parsed: %w", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("the CSR signature is invalid: %w", err)
	}
	return csr, nil
}

// CSRPublicKey is the SubjectPublicKeyInfo of a CSR a reseller shows
// (PEM, surrounding text ignored); nil when it holds none that parses and
// is signed by its key.
func CSRPublicKey(csrPEM string) []byte {
	csr, err := CheckCSR([]byte(csrPEM))
	if err != nil {
		return nil
	}
	return csr.RawSubjectPublicKeyInfo
}

// VerifyChain checks what a reseller returned before it is handed to
// cert-manager: the leaf's public key is the CSR's (the private key never left
// the cluster), its DNS names are exactly the requested ones, and the chain
// verifies up to the last certificate returned. A self-signed last certificate
// is returned as CAPEM; the rest is the chain.
func VerifyChain(req Request, chainPEM []byte) (*Result, error) {
	certs, err := parseCerts(chainPEM)
	if err != nil {
		return nil, err
	}
	if len(certs) == 0 {
		return nil, errors.New("the reseller returned no certificate")
	}
	csr, err := CheckCSR(req.CSR)
	if err != nil {
		return nil, err
	}
	leaf := certs[0]
	if !bytes.Equal(leaf.RawSubjectPublicKeyInfo, csr.RawSubjectPublicKeyInfo) {
		return nil, errors.New("the issued certificate's public key is not the CSR's: refusing a key generated outside the cluster")
	}
	got, want := slices.Sorted(slices.Values(leaf.DNSNames)), slices.Sorted(slices.Values(req.DNSNames))
	if !slices.Equal(got, want) {
		return nil, fmt.Errorf("the issued certificate names [%s], the request asked for [%s]", strings.Join(got, ", "), strings.Join(want, ", "))
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	top := certs[len(certs)-1]
	roots.AddCert(top)
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	// Checked at a moment every certificate of the chain is valid, not by
	// our clock: the reseller's may be hours off.
	at := leaf.NotBefore
	for _, c := range certs {
		if c.NotBefore.After(at) {
			at = c.NotBefore
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, CurrentTime: at}); err != nil {
		return nil, fmt.Errorf("the issued chain does not verify: %w", err)
	}
	res := &Result{}
	chain := certs
	if len(certs) > 1 && bytes.Equal(top.RawIssuer, top.RawSubject) && top.CheckSignatureFrom(top) == nil {
		chain = certs[:len(certs)-1]
		res.CAPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: top.Raw})
	}
	for _, c := range chain {
		res.ChainPEM = append(res.ChainPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return res, nil
}

func parseCerts(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return certs, nil
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("the reseller returned a PEM %q block where certificates were expected", block.Type)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("the reseller returned an unparsable certificate: %w", err)
		}
		certs = append(certs, c)
	}
}

// Leaf parses the first certificate of a PEM chain.
func Leaf(chainPEM []byte) (*x509.Certificate, error) {
	certs, err := parseCerts(chainPEM)
	if err != nil {
		return nil, err
	}
	if len(certs) == 0 {
		return nil, errors.New("no certificate in the chain")
	}
	return certs[0], nil
}

// KeyFingerprint is the SHA-256 of a public key (DER SubjectPublicKeyInfo),
// hex: how an order records which key it certifies.
func KeyFingerprint(spki []byte) string {
	sum := sha256.Sum256(spki)
	return hex.EncodeToString(sum[:])
}
