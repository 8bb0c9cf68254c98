package signer

import (
	"context"
	"errors"
	"strings"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/cert-manager/issuer-lib/controllers/signer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// OrderClaimed says why a new order is bought while an earlier one exists
// for the names or the Certificate; a plain first order raises no Event,
// and its waiting condition names the ResellerOrder.
func TestOrderClaimedEvent(t *testing.T) {
	earlier := &v1alpha1.ResellerOrder{
		ObjectMeta: metav1.ObjectMeta{Namespace: testNS, Name: "sslci-old-1", Labels: map[string]string{v1alpha1.LabelOrderKey: "other", v1alpha1.LabelCertificate: "web"}},
		Spec:       v1alpha1.OrderSpec{Provider: v1alpha1.ProviderSSLCI, DNSNames: []string{"old.example.com"}},
		Status:     v1alpha1.OrderStatus{State: v1alpha1.OrderIssued},
	}
	tests := []struct {
		name        string
		certificate string
		objs        []*v1alpha1.ResellerOrder
		// failFirst fails a first order for the same names before.
		failFirst bool
		want      string
	}{
		{name: "a first order"},
		{name: "a first order of a Certificate with none before", certificate: "web"},
		{name: "the Certificate's names changed", certificate: "web", objs: []*v1alpha1.ResellerOrder{earlier}, want: "earlier ResellerOrder sslci-old-1 was for [old.example.com]"},
		{name: "an earlier order for the same names failed", failFirst: true, want: "is Failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			issuer := namespacedIssuer()
			cr := certificateRequest(makeCSR(t, csrSpec{cn: "www.example.com", dns: []string{"www.example.com"}}), map[string]string{cmapi.CertificateNameKey: tc.certificate})
			e := newEnv(t, issuer, cr, tokenSecret(testNS, map[string][]byte{secretKey: []byte(secretValue)}))
			for _, o := range tc.objs {
				require.NoError(t, e.client.Create(context.Background(), o.DeepCopy()))
			}
			ctx := context.Background()
			if tc.failFirst {
				e.provider.issueErr = ca.Permanent(errors.New("rejected"))
				_, err := e.signer.Sign(ctx, signer.CertificateRequestObjectFromCertificateRequest(e.request(t)), issuer)
				require.Error(t, err)
			}
			rec := events.NewFakeRecorder(10)
			e.signer.Events = rec
			e.provider.issueErr = ca.Pending("waiting for validation", 0)
			_, err := e.signer.Sign(ctx, signer.CertificateRequestObjectFromCertificateRequest(e.request(t)), issuer)
			var claimed []string
			for len(rec.Events) > 0 {
				if ev := <-rec.Events; strings.Contains(ev, ReasonOrderClaimed) {
					claimed = append(claimed, ev)
				}
			}
			var newest string
			for _, o := range e.orders(t) {
				if o.Labels[v1alpha1.LabelOrderKey] != "other" && o.Name > newest {
					newest = o.Name
				}
			}
			require.NotEmpty(t, newest)
			assert.Contains(t, err.Error(), "ResellerOrder "+newest+": waiting for validation", "the condition names the order")
			if tc.want == "" {
				assert.Empty(t, claimed)
				return
			}
			require.Len(t, claimed, 1)
			assert.Contains(t, claimed[0], corev1.EventTypeNormal+" "+ReasonOrderClaimed+" ResellerOrder "+newest)
			assert.Contains(t, claimed[0], tc.want)
		})
	}
}
