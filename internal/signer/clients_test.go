package signer

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslci"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

func resellerOf(t *testing.T, p Provider) order.Reseller {
	t.Helper()
	proto, ok := p.(*order.Protocol)
	require.True(t, ok, "%T", p)
	return proto.Reseller
}

// One client per Issuer configuration: every request of an Issuer reuses
// it (CyberSSL's session token, the product caches); a changed spec, token
// or CA bundle builds a new one, and an idle one is dropped.
func TestBuildReusesTheIssuersClient(t *testing.T) {
	r := newResellers(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r.Now = func() time.Time { return now }
	spec := *cybersslIssuer().(*v1alpha1.ResellerIssuer).Spec.DeepCopy()
	creds := Credentials{Secret: []byte("key-1")}
	client := func(spec v1alpha1.IssuerSpec, creds Credentials) *cyberssl.Reseller {
		p, err := r.Build(&spec, creds, nil)
		require.NoError(t, err)
		rs, ok := resellerOf(t, p).(*cyberssl.Reseller)
		require.True(t, ok)
		return rs
	}
	first := client(spec, creds)
	again := client(spec, creds)
	assert.Same(t, first.Client, again.Client, "same Issuer configuration: same client (one auth per token lifetime)")
	assert.Same(t, first.ProductDetails, again.ProductDetails, "product details kept per Issuer")

	assert.NotSame(t, first.Client, client(spec, Credentials{Secret: []byte("key-2")}).Client, "a new API key: a new client")
	edited := *spec.DeepCopy()
	edited.CyberSSL.ProductID = 2
	assert.NotSame(t, first.Client, client(edited, creds).Client, "an edited spec: a new client")
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	bundle := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	assert.NotSame(t, first.Client, client(spec, Credentials{Secret: []byte("key-1"), CABundle: bundle}).Client, "a new CA bundle: a new client")

	now = now.Add(clientIdle + time.Second)
	client(edited, creds) // touches another entry; first's is idle now
	assert.NotSame(t, first.Client, client(spec, creds).Client, "an idle client is dropped")
}

func TestBuildSharesTheProductList(t *testing.T) {
	r := newResellers(t)
	spec := v1alpha1.IssuerSpec{SSLMarket: &v1alpha1.SSLMarket{URL: "https://sslmarket.test/api", ProductCode: "p"}}
	build := func() *sslmarket.Reseller {
		p, err := r.Build(&spec, Credentials{Secret: []byte("tok")}, nil)
		require.NoError(t, err)
		rs, ok := resellerOf(t, p).(*sslmarket.Reseller)
		require.True(t, ok)
		return rs
	}
	a, b := build(), build()
	assert.Same(t, a.Client, b.Client)
	require.NotNil(t, a.ProductList)
	assert.Same(t, a.ProductList, b.ProductList)
	assert.Equal(t, catalogMaxAge, a.ProductList.MaxAge)

	sspec := sslciSpec()
	p1, err := r.Build(&sspec, Credentials{Secret: []byte("tok")}, nil)
	require.NoError(t, err)
	p2, err := r.Build(&sspec, Credentials{Secret: []byte("tok")}, nil)
	require.NoError(t, err)
	assert.Same(t, resellerOf(t, p1).(*sslci.Reseller).Client, resellerOf(t, p2).(*sslci.Reseller).Client)
}
