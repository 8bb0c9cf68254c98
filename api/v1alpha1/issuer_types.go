package v1alpha1

import (
	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// ResellerIssuer obtains certificates from an SSL reseller for
// CertificateRequests in its own namespace. Credentials are read from Secrets
// in that namespace.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=cert-manager;reseller-issuer
// +kubebuilder:printcolumn:name="Ready",type="string",JSONPath=".status.conditions[?(@.type==\"Ready\")].status"
// +kubebuilder:printcolumn:name="Reason",type="string",JSONPath=".status.conditions[?(@.type==\"Ready\")].reason"
// +kubebuilder:printcolumn:name="Message",type="string",priority=1,JSONPath=".status.conditions[?(@.type==\"Ready\")].message"
// +kubebuilder:printcolumn:name="Balance",type="string",priority=1,JSONPath=".status.balance.amount"
// +kubebuilder:printcolumn:name="Currency",type="string",priority=1,JSONPath=".status.balance.currency"
// +kubebuilder:printcolumn:name="Detail",type="string",priority=1,JSONPath=".status.detail"
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"
type ResellerIssuer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec chooses the reseller and how to validate domains.
	// +required
	Spec IssuerSpec `json:"spec"`

	// Status is written by the controller.
	// +optional
	Status IssuerStatus `json:"status,omitempty"`
}

// ResellerClusterIssuer is a cluster-wide ResellerIssuer. Credentials are read
// from Secrets in the controller's --cluster-resource-namespace.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories=cert-manager;reseller-issuer
// +kubebuilder:printcolumn:name="Ready",type="string",JSONPath=".status.conditions[?(@.type==\"Ready\")].status"
// +kubebuilder:printcolumn:name="Reason",type="string",JSONPath=".status.conditions[?(@.type==\"Ready\")].reason"
// +kubebuilder:printcolumn:name="Message",type="string",priority=1,JSONPath=".status.conditions[?(@.type==\"Ready\")].message"
// +kubebuilder:printcolumn:name="Balance",type="string",priority=1,JSONPath=".status.balance.amount"
// +kubebuilder:printcolumn:name="Currency",type="string",priority=1,JSONPath=".status.balance.currency"
// +kubebuilder:printcolumn:name="Detail",type="string",priority=1,JSONPath=".status.detail"
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"
type ResellerClusterIssuer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec chooses the reseller and how to validate domains.
	// +required
	Spec IssuerSpec `json:"spec"`

	// Status is written by the controller.
	// +optional
	Status IssuerStatus `json:"status,omitempty"`
}

// IssuerStatus is issuer-lib's status plus what an operator needs at a glance.
type IssuerStatus struct {
	issuerapi.IssuerStatus `json:",inline"`

	// Detail is what the last check learned, e.g. the CyberSSL product.
	// +optional
	Detail string `json:"detail,omitempty"`

	// Balance is the reseller account's balance at the last check, for
	// resellers that report one (cyberssl).
	// +optional
	Balance *Balance `json:"balance,omitempty"`
}

// Balance is an amount of money.
type Balance struct {
	// Amount is a decimal number, e.g. "123.45".
	// +required
	Amount string `json:"amount"`
	// Currency is the ISO 4217 code, e.g. "USD".
	// +required
	Currency string `json:"currency"`
}

// ConditionLowBalance is True while the reseller balance is under
// spec.limits.minBalance.
const ConditionLowBalance = "LowBalance"

// +kubebuilder:object:root=true

// ResellerIssuerList is a list of ResellerIssuers.
type ResellerIssuerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ResellerIssuer `json:"items"`
}

// +kubebuilder:object:root=true

// ResellerClusterIssuerList is a list of ResellerClusterIssuers.
type ResellerClusterIssuerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ResellerClusterIssuer `json:"items"`
}

// Kinds of the two issuers.
const (
	KindResellerIssuer        = "ResellerIssuer"
	KindResellerClusterIssuer = "ResellerClusterIssuer"
)

// Issuer type identifiers: the prefix of a Kubernetes CSR's signerName.
const (
	IssuerTypeIdentifier        = "resellerissuers.reseller-issuer.dev"
	ClusterIssuerTypeIdentifier = "resellerclusterissuers.reseller-issuer.dev"
)

var (
	_ issuerapi.Issuer = &ResellerIssuer{}
	_ issuerapi.Issuer = &ResellerClusterIssuer{}
)

// GetConditions returns the status conditions (issuer-lib's Issuer interface).
func (i *ResellerIssuer) GetConditions() []metav1.Condition { return i.Status.Conditions }

// GetIssuerTypeIdentifier returns the signerName prefix of this kind.
func (i *ResellerIssuer) GetIssuerTypeIdentifier() string { return IssuerTypeIdentifier }

// GetConditions returns the status conditions (issuer-lib's Issuer interface).
func (i *ResellerClusterIssuer) GetConditions() []metav1.Condition { return i.Status.Conditions }

// GetIssuerTypeIdentifier returns the signerName prefix of this kind.
func (i *ResellerClusterIssuer) GetIssuerTypeIdentifier() string {
	return ClusterIssuerTypeIdentifier
}

// SpecOf returns the spec of either issuer kind.
func SpecOf(issuer client.Object) (*IssuerSpec, bool) {
	switch i := issuer.(type) {
	case *ResellerIssuer:
		return &i.Spec, true
	case *ResellerClusterIssuer:
		return &i.Spec, true
	}
	return nil, false
}
