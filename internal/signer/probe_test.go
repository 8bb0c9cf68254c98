package signer

import (
	"context"
	"errors"
	"testing"

	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

func TestProbe(t *testing.T) {
	tests := []struct {
		name string
		// cluster selects a ResellerClusterIssuer.
		cluster    bool
		noSecret   bool
		detail     string
		checkErr   error
		buildErr   error
		wantErr    string // "" or "pending", "permanent", "issuer", "other"
		wantMsg    []string
		wantDetail string
		wantCheck  int
	}{
		{name: "returns what the reseller check learned", detail: "product 1", wantDetail: "product 1", wantCheck: 1},
		{name: "a cluster issuer too", cluster: true, detail: "product 2", wantDetail: "product 2", wantCheck: 1},
		{
			name:      "refused credentials name the Secret to fix and stay retryable",
			checkErr:  ca.Credentials(errors.New("SSLCI refused the token")),
			wantErr:   "other",
			wantMsg:   []string{"refused the token", "put valid credentials in Secret " + testNS + "/" + secretName + ` key "token"`, "spec.sslci.tokenSecretRef"},
			wantCheck: 1,
		},
		{
			name:      "refused credentials of a cluster issuer name the cluster resource namespace",
			cluster:   true,
			checkErr:  ca.Credentials(errors.New("SSLCI refused the token")),
			wantErr:   "other",
			wantMsg:   []string{"Secret " + clusterNS + "/" + secretName},
			wantCheck: 1,
		},
		{
			name:      "returns a plain check error as is",
			checkErr:  errors.New("SSLCI GET /api: connection refused"),
			wantErr:   "other",
			wantMsg:   []string{"connection refused"},
			wantCheck: 1,
		},
		{
			name:     "a missing Secret is an issuer error",
			noSecret: true,
			wantErr:  "issuer",
			wantMsg:  []string{"spec.sslci.tokenSecretRef", secretName},
		},
		{
			name:     "a builder error is classified",
			buildErr: ca.Permanent(errors.New("spec.sslci: bad URL")),
			wantErr:  "permanent",
			wantMsg:  []string{"bad URL"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var issuer issuerapi.Issuer = namespacedIssuer()
			secretNS := testNS
			if tt.cluster {
				issuer, secretNS = clusterIssuer(), clusterNS
			}
			objs := []client.Object{issuer}
			if !tt.noSecret {
				objs = append(objs, tokenSecret(secretNS, map[string][]byte{secretKey: []byte(secretValue)}))
			}
			e := newEnv(t, objs...)
			e.provider.checkDetail, e.provider.checkErr = tt.detail, tt.checkErr
			e.builder.err = tt.buildErr

			h, err := e.signer.Probe(context.Background(), issuer)

			if tt.wantErr == "" {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				if tt.wantErr == "other" {
					assertKind(t, err, "")
				} else {
					assertKind(t, err, tt.wantErr)
				}
				for _, m := range tt.wantMsg {
					assert.ErrorContains(t, err, m)
				}
				if tt.checkErr != nil {
					assert.ErrorIs(t, err, tt.checkErr, "Probe returns the provider's error")
				}
				assert.NotContains(t, err.Error(), secretValue)
			}
			assert.Equal(t, tt.wantCheck, e.provider.checkCalls)
			assert.Equal(t, tt.wantDetail, h.Detail)
		})
	}
}
