package framework

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// FrontProxyClientName is the common name of the client certificate the
// kube-apiserver's aggregator presents to extension API servers (webhook
// solvers); they trust it through the request-header CA it publishes in
// kube-system/extension-apiserver-authentication.
const FrontProxyClientName = "front-proxy-client"

// enableAggregation gives the kube-apiserver the front-proxy client
// certificate and request-header flags the aggregation layer needs to
// forward requests, with the caller's identity, to an APIService's backend.
// Without --enable-aggregator-routing (the default) the aggregator resolves
// an ExternalName Service to https://<externalName>:<port>, so a Service
// naming localhost reaches a backend on loopback.
func enableAggregation(apiserver *envtest.APIServer, dir string) error {
	dir = filepath.Join(dir, "front-proxy")
	ca, err := NewCA(dir, "front-proxy-ca")
	if err != nil {
		return err
	}
	cert, key, err := ca.Issue(dir, FrontProxyClientName, true)
	if err != nil {
		return err
	}
	args := apiserver.Configure()
	args.Set("requestheader-client-ca-file", ca.CertFile)
	args.Set("requestheader-allowed-names", FrontProxyClientName)
	args.Set("requestheader-username-headers", "X-Remote-User")
	args.Set("requestheader-group-headers", "X-Remote-Group")
	args.Set("requestheader-extra-headers-prefix", "X-Remote-Extra-")
	args.Set("proxy-client-cert-file", cert)
	args.Set("proxy-client-key-file", key)
	return nil
}

// CA is a throwaway certificate authority for the tests' TLS.
type CA struct {
	// CertFile holds the CA certificate (PEM); CertPEM is its content.
	CertFile string
	CertPEM  []byte

	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// NewCA creates a CA and writes its certificate to dir/name.crt.
func NewCA(dir, name string) (*CA, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	ca, err := GenerateCA(name)
	if err != nil {
		return nil, err
	}
	ca.CertFile = filepath.Join(dir, name+".crt")
	return ca, os.WriteFile(ca.CertFile, ca.CertPEM, 0o600)
}

// GenerateCA creates a CA named name in memory (no CertFile).
func GenerateCA(name string) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), cert: cert, key: key}, nil
}

// KeyPEM returns the CA's private key, PEM encoded.
func (ca *CA) KeyPEM() ([]byte, error) { return keyPEM(ca.key) }

func keyPEM(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

// Issue writes dir/cn.crt and dir/cn.key: a client certificate for cn, or a
// serving certificate for the DNS names and IP addresses in sans.
func (ca *CA) Issue(dir, cn string, client bool, sans ...string) (certFile, keyFile string, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	for _, s := range sans {
		if ip := net.ParseIP(s); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, s)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return "", "", err
	}
	keyBytes, err := keyPEM(key)
	if err != nil {
		return "", "", err
	}
	certFile, keyFile = filepath.Join(dir, cn+".crt"), filepath.Join(dir, cn+".key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyFile, keyBytes, 0o600); err != nil {
		return "", "", err
	}
	return certFile, keyFile, nil
}

// serial is unique enough for certificates that live one test run.
func serial() *big.Int { return big.NewInt(time.Now().UnixNano()) }

// UserKubeconfig writes a kubeconfig to path that authenticates as user
// (with a client certificate of the control plane's CA) in groups, with no
// other rights than RBAC gives that user.
func (cp *ControlPlane) UserKubeconfig(path, user string, groups ...string) error {
	u, err := cp.env.AddUser(envtest.User{Name: user, Groups: groups}, nil)
	if err != nil {
		return fmt.Errorf("adding user %s: %w", user, err)
	}
	kc, err := u.KubeConfig()
	if err != nil {
		return err
	}
	return os.WriteFile(path, kc, 0o600)
}
