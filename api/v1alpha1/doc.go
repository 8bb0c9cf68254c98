// Package v1alpha1 holds the reseller-issuer.dev/v1alpha1 API: ResellerIssuer
// and ResellerClusterIssuer, cert-manager external issuers that buy
// certificates from SSL resellers; ResellerChallenge, the open domain
// control validation challenges of their requests; and ResellerOrder, the
// ledger of orders paid for at the resellers.
//
// +kubebuilder:object:generate=true
// +groupName=reseller-issuer.dev
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is the API group and version of this package.
	GroupVersion = schema.GroupVersion{Group: "reseller-issuer.dev", Version: "v1alpha1"}

	// SchemeBuilder registers the kinds of this package.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the kinds of this package to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// addKnownTypes adds the kinds of this package, and the common meta/v1
// types (ListOptions, Status, ...), to scheme under GroupVersion.
func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(GroupVersion,
		&ResellerIssuer{}, &ResellerIssuerList{},
		&ResellerClusterIssuer{}, &ResellerClusterIssuerList{},
		&ResellerChallenge{}, &ResellerChallengeList{},
		&ResellerOrder{}, &ResellerOrderList{},
	)
	metav1.AddToGroupVersion(scheme, GroupVersion)
	return nil
}
