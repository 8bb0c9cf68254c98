package signer

import (
	"context"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cert-manager/issuer-lib/controllers/signer"
	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

func newResellers(t *testing.T) *Resellers {
	t.Helper()
	m, err := ca.NewMetrics(prometheus.NewRegistry())
	require.NoError(t, err)
	return &Resellers{Now: time.Now, Timeout: 5 * time.Second, Metrics: m, Log: logr.Discard()}
}

// A reseller behind a private CA is reached only with spec.caBundle: TLS is
// always verified.
func TestBuildCABundle(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"status":true,"certificates":[],"pending_orders":[]}`))
	}))
	defer srv.Close()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	spec := &v1alpha1.IssuerSpec{SSLCI: &v1alpha1.SSLCI{URL: v1alpha1.ResellerURL(srv.URL + "/api")}}

	tests := []struct {
		name     string
		bundle   []byte
		buildErr string
		checkErr string
	}{
		{name: "system roots only", checkErr: "certificate signed by unknown authority"},
		{name: "private CA bundle", bundle: caPEM},
		{name: "bundle without PEM", bundle: []byte("not pem"), buildErr: "spec.caBundle holds no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := newResellers(t).Build(spec, Credentials{Secret: []byte("tok"), CABundle: tt.bundle}, nil)
			if tt.buildErr != "" {
				require.ErrorContains(t, err, tt.buildErr)
				assert.True(t, ca.IsPermanent(err))
				return
			}
			require.NoError(t, err)
			_, err = p.Check(context.Background())
			if tt.checkErr != "" {
				require.ErrorContains(t, err, tt.checkErr)
				return
			}
			require.NoError(t, err)
		})
	}
}

// A 429 with Retry-After holds the request back at least that long.
func TestRetryAfterIsObeyed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"status":false,"message":"slow down"}`))
	}))
	defer srv.Close()
	spec := &v1alpha1.IssuerSpec{SSLCI: &v1alpha1.SSLCI{URL: v1alpha1.ResellerURL(srv.URL + "/api")}}
	p, err := newResellers(t).Build(spec, Credentials{Secret: []byte("tok")}, nil)
	require.NoError(t, err)
	_, err = p.Check(context.Background())
	require.Error(t, err)
	assert.Equal(t, 30*time.Second, ca.RetryAfter(err))

	var pending signer.PendingError
	require.True(t, errors.As(toSignerError(err, 2*time.Second), &pending))
	assert.Equal(t, 30*time.Second, pending.RequeueAfter, "never back sooner than the reseller asked")
}
