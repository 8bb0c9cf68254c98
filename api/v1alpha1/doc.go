// Package v1alpha1 holds the reseller-issuer.dev/v1alpha1 API: ResellerIssuer
// and ResellerClusterIssuer, cert-manager external issuers that buy
// certificates from SSL resellers.
//
// +kubebuilder:object:generate=true
// +groupName=reseller-issuer.dev
package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// GroupVersion is the API group and version of this package.
	GroupVersion = schema.GroupVersion{Group: "reseller-issuer.dev", Version: "v1alpha1"}

	// SchemeBuilder registers the kinds of this package.
	SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion}

	// AddToScheme adds the kinds of this package to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)
