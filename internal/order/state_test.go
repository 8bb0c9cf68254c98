package order

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// The Validating column lists every name with an open challenge.
func TestValidatingListsTheOpenChallenges(t *testing.T) {
	tests := []struct {
		name  string
		names []ca.NameState
		want  string
	}{
		{name: "none open"},
		{name: "two open, one verified", names: []ca.NameState{
			{Name: "www.example.com", Challenge: &ca.Challenge{Type: ca.HTTP01}},
			{Name: "example.com", Challenge: &ca.Challenge{Type: ca.DNS01}},
			{Name: "api.example.com", Verified: true, Challenge: &ca.Challenge{Type: ca.HTTP01}},
		}, want: "www.example.com http-01, example.com dns-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := &v1alpha1.ResellerOrder{Status: v1alpha1.OrderStatus{State: v1alpha1.OrderClaimed}}
			applyState(o, &ca.State{Names: tc.names}, "r", o.CreationTimestamp.Time)
			assert.Equal(t, tc.want, o.Status.Validating)
		})
	}
}
