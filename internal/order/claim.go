package order

import (
	"encoding/json"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// ClaimOf is the claim of o: its status's once the status was written (a
// status written without a claim means nobody holds the order), else the
// claim o was created with (v1alpha1.AnnotationClaim), which the first
// status write copies into the status. An order whose status was never
// written is as claimed as one whose status says Claimed: the create was
// the claim.
func ClaimOf(o *v1alpha1.ResellerOrder) *v1alpha1.OrderClaim {
	if written(o) {
		return o.Status.Claim
	}
	return createdClaim(o)
}

// written reports whether o's status was ever written: every write sets
// its state.
func written(o *v1alpha1.ResellerOrder) bool {
	return o.Status.State != ""
}

// createdClaim is the claim o was created with; nil when it has none (or
// an unreadable one: nobody holds it, the order is adopted).
func createdClaim(o *v1alpha1.ResellerOrder) *v1alpha1.OrderClaim {
	raw, ok := o.Annotations[v1alpha1.AnnotationClaim]
	if !ok {
		return nil
	}
	c := &v1alpha1.OrderClaim{}
	if err := json.Unmarshal([]byte(raw), c); err != nil || c.Request.UID == "" {
		return nil
	}
	return c
}

// claimAnnotation is the JSON of claim for v1alpha1.AnnotationClaim.
func claimAnnotation(claim v1alpha1.OrderClaim) (string, error) {
	b, err := json.Marshal(v1alpha1.OrderClaim{Request: claim.Request, KeyFingerprint: claim.KeyFingerprint})
	return string(b), err
}
