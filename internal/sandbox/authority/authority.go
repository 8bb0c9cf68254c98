// Package authority is the in-memory certificate authority behind
// reseller-sandbox: a root and an intermediate (both ECDSA P-256) that really
// sign the CSRs the simulated reseller APIs receive.
package authority

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Names of the sandbox CA certificates.
const (
	RootCommonName         = "Reseller Sandbox Root"
	IntermediateCommonName = "Reseller Sandbox Intermediate"
	organization           = "Reseller Sandbox"
)

// Lifetimes of the CA certificates and the clock skew allowed for every
// certificate's NotBefore.
const (
	rootValidity         = 10 * 365 * 24 * time.Hour
	intermediateValidity = 5 * 365 * 24 * time.Hour
	caBackdate           = time.Hour
	leafBackdate         = time.Minute
	minRSABits           = 2048
)

// ErrInvalidCSR is wrapped by every Sign error caused by the request itself
// (unparsable PEM or DER, bad signature, unacceptable key, no names), as
// opposed to a failure of the authority.
var ErrInvalidCSR = errors.New("invalid certificate signing request")

// Authority is an in-memory root + intermediate CA. It is safe for
// concurrent use: after New it is read-only.
type Authority struct {
	root            *x509.Certificate
	rootPEM         []byte
	intermediate    *x509.Certificate
	intermediatePEM []byte
	intermediateKey crypto.Signer
}

// New creates a fresh root ("Reseller Sandbox Root") and an intermediate
// ("Reseller Sandbox Intermediate") signed by it. Nothing is written to disk.
func New() (*Authority, error) {
	now := time.Now()
	root, rootDER, rootKey, err := newCA("root", &x509.Certificate{
		Subject:               pkix.Name{CommonName: RootCommonName, Organization: []string{organization}},
		NotBefore:             now.Add(-caBackdate),
		NotAfter:              now.Add(rootValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            1,
	}, nil, nil)
	if err != nil {
		return nil, err
	}
	intermediate, intDER, intKey, err := newCA("intermediate", &x509.Certificate{
		Subject:               pkix.Name{CommonName: IntermediateCommonName, Organization: []string{organization}},
		NotBefore:             now.Add(-caBackdate),
		NotAfter:              now.Add(intermediateValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}, root, rootKey)
	if err != nil {
		return nil, err
	}
	return &Authority{
		root:            root,
		rootPEM:         certPEM(rootDER),
		intermediate:    intermediate,
		intermediatePEM: certPEM(intDER),
		intermediateKey: intKey,
	}, nil
}

// newCA generates a P-256 key and a certificate for it from tmpl, with a
// random serial, signed by parentKey as parent, or self-signed when parent
// is nil. what names the certificate in errors.
func newCA(what string, tmpl, parent *x509.Certificate, parentKey crypto.Signer) (*x509.Certificate, []byte, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("generating %s key: %w", what, err)
	}
	if tmpl.SerialNumber, err = randomSerial(); err != nil {
		return nil, nil, nil, err
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("creating %s certificate: %w", what, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("parsing %s certificate: %w", what, err)
	}
	return cert, der, key, nil
}

// RootPEM returns the root certificate, PEM encoded.
func (a *Authority) RootPEM() []byte { return clone(a.rootPEM) }

// IntermediatePEM returns the intermediate certificate, PEM encoded.
func (a *Authority) IntermediatePEM() []byte { return clone(a.intermediatePEM) }

// Root returns the parsed root certificate.
func (a *Authority) Root() *x509.Certificate { return a.root }

// Intermediate returns the parsed intermediate certificate.
func (a *Authority) Intermediate() *x509.Certificate { return a.intermediate }

// Sign issues a leaf certificate for the public key of csrPEM, valid now for
// validity; see SignAt.
func (a *Authority) Sign(csrPEM []byte, dnsNames []string, validity time.Duration) ([]byte, *x509.Certificate, error) {
	return a.SignAt(time.Now(), csrPEM, dnsNames, validity)
}

// SignAt is Sign with an explicit clock, so a simulator running on a fake
// clock issues certificates that agree with it. The CSR's self-signature is
// checked; the names of the CSR are ignored (as a reseller does, the
// certificate carries dnsNames). The leaf has the DNS SANs dnsNames, CN =
// dnsNames[0], the serverAuth EKU, NotBefore = now - 1m, NotAfter = now +
// validity, and is signed by the intermediate.
func (a *Authority) SignAt(now time.Time, csrPEM []byte, dnsNames []string, validity time.Duration) ([]byte, *x509.Certificate, error) {
	if len(dnsNames) == 0 {
		return nil, nil, fmt.Errorf("%w: no DNS names", ErrInvalidCSR)
	}
	if validity <= 0 {
		return nil, nil, fmt.Errorf("validity must be positive, got %s", validity)
	}
	csr, err := parseCSR(csrPEM)
	if err != nil {
		return nil, nil, err
	}
	keyUsage := x509.KeyUsageDigitalSignature
	switch pub := csr.PublicKey.(type) {
	case *ecdsa.PublicKey:
	case ed25519.PublicKey:
	case *rsa.PublicKey:
		if pub.N.BitLen() < minRSABits {
			return nil, nil, fmt.Errorf("%w: RSA key of %d bits, need at least %d", ErrInvalidCSR, pub.N.BitLen(), minRSABits)
		}
		keyUsage |= x509.KeyUsageKeyEncipherment
	default:
		return nil, nil, fmt.Errorf("%w: unsupported public key type %T", ErrInvalidCSR, csr.PublicKey)
	}

	serial, err := randomSerial()
	if err != nil {
		return nil, nil, err
	}
	notAfter := now.Add(validity)
	if notAfter.After(a.intermediate.NotAfter) {
		notAfter = a.intermediate.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: dnsNames[0]},
		DNSNames:              append([]string(nil), dnsNames...),
		NotBefore:             now.Add(-leafBackdate),
		NotAfter:              notAfter,
		KeyUsage:              keyUsage,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.intermediate, csr.PublicKey, a.intermediateKey)
	if err != nil {
		return nil, nil, fmt.Errorf("signing certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("parsing issued certificate: %w", err)
	}
	return certPEM(der), leaf, nil
}

// GenerateKeyAndCSR creates an ECDSA P-256 key and a CSR for names (CN =
// names[0]), for callers that were not given a CSR. It returns the key as
// PKCS#8 PEM ("PRIVATE KEY") and the CSR as PEM ("CERTIFICATE REQUEST").
func GenerateKeyAndCSR(names []string) (keyPEM, csrPEM []byte, err error) {
	if len(names) == 0 {
		return nil, nil, errors.New("no DNS names")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generating key: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding key: %w", err)
	}
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:  pkix.Name{CommonName: names[0]},
		DNSNames: append([]string(nil), names...),
	}, key)
	if err != nil {
		return nil, nil, fmt.Errorf("creating CSR: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER}), nil
}

// ParseCSR decodes a PEM CSR and checks its self-signature. Errors wrap
// ErrInvalidCSR.
func ParseCSR(csrPEM []byte) (*x509.CertificateRequest, error) { return parseCSR(csrPEM) }

func parseCSR(csrPEM []byte) (*x509.CertificateRequest, error) {
	block, _ := pem.Decode(csrPEM)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block found", ErrInvalidCSR)
	}
	if block.Type != "CERTIFICATE REQUEST" && block.Type != "NEW CERTIFICATE REQUEST" {
		return nil, fmt.Errorf("%w: PEM block is %q, want \"CERTIFICATE REQUEST\"", ErrInvalidCSR, block.Type)
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidCSR, err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("%w: signature: %w", ErrInvalidCSR, err)
	}
	return csr, nil
}

func randomSerial() (*big.Int, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("generating serial number: %w", err)
	}
	return serial.Add(serial, big.NewInt(1)), nil // never zero
}

func certPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
