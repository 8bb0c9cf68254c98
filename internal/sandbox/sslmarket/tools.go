package sslmarket

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"strconv"
)

// decodeCSR answers POST /tool/decoder/csr.
func (s *Server) decodeCSR(c call) (response, *apiError) {
	var req csrRequest
	if aerr := decodeBody(c.r, &req); aerr != nil {
		return response{}, aerr
	}
	if req.CSR == "" {
		return response{}, missing("csr")
	}
	block, _ := pem.Decode([]byte(req.CSR))
	if block == nil || (block.Type != "CERTIFICATE REQUEST" && block.Type != "NEW CERTIFICATE REQUEST") {
		return response{}, invalid("csr", "not a PEM certificate request")
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return response{}, invalid("csr", "%v", err)
	}
	sub := csr.Subject
	out := decodedCSRResponse{CSR: decodedCSR{
		Subject: csrSubject{
			CN: sub.CommonName, O: first(sub.Organization), L: first(sub.Locality),
			ST: first(sub.Province), C: first(sub.Country), OU: first(sub.OrganizationalUnit),
		},
		PKey: publicKeyInfo(csr.PublicKey),
		SANs: sans(csr.DNSNames, csr.IPAddresses),
	}}
	return jsonResponse(http.StatusOK, out), nil
}

// decodeCertificate answers POST /tool/decoder/certificate.
func (s *Server) decodeCertificate(c call) (response, *apiError) {
	cert, aerr := certificateParam(c)
	if aerr != nil {
		return response{}, aerr
	}
	pk := publicKeyInfo(cert.PublicKey)
	alg := -1
	switch cert.PublicKey.(type) {
	case *rsa.PublicKey:
		alg = 0
	case *ecdsa.PublicKey:
		alg = 3
	}
	sub := cert.Subject
	out := decodedCertificateResponse{Certificate: decodedCertificate{
		// "city" and "locality" are both documented; the sandbox reads them
		// as the subject's L and ST.
		Owner: certificateOwner{
			Domain: sub.CommonName, Organization: first(sub.Organization),
			City: first(sub.Locality), Locality: first(sub.Province), Country: first(sub.Country),
		},
		Length:          pk.Length,
		Algorithm:       alg,
		PKey:            pk,
		SANs:            sans(cert.DNSNames, cert.IPAddresses),
		ValidFrom:       s.formatTime(cert.NotBefore),
		ValidTo:         s.formatTime(cert.NotAfter),
		SerialNumber:    cert.SerialNumber.String(),
		SerialNumberHex: serialHex(cert),
	}}
	return jsonResponse(http.StatusOK, out), nil
}

// ocsp answers POST /tool/ocsp for certificates of the sandbox authority.
// Nothing the sandbox sells can be revoked, so the status is always good.
func (s *Server) ocsp(c call) (response, *apiError) {
	cert, aerr := certificateParam(c)
	if aerr != nil {
		return response{}, aerr
	}
	if s.env.CA == nil || cert.CheckSignatureFrom(s.env.CA.Intermediate()) != nil {
		return response{}, invalid("certificate", "not issued by the sandbox certificate authority")
	}
	now := s.env.Now()
	return jsonResponse(http.StatusOK, ocspResponse{
		Status:     ocspGood,
		ThisUpdate: s.formatTime(now),
		NextUpdate: s.formatTime(now.Add(ocspNextUpdate)),
	}), nil
}

// certificateParam decodes {"certificate": "<PEM>"}.
func certificateParam(c call) (*x509.Certificate, *apiError) {
	var req certificateRequest
	if aerr := decodeBody(c.r, &req); aerr != nil {
		return nil, aerr
	}
	if req.Certificate == "" {
		return nil, missing("certificate")
	}
	block, _ := pem.Decode([]byte(req.Certificate))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, invalid("certificate", "not a PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, invalid("certificate", "%v", err)
	}
	return cert, nil
}

// publicKeyInfo describes a public key like the CSR decoder: length in
// bits, algorithm name and the key as PEM.
func publicKeyInfo(pub any) publicKey {
	var pk publicKey
	switch k := pub.(type) {
	case *rsa.PublicKey:
		pk.Length, pk.Algorithm = strconv.Itoa(k.N.BitLen()), "RSA"
	case *ecdsa.PublicKey:
		pk.Length, pk.Algorithm = strconv.Itoa(k.Curve.Params().BitSize), "EC"
	case ed25519.PublicKey:
		pk.Length, pk.Algorithm = "256", "Ed25519"
	default:
		pk.Algorithm = fmt.Sprintf("%T", pub)
	}
	if der, err := x509.MarshalPKIXPublicKey(pub); err == nil {
		pk.PKey = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	}
	return pk
}

func sans(dns []string, ips []net.IP) []string {
	out := append([]string{}, dns...)
	for _, ip := range ips {
		out = append(out, ip.String())
	}
	return out
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// PKCS#7 object identifiers (RFC 2315).
var (
	oidData       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
)

// certsOnlyPKCS7 returns a degenerate ("certs-only") PKCS#7 SignedData
// holding certs, DER encoded: what .p7b files are.
func certsOnlyPKCS7(certs ...[]byte) ([]byte, error) {
	var raw []byte
	for _, c := range certs {
		raw = append(raw, c...)
	}
	type contentInfo struct {
		ContentType asn1.ObjectIdentifier
	}
	type signedData struct {
		Version          int
		DigestAlgorithms asn1.RawValue
		ContentInfo      contentInfo
		Certificates     asn1.RawValue
		SignerInfos      asn1.RawValue
	}
	emptySet := asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: []byte{}}
	sd, err := asn1.Marshal(signedData{
		Version:          1,
		DigestAlgorithms: emptySet,
		ContentInfo:      contentInfo{ContentType: oidData},
		// [0] IMPLICIT SET OF Certificate
		Certificates: asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: raw},
		SignerInfos:  emptySet,
	})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue
	}{
		ContentType: oidSignedData,
		Content:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: sd},
	})
}
