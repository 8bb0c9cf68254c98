package framework

import (
	"context"
	_ "embed"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// approvalPolicy is cert-manager's approval rule as a ValidatingAdmissionPolicy.
//
//go:embed approval-policy.yaml
var approvalPolicy []byte

// ApprovalPolicyName names the ValidatingAdmissionPolicy that enforces
// cert-manager's approval rule.
const ApprovalPolicyName = "certificaterequest-approval.e2e.reseller-issuer.dev"

// InstallApprovalPolicy enforces cert-manager's approval rule on the API
// server: an identity may set Approved or Denied on a CertificateRequest only
// if it may "approve" the signer named for its issuer (see
// approval-policy.yaml). cert-manager's webhook does this in a real cluster.
func InstallApprovalPolicy(ctx context.Context, c client.Client) error {
	objs, err := DecodeObjects(approvalPolicy)
	if err != nil {
		return fmt.Errorf("approval policy: %w", err)
	}
	return CreateObjects(ctx, c, objs)
}
