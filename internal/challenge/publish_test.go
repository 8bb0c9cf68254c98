package challenge

import (
	"context"
	"testing"
	"time"

	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv/dns01"
)

func TestRemove(t *testing.T) {
	tsig := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "tsig"}, Data: map[string][]byte{"secret": []byte("c2VjcmV0")}}
	dnsPublisher := &v1alpha1.Solver{DNS01: &v1alpha1.DNS01Solver{ACMEChallengeSolverDNS01: cmacme.ACMEChallengeSolverDNS01{RFC2136: &cmacme.ACMEIssuerDNS01ProviderRFC2136{
		// Nothing listens here: removal must fail, naming the record.
		Nameserver: "127.0.0.1:1", TSIGKeyName: "k.", TSIGAlgorithm: "HMACSHA256",
		TSIGSecret: cmmeta.SecretKeySelector{LocalObjectReference: cmmeta.LocalObjectReference{Name: "tsig"}, Key: "secret"},
	}}}}
	tests := []struct {
		name      string
		publisher *v1alpha1.Solver
		dns       *v1alpha1.DNS01Challenge
		secretNS  string
		wantErr   string
		wantRoute bool
	}{
		{name: "manual: nothing was published"},
		{name: "email: nothing was published", publisher: &v1alpha1.Solver{Email: &v1alpha1.EmailSolver{}}},
		{name: "http01: its routing objects", publisher: &v1alpha1.Solver{HTTP01: &v1alpha1.HTTP01Solver{}}, wantRoute: true},
		{
			name: "dns01: the record", publisher: dnsPublisher, secretNS: "app",
			dns:     &v1alpha1.DNS01Challenge{Record: "_acme-challenge.a.example.com", Type: "TXT", Value: "v"},
			wantErr: "removing TXT record _acme-challenge.a.example.com",
		},
		{
			name: "dns01 whose TSIG Secret is gone", publisher: dnsPublisher, secretNS: "elsewhere",
			dns:     &v1alpha1.DNS01Challenge{Record: "_acme-challenge.a.example.com", Type: "TXT", Value: "v"},
			wantErr: "spec.publisher.dns01.rfc2136.tsigSecretSecretRef: Secret elsewhere/tsig not found",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := fake.NewClientBuilder().WithScheme(newScheme(t)).WithObjects(tsig).Build()
			r := &routes{}
			p := &Publishers{DNS: &dns01.Builder{Reader: c}, Routes: r}
			obj := &v1alpha1.ResellerChallenge{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "c"}, Spec: v1alpha1.ChallengeSpec{
				DNSName: "a.example.com", Publisher: tc.publisher, DNS01: tc.dns,
				IssuerRef: v1alpha1.IssuerReference{Kind: "ResellerIssuer", Name: "i", SecretNamespace: tc.secretNS},
			}}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := p.Remove(ctx, obj)
			if tc.wantErr == "" {
				require.NoError(t, err)
			} else {
				require.ErrorContains(t, err, tc.wantErr)
				assert.NotContains(t, err.Error(), "c2VjcmV0", "the TSIG secret never appears")
			}
			assert.Equal(t, tc.wantRoute, len(r.cleanUp) == 1)
		})
	}
}
