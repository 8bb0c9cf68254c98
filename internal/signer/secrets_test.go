package signer

import (
	"context"
	"errors"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/cert-manager/issuer-lib/controllers/signer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Signs read an Issuer's credentials Secret at most once per
// CredentialsMaxAge; a health check, a refusal or the age reads it again.
func TestCredentialsReadOncePerMaxAge(t *testing.T) {
	csr := makeCSR(t, csrSpec{cn: "www.example.com", dns: []string{"www.example.com"}})
	issuer := namespacedIssuer()
	e := newEnv(t, issuer, certificateRequest(csr, nil), tokenSecret(testNS, map[string][]byte{secretKey: []byte(secretValue)}))
	reader := &countingReader{Reader: e.client}
	e.signer.APIReader = reader
	now := testNow
	e.signer.Now = func() time.Time { return now }
	cr := &cmapi.CertificateRequest{}
	require.NoError(t, e.client.Get(context.Background(), types.NamespacedName{Namespace: testNS, Name: requestName}, cr))
	obj := signer.CertificateRequestObjectFromCertificateRequest(cr)
	sign := func() { _, _ = e.signer.Sign(context.Background(), obj, issuer) }

	sign()
	sign()
	assert.Equal(t, 1, reader.count("secret"), "two Signs within CredentialsMaxAge")

	_, err := e.signer.Probe(context.Background(), issuer)
	require.NoError(t, err)
	assert.Equal(t, 2, reader.count("secret"), "the health check reads live")

	e.provider.issueErr = ca.Credentials(errors.New("token refused"))
	sign()
	e.provider.issueErr = nil
	sign()
	assert.Equal(t, 3, reader.count("secret"), "a refusal drops the kept Secret")

	now = now.Add(CredentialsMaxAge)
	sign()
	assert.Equal(t, 4, reader.count("secret"), "older than CredentialsMaxAge")
	assert.Equal(t, []string{secretValue, secretValue, secretValue, secretValue, secretValue, secretValue}, e.builder.secrets)
}
