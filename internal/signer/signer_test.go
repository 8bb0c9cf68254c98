package signer

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	"github.com/cert-manager/issuer-lib/controllers/signer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

// orders returns the ResellerOrders of the test namespace.
func (e *env) orders(t *testing.T) []v1alpha1.ResellerOrder {
	t.Helper()
	var list v1alpha1.ResellerOrderList
	require.NoError(t, e.client.List(context.Background(), &list, client.InNamespace(testNS)))
	return list.Items
}

// storedOrder is the one ResellerOrder of the test.
func (e *env) storedOrder(t *testing.T) *v1alpha1.ResellerOrder {
	t.Helper()
	orders := e.orders(t)
	require.Len(t, orders, 1, "one ResellerOrder")
	return &orders[0]
}

func encodedState(t *testing.T, st *ca.State) string {
	t.Helper()
	s, err := st.Encode()
	require.NoError(t, err)
	return s
}

// assertKind checks that err is classified as kind for issuer-lib: "pending",
// "permanent" or "issuer".
func assertKind(t *testing.T, err error, kind string) {
	t.Helper()
	isPending := errors.As(err, &signer.PendingError{})
	isPermanent := errors.As(err, &signer.PermanentError{})
	isIssuer := errors.As(err, &signer.IssuerError{})
	got := map[string]bool{"pending": isPending, "permanent": isPermanent, "issuer": isIssuer}
	for k, v := range got {
		assert.Equal(t, k == kind, v, "want a %s error, got %T: %v", kind, err, err)
	}
}

func TestSign(t *testing.T) {
	validCSR := makeCSR(t, csrSpec{cn: "www.example.com", dns: []string{"www.example.com", "Example.com"}})
	requestKey := types.NamespacedName{Namespace: testNS, Name: requestName}

	tests := []struct {
		name string
		// issuer defaults to a namespaced ResellerIssuer.
		issuer issuerapi.Issuer
		// secret defaults to a complete Secret in the issuer's namespace;
		// noSecret leaves it out.
		secret      *corev1.Secret
		noSecret    bool
		csr         []byte
		annotations map[string]string
		// prepare runs once the environment is built.
		prepare func(t *testing.T, e *env)
		// mutate changes the request handed to Sign (not the stored one).
		mutate func(cr *cmapi.CertificateRequest)

		// wantErr is "" (success), "pending", "permanent", "issuer" or
		// "other" (a plain error).
		wantErr     string
		wantMsg     []string
		wantRequeue time.Duration
		wantIssue   int
		wantBuild   int
		check       func(t *testing.T, e *env)
	}{
		{
			name:        "the resend annotation reaches the flow",
			annotations: map[string]string{v1alpha1.AnnotationResendEmail: "42"},
			wantIssue:   1,
			wantBuild:   1,
			check: func(t *testing.T, e *env) {
				assert.Equal(t, "42", e.provider.issueCalls[0].req.ResendEmail)
			},
		},
		{
			name:      "success returns the provider's chain",
			wantIssue: 1,
			wantBuild: 1,
			check: func(t *testing.T, e *env) {
				call := e.provider.issueCalls[0]
				assert.Equal(t, v1alpha1.ProviderSSLCI, call.st.Provider, "the state names the issuer's provider")
				assert.Equal(t, ca.StateVersion, call.st.Version)
				assert.True(t, testNow.Equal(call.st.Progress), "a new state starts now")
				assert.Equal(t, []string{"www.example.com", "example.com"}, call.req.DNSNames)
				assert.Equal(t, validCSR, call.req.CSR)
				assert.Equal(t, 90*24*time.Hour, call.req.Duration)
				require.Len(t, e.builder.specs, 1)
				assert.NotNil(t, e.builder.specs[0].SSLCI, "the builder gets the issuer's spec")
				o := e.storedOrder(t)
				assert.Equal(t, requestUID, o.Status.Claim.Request.UID, "claimed by the request")
				assert.Equal(t, []string{"example.com", "www.example.com"}, o.Spec.DNSNames)
				assert.Equal(t, v1alpha1.OrderClaimed, o.Status.State, "the signer itself writes no flow state")
			},
		},
		{
			name: "the journal persists what the provider saves",
			prepare: func(_ *testing.T, e *env) {
				e.provider.issue = func(ctx context.Context, st *ca.State, j ca.Journal) error {
					st.OrderID = "order-42"
					st.Name("www.example.com").Verified = true
					if err := j.Save(ctx, st); err != nil {
						return err
					}
					st.ChainPEM = testChainPEM
					return j.Save(ctx, st) // a second save follows the first
				}
			},
			wantIssue: 1,
			wantBuild: 1,
			check: func(t *testing.T, e *env) {
				o := e.storedOrder(t)
				st := order.StateOf(o)
				assert.Equal(t, v1alpha1.ProviderSSLCI, st.Provider)
				assert.Equal(t, "order-42", st.OrderID)
				assert.Equal(t, testChainPEM, st.ChainPEM)
				assert.True(t, st.Name("www.example.com").Verified)
			},
		},
		{
			name: "a stored state of the same provider is resumed; a plain error waits from its progress",
			annotations: map[string]string{order.StateAnnotation: encodedState(t, &ca.State{
				Version: ca.StateVersion, Provider: v1alpha1.ProviderSSLCI, OrderID: "order-7", Progress: testNow.Add(-40 * time.Second),
			})},
			prepare: func(_ *testing.T, e *env) {
				e.provider.issueErr = errors.New("reseller timed out")
			},
			wantErr:     "pending",
			wantMsg:     []string{"reseller timed out"},
			wantRequeue: 10 * time.Second, // a quarter of the 40s since progress
			wantIssue:   1,
			wantBuild:   1,
			check: func(t *testing.T, e *env) {
				call := e.provider.issueCalls[0]
				assert.Equal(t, "order-7", call.st.OrderID)
				assert.True(t, testNow.Add(-40*time.Second).Equal(call.st.Progress))
			},
		},
		{
			name: "a provider's pending error keeps its wait",
			prepare: func(_ *testing.T, e *env) {
				e.provider.issueErr = ca.Pending("waiting for DCV", 30*time.Second)
			},
			wantErr:     "pending",
			wantMsg:     []string{"waiting for DCV"},
			wantRequeue: 30 * time.Second,
			wantIssue:   1,
			wantBuild:   1,
		},
		{
			name: "a provider's permanent error fails the request",
			prepare: func(_ *testing.T, e *env) {
				e.provider.issueErr = ca.Permanent(errors.New("product refused"))
			},
			wantErr:   "permanent",
			wantMsg:   []string{"product refused"},
			wantIssue: 1,
			wantBuild: 1,
		},
		{
			name: "a provider's credentials error is an issuer error",
			prepare: func(_ *testing.T, e *env) {
				e.provider.issueErr = ca.Credentials(errors.New("token refused"))
			},
			wantErr:   "issuer",
			wantMsg:   []string{"token refused"},
			wantIssue: 1,
			wantBuild: 1,
		},
		{
			// Window 2 of issue 15: the state lived on the request, so any
			// other write to it (cert-manager, issuer-lib) during the paid
			// call made every save of the outcome conflict.
			name:        "a write to the request during the paid call does not cost the outcome",
			annotations: map[string]string{"touched": "0"},
			prepare: func(t *testing.T, e *env) {
				e.provider.issue = func(ctx context.Context, st *ca.State, j ca.Journal) error {
					st.Intent = &ca.Intent{Step: "order", At: testNow, Attempt: 1}
					require.NoError(t, j.Save(ctx, st))
					other := &cmapi.CertificateRequest{}
					require.NoError(t, e.client.Get(ctx, requestKey, other))
					other.Annotations["touched"] = "1"
					require.NoError(t, e.client.Update(ctx, other))
					st.OrderID, st.Intent = "order-9", nil
					return j.SaveOutcome(ctx, st)
				}
			},
			wantIssue: 1,
			wantBuild: 1,
			check: func(t *testing.T, e *env) {
				o := e.storedOrder(t)
				assert.Equal(t, "order-9", o.Status.OrderID, "the paid outcome is saved")
			},
		},
		{
			name: "a save that conflicts with another worker stays pending",
			prepare: func(t *testing.T, e *env) {
				e.provider.issue = func(ctx context.Context, st *ca.State, j ca.Journal) error {
					// Another worker changes the order after it was read live.
					orders := e.orders(t)
					require.Len(t, orders, 1)
					orders[0].Status.LastMessage = "touched"
					require.NoError(t, e.client.Status().Update(ctx, &orders[0]))
					st.OrderID = "order-1"
					return j.Save(ctx, st)
				}
			},
			wantErr:     "pending",
			wantMsg:     []string{"another worker"},
			wantRequeue: time.Second,
			wantIssue:   1,
			wantBuild:   1,
			check: func(t *testing.T, e *env) {
				o := e.storedOrder(t)
				assert.Empty(t, o.Status.OrderID, "the conflicting save must not land")
			},
		},
		{
			name: "a state started by another provider is refused",
			annotations: map[string]string{order.StateAnnotation: encodedState(t, &ca.State{
				Version: ca.StateVersion, Provider: otherProvider, OrderID: "9", Progress: testNow,
			})},
			wantErr: "permanent",
			wantMsg: []string{otherProvider, v1alpha1.ProviderSSLCI, "not ordering twice"},
		},
		{
			name:        "a corrupt state annotation is refused",
			annotations: map[string]string{order.StateAnnotation: "{not json"},
			wantErr:     "permanent",
			wantMsg:     []string{order.StateAnnotation},
		},
		{
			name:     "a missing Secret is an issuer error",
			noSecret: true,
			wantErr:  "issuer",
			wantMsg:  []string{"spec.sslci.tokenSecretRef", testNS + "/" + secretName, "not found"},
		},
		{
			name:    "a Secret without the key is an issuer error",
			secret:  tokenSecret(testNS, map[string][]byte{"other": []byte(secretValue)}),
			wantErr: "issuer",
			wantMsg: []string{"spec.sslci.tokenSecretRef", testNS + "/" + secretName, `"` + secretKey + `"`},
		},
		{
			name:    "a Secret with an empty key is an issuer error",
			secret:  tokenSecret(testNS, map[string][]byte{secretKey: {}}),
			wantErr: "issuer",
			wantMsg: []string{"spec.sslci.tokenSecretRef", `"` + secretKey + `"`},
		},
		{
			name:      "a cluster issuer reads the cluster resource namespace",
			issuer:    clusterIssuer(),
			secret:    tokenSecret(clusterNS, map[string][]byte{secretKey: []byte(secretValue)}),
			wantIssue: 1,
			wantBuild: 1,
		},
		{
			name:    "a cluster issuer ignores a Secret in the request's namespace",
			issuer:  clusterIssuer(),
			secret:  tokenSecret(testNS, map[string][]byte{secretKey: []byte(secretValue)}),
			wantErr: "issuer",
			wantMsg: []string{"spec.sslci.tokenSecretRef", clusterNS + "/" + secretName},
		},
		{
			name:    "a bad CSR fails before anything is ordered",
			csr:     badSignatureCSR(t),
			wantErr: "permanent",
			wantMsg: []string{"signature is invalid"},
		},
		{
			name:    "an IP SAN fails before anything is ordered",
			csr:     makeCSR(t, csrSpec{dns: []string{"a.example.com"}, ips: []net.IP{net.ParseIP("192.0.2.1")}}),
			wantErr: "permanent",
			wantMsg: []string{"192.0.2.1"},
		},
		{
			name:    "isCA fails before anything is ordered",
			mutate:  func(cr *cmapi.CertificateRequest) { cr.Spec.IsCA = true },
			wantErr: "permanent",
			wantMsg: []string{"isCA"},
		},
		{
			name: "a builder's permanent error fails the request",
			prepare: func(_ *testing.T, e *env) {
				e.builder.err = ca.Permanent(errors.New("spec.sslci: bad URL"))
			},
			wantErr:   "permanent",
			wantMsg:   []string{"bad URL"},
			wantBuild: 1,
		},
		{
			name:    "CyberSSL with a TXT-only dns01 solver fails before ordering",
			issuer:  cybersslIssuer(cloudflareSolver()),
			wantErr: "permanent",
			wantMsg: []string{
				"www.example.com: the reseller validates it with a CNAME record, but spec.domainValidation.solvers[0] (dns01.cloudflare) writes TXT records only",
				"an rfc2136 dns01 solver", "an http01 or email solver", "manual",
			},
		},
		{
			name:      "CyberSSL with an rfc2136 solver orders",
			issuer:    cybersslIssuer(rfc2136Solver()),
			wantIssue: 1,
			wantBuild: 1,
		},
		{
			name:      "SSLCI with a TXT-only dns01 solver orders",
			issuer:    withSolvers(namespacedIssuer(), cloudflareSolver()),
			wantIssue: 1,
			wantBuild: 1,
		},
		{
			name:    "a ResellerIssuer's dns01 solver without credentials fails before ordering",
			issuer:  withSolvers(namespacedIssuer(), route53Ambient()),
			wantErr: "permanent",
			wantMsg: []string{"spec.domainValidation.solvers[0].dns01: route53:", "a ResellerIssuer cannot use the controller's ambient credentials"},
		},
		{
			name:    "a ResellerClusterIssuer's without the flag too",
			issuer:  withSolvers(clusterIssuer(), route53Ambient()),
			secret:  tokenSecret(clusterNS, map[string][]byte{secretKey: []byte(secretValue)}),
			wantErr: "permanent",
			wantMsg: []string{"--cluster-issuer-ambient-credentials"},
		},
		{
			name:   "a request replaced while being signed is not signed",
			mutate: func(cr *cmapi.CertificateRequest) { cr.UID = "an-older-uid" },
			// Pending, never a plain error: issuer-lib fails old requests on those.
			wantErr: "pending",
			wantMsg: []string{"replaced"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issuer := tt.issuer
			if issuer == nil {
				issuer = namespacedIssuer()
			}
			secret := tt.secret
			if secret == nil && !tt.noSecret {
				secret = tokenSecret(testNS, map[string][]byte{secretKey: []byte(secretValue)})
			}
			csr := tt.csr
			if csr == nil {
				csr = validCSR
			}
			objs := []client.Object{issuer.(client.Object), certificateRequest(csr, tt.annotations)}
			if secret != nil {
				objs = append(objs, secret)
			}
			e := newEnv(t, objs...)
			if tt.prepare != nil {
				tt.prepare(t, e)
			}
			cr := &cmapi.CertificateRequest{}
			require.NoError(t, e.client.Get(context.Background(), requestKey, cr))
			if tt.mutate != nil {
				tt.mutate(cr)
			}

			bundle, err := e.signer.Sign(context.Background(), signer.CertificateRequestObjectFromCertificateRequest(cr), issuer)

			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, testChainPEM, string(bundle.ChainPEM))
				assert.Equal(t, testCAPEM, string(bundle.CAPEM))
			} else {
				require.Error(t, err)
				assert.Empty(t, bundle.ChainPEM)
				if tt.wantErr == "other" {
					assertKind(t, err, "")
				} else {
					assertKind(t, err, tt.wantErr)
				}
				for _, m := range tt.wantMsg {
					assert.ErrorContains(t, err, m)
				}
				assert.NotContains(t, err.Error(), secretValue, "an error must never show the token")
				if tt.wantRequeue != 0 {
					var pending signer.PendingError
					require.ErrorAs(t, err, &pending)
					assert.Equal(t, tt.wantRequeue, pending.RequeueAfter)
				}
			}
			assert.Len(t, e.provider.issueCalls, tt.wantIssue, "orders placed")
			assert.Len(t, e.builder.secrets, tt.wantBuild, "providers built")
			for _, s := range e.builder.secrets {
				assert.Equal(t, secretValue, s, "the builder gets the Secret's value")
			}
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}
