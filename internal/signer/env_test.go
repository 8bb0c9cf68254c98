package signer

import (
	"context"
	"sync"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

const (
	testNS        = "team-a"
	clusterNS     = "reseller-issuer"
	secretName    = "sslci-token"
	secretKey     = "token"
	secretValue   = "s3cr3t-t0ken-value"
	requestName   = "web-1"
	testChainPEM  = "-----BEGIN CERTIFICATE-----\nleaf\n-----END CERTIFICATE-----\n"
	testCAPEM     = "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n"
	requestUID    = types.UID("uid-web-1")
	otherProvider = v1alpha1.ProviderSSLMarket
)

var testNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// issueCall records one call to fakeProvider.Issue.
type issueCall struct {
	req ca.Request
	st  ca.State
}

// fakeProvider is a Provider that records its calls.
type fakeProvider struct {
	mu sync.Mutex

	checkDetail string
	checkErr    error
	checkCalls  int

	// issue, when set, runs inside Issue (e.g. to save through the journal).
	issue      func(ctx context.Context, st *ca.State, j ca.Journal) error
	result     *ca.Result
	issueErr   error
	issueCalls []issueCall
}

func (p *fakeProvider) Check(context.Context) (ca.Health, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.checkCalls++
	return ca.Health{Detail: p.checkDetail}, p.checkErr
}

func (p *fakeProvider) Cancel(context.Context, *ca.State) (bool, error) { return false, nil }

func (p *fakeProvider) Issue(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (*ca.Result, error) {
	p.mu.Lock()
	p.issueCalls = append(p.issueCalls, issueCall{req: req, st: *st})
	p.mu.Unlock()
	if p.issue != nil {
		if err := p.issue(ctx, st, j); err != nil {
			return nil, err
		}
	}
	if p.issueErr != nil {
		return nil, p.issueErr
	}
	return p.result, nil
}

// fakeBuilder is a ProviderBuilder handing out one fakeProvider.
type fakeBuilder struct {
	provider *fakeProvider
	err      error

	mu      sync.Mutex
	secrets []string
	specs   []*v1alpha1.IssuerSpec
}

func (b *fakeBuilder) Build(spec *v1alpha1.IssuerSpec, creds Credentials, _ ca.Publisher) (Provider, error) {
	secret := creds.Secret
	b.mu.Lock()
	defer b.mu.Unlock()
	b.secrets = append(b.secrets, string(secret))
	b.specs = append(b.specs, spec)
	if b.err != nil {
		return nil, b.err
	}
	return b.provider, nil
}

func testScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	scheme := runtime.NewScheme()
	require.NoError(t, clientgoscheme.AddToScheme(scheme))
	require.NoError(t, cmapi.AddToScheme(scheme))
	require.NoError(t, v1alpha1.AddToScheme(scheme))
	return scheme
}

func sslciSpec() v1alpha1.IssuerSpec {
	return v1alpha1.IssuerSpec{SSLCI: &v1alpha1.SSLCI{
		URL:            "https://sslci.test/api",
		TokenSecretRef: v1alpha1.SecretKeySelector{Name: secretName, Key: secretKey},
	}}
}

func namespacedIssuer() *v1alpha1.ResellerIssuer {
	return &v1alpha1.ResellerIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: "reseller", Namespace: testNS},
		Spec:       sslciSpec(),
	}
}

func clusterIssuer() *v1alpha1.ResellerClusterIssuer {
	return &v1alpha1.ResellerClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: "reseller"},
		Spec:       sslciSpec(),
	}
}

func tokenSecret(ns string, data map[string][]byte) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: secretName, Namespace: ns}, Data: data}
}

func certificateRequest(csr []byte, annotations map[string]string) *cmapi.CertificateRequest {
	return &cmapi.CertificateRequest{
		ObjectMeta: metav1.ObjectMeta{Name: requestName, Namespace: testNS, UID: requestUID, Annotations: annotations},
		Spec: cmapi.CertificateRequestSpec{
			Request:   csr,
			IssuerRef: cmmeta.IssuerReference{Name: "reseller", Kind: "ResellerIssuer", Group: "reseller-issuer.dev"},
			Duration:  &metav1.Duration{Duration: 90 * 24 * time.Hour},
		},
	}
}

// env is a Signer wired to a fake client and a fake provider.
type env struct {
	client   client.Client
	signer   *Signer
	provider *fakeProvider
	builder  *fakeBuilder
}

func newEnv(t *testing.T, objs ...client.Object) *env {
	t.Helper()
	c := fake.NewClientBuilder().
		WithScheme(testScheme(t)).
		WithObjects(objs...).
		WithStatusSubresource(&v1alpha1.ResellerIssuer{}, &v1alpha1.ResellerClusterIssuer{}, &cmapi.CertificateRequest{}, &v1alpha1.ResellerOrder{}).
		Build()
	p := &fakeProvider{result: &ca.Result{ChainPEM: []byte(testChainPEM), CAPEM: []byte(testCAPEM)}}
	b := &fakeBuilder{provider: p}
	return &env{
		client:   c,
		provider: p,
		builder:  b,
		signer: &Signer{
			Client:                   c,
			APIReader:                c,
			ClusterResourceNamespace: clusterNS,
			Build:                    b.Build,
			Now:                      func() time.Time { return testNow },
		},
	}
}
