package dns01

import (
	"context"

	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// tokenLifetime is how long a route53 web identity token lives, as
// cert-manager asks.
const tokenLifetime int64 = 600

// ServiceAccountTokens creates ServiceAccount tokens through the
// TokenRequest API (serviceaccounts/token). The controller's role does not
// grant it: like cert-manager's, it must be granted per ServiceAccount (see
// the README).
type ServiceAccountTokens struct {
	Client client.Client
}

var _ TokenCreator = ServiceAccountTokens{}

// CreateToken implements TokenCreator.
func (s ServiceAccountTokens) CreateToken(ctx context.Context, namespace, serviceAccount string, audiences []string) (string, error) {
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: serviceAccount}}
	lifetime := tokenLifetime
	req := &authv1.TokenRequest{Spec: authv1.TokenRequestSpec{Audiences: audiences, ExpirationSeconds: &lifetime}}
	if err := s.Client.SubResource("token").Create(ctx, sa, req); err != nil {
		return "", err
	}
	return req.Status.Token, nil
}
