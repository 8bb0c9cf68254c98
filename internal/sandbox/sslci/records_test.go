package sslci

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDelete(t *testing.T) {
	f := newFixture(t)
	f.verify(tokenAlice, "a.example.com")
	status, raw := f.do(http.MethodPost, "", finalizeRequest{Token: tokenAlice, Action: actionFinalize, Domains: []string{"a.example.com"}}, nil)
	require.Equal(t, http.StatusOK, status, string(raw))
	f.order(tokenAlice, "b.example.com", methodHTTP) // order 2
	require.Equal(t, AccountStats{VerificationOrders: 2, Confirmations: 1, Finalizes: 1, Certificates: 1, PendingOrders: 1}, f.srv.Stats()["alice"])

	tests := []struct {
		req     deleteRequest
		message string
	}{
		{req: deleteRequest{Token: tokenAlice, Type: deleteOrder, ID: 2}, message: "order 2 canceled"},
		{req: deleteRequest{Token: tokenAlice, Type: deleteSSL, ID: 1}, message: "certificate 1 deleted"},
	}
	for _, tt := range tests {
		var resp deleteResponse
		status, raw := f.do(http.MethodDelete, "", tt.req, &resp)
		require.Equal(t, http.StatusOK, status, string(raw))
		assert.Equal(t, deleteResponse{Status: true, Message: tt.message}, resp)
	}
	l := f.list(tokenAlice)
	assert.Empty(t, l.Certificates)
	assert.Empty(t, l.PendingOrders)
	// Deleting again: the record is gone.
	status, _ = f.do(http.MethodDelete, "", tests[0].req, nil)
	assert.Equal(t, http.StatusBadRequest, status)
	// Counters of past activity stay, current counts drop.
	assert.Equal(t, AccountStats{VerificationOrders: 2, Confirmations: 1, Finalizes: 1}, f.srv.Stats()["alice"])
}

func TestOrderIDsAreGlobalAndStatsPerAccount(t *testing.T) {
	f := newFixture(t)
	a1 := f.order(tokenAlice, "a.example.com", methodHTTP)
	b := f.order(tokenBob, "b.example.com", methodDNS)
	a2 := f.order(tokenAlice, "c.example.com", methodHTTP)
	assert.Equal(t, []int64{1, 2, 3}, []int64{a1.OrderID, b.OrderID, a2.OrderID})

	// One thumbprint per account, one token per order.
	suffix := func(o verificationResponse) string {
		return strings.TrimPrefix(o.Verification.Content, o.Verification.Token)
	}
	assert.Equal(t, suffix(a1), suffix(a2))
	assert.NotEqual(t, suffix(a1), suffix(b))
	assert.NotEqual(t, a1.Verification.Token, a2.Verification.Token)

	// DNS orders carry no file.
	assert.Equal(t, methodDNS, b.Verification.Method)
	assert.Empty(t, b.Verification.FilePath)
	assert.Empty(t, b.Verification.URL)

	assert.Equal(t, map[string]AccountStats{
		"alice": {VerificationOrders: 2, PendingOrders: 2},
		"bob":   {VerificationOrders: 1, PendingOrders: 1},
	}, f.srv.Stats())
	stats, err := json.Marshal(f.srv.Stats()["alice"])
	require.NoError(t, err)
	assert.JSONEq(t, `{"verificationOrders":2,"confirmations":0,"finalizes":0,"certificates":0,"pendingOrders":2}`, string(stats))
}
