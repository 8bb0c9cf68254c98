package v1alpha1

import (
	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
)

// DomainValidation lists solvers; for each name the most specific matching
// solver wins (ACME style). A name no solver matches is validated manually.
type DomainValidation struct {
	// Solvers, each with an optional selector.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=32
	Solvers []Solver `json:"solvers,omitempty"`
}

// Solver validates the names its selector matches.
//
// +kubebuilder:validation:XValidation:rule="(has(self.http01)?1:0)+(has(self.dns01)?1:0)+(has(self.email)?1:0)==1",message="exactly one of http01, dns01 or email must be set"
type Solver struct {
	// Selector chooses the names; empty matches every name.
	// +optional
	Selector *Selector `json:"selector,omitempty"`

	// HTTP01 publishes a file over HTTP through the built-in responder.
	// +optional
	HTTP01 *HTTP01Solver `json:"http01,omitempty"`

	// DNS01 publishes a DNS record.
	// +optional
	DNS01 *DNS01Solver `json:"dns01,omitempty"`

	// Email approves names by mail to the reseller's approver addresses.
	// +optional
	Email *EmailSolver `json:"email,omitempty"`
}

// Selector chooses names, as cert-manager's ACME solver selectors do.
type Selector struct {
	// DNSNames matched exactly.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:MaxLength=253
	// +kubebuilder:validation:items:Pattern=`^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	DNSNames []string `json:"dnsNames,omitempty"`

	// DNSZones matched by suffix; the longest zone wins.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:MaxLength=253
	// +kubebuilder:validation:items:Pattern=`^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	DNSZones []string `json:"dnsZones,omitempty"`

	// MatchLabels of the Certificate(Request).
	// +optional
	MatchLabels map[string]string `json:"matchLabels,omitempty"`
}

// HTTP01Solver routes the reseller's HTTP check to the built-in responder.
//
// +kubebuilder:validation:XValidation:rule="!(has(self.ingress) && has(self.gatewayHTTPRoute))",message="at most one of ingress or gatewayHTTPRoute may be set"
type HTTP01Solver struct {
	// Ingress creates an Ingress per challenge.
	// +optional
	Ingress *HTTP01Ingress `json:"ingress,omitempty"`

	// GatewayHTTPRoute creates a Gateway API HTTPRoute per challenge.
	// +optional
	GatewayHTTPRoute *HTTP01GatewayHTTPRoute `json:"gatewayHTTPRoute,omitempty"`
}

// HTTP01Ingress configures the Ingress created per challenge.
type HTTP01Ingress struct {
	// IngressClassName of the Ingress.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	IngressClassName *string `json:"ingressClassName,omitempty"`

	// Class sets the legacy kubernetes.io/ingress.class annotation.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Class *string `json:"class,omitempty"`

	// Labels added to the Ingress.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`

	// Annotations added to the Ingress.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// HTTP01GatewayHTTPRoute configures the HTTPRoute created per challenge.
type HTTP01GatewayHTTPRoute struct {
	// ParentRefs of the HTTPRoute.
	// +required
	// +listType=atomic
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	ParentRefs []ParentReference `json:"parentRefs"`

	// Labels added to the HTTPRoute.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
}

// ParentReference names a Gateway (or listener) an HTTPRoute attaches to.
type ParentReference struct {
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace,omitempty"`
	// +optional
	// +kubebuilder:validation:MaxLength=253
	SectionName string `json:"sectionName,omitempty"`
}

// DNS01Solver publishes DNS records through exactly one provider. It is
// cert-manager's ACME dns01 block (cert-manager.io/v1 Issuer
// spec.acme.solvers[].dns01), the same Go type, so a block that works there
// works here unchanged: route53, cloudDNS, azureDNS, cloudflare,
// digitalocean, akamai, acmeDNS, rfc2136 or webhook, and cnameStrategy.
// Secret references name Secrets in the Issuer's namespace (a
// ResellerClusterIssuer's in the cluster resource namespace). Leaving a
// provider's credentials out (ambient credentials: IRSA, Workload Identity,
// managed identity) works only for a ResellerClusterIssuer and only with the
// controller's --cluster-issuer-ambient-credentials. Every provider writes
// TXT records; rfc2136 also writes the CNAME records CyberSSL asks for.
//
// +kubebuilder:validation:XValidation:rule="(has(self.route53)?1:0)+(has(self.cloudDNS)?1:0)+(has(self.azureDNS)?1:0)+(has(self.cloudflare)?1:0)+(has(self.digitalocean)?1:0)+(has(self.akamai)?1:0)+(has(self.acmeDNS)?1:0)+(has(self.rfc2136)?1:0)+(has(self.webhook)?1:0)==1",message="exactly one of route53, cloudDNS, azureDNS, cloudflare, digitalocean, akamai, acmeDNS, rfc2136 or webhook must be set"
// +kubebuilder:validation:XValidation:rule="!has(self.rfc2136) || has(self.rfc2136.tsigKeyName) == (has(self.rfc2136.tsigSecretSecretRef) && size(self.rfc2136.tsigSecretSecretRef.name) > 0)",message="tsigKeyName and tsigSecretSecretRef must be set together",fieldPath=".rfc2136.tsigSecretSecretRef",reason="FieldValueRequired"
// +kubebuilder:validation:XValidation:rule="!has(self.rfc2136) || !has(self.rfc2136.tsigAlgorithm) || self.rfc2136.tsigAlgorithm in ['HMACMD5', 'HMACSHA1', 'HMACSHA256', 'HMACSHA512', 'hmacmd5', 'hmacsha1', 'hmacsha256', 'hmacsha512']",message="tsigAlgorithm must be HMACMD5 (the default), HMACSHA1, HMACSHA256 or HMACSHA512",fieldPath=".rfc2136.tsigAlgorithm",reason="FieldValueInvalid"
// +kubebuilder:validation:XValidation:rule="!has(self.rfc2136) || size(self.rfc2136.nameserver) > 0",message="nameserver is required",fieldPath=".rfc2136.nameserver",reason="FieldValueRequired"
// +kubebuilder:validation:XValidation:rule="!has(self.cloudflare) || has(self.cloudflare.apiKeySecretRef) != has(self.cloudflare.apiTokenSecretRef)",message="exactly one of apiKeySecretRef or apiTokenSecretRef must be set",fieldPath=".cloudflare",reason="FieldValueInvalid"
// +kubebuilder:validation:XValidation:rule="!has(self.cloudflare) || !has(self.cloudflare.apiKeySecretRef) || has(self.cloudflare.email)",message="email is required with apiKeySecretRef",fieldPath=".cloudflare.email",reason="FieldValueRequired"
// +kubebuilder:validation:XValidation:rule="!has(self.route53) || !(has(self.route53.accessKeyID) && has(self.route53.accessKeyIDSecretRef))",message="accessKeyID and accessKeyIDSecretRef cannot both be set",fieldPath=".route53.accessKeyIDSecretRef",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="!has(self.azureDNS) || (has(self.azureDNS.clientID) == has(self.azureDNS.clientSecretSecretRef) && has(self.azureDNS.clientID) == has(self.azureDNS.tenantID))",message="clientID, clientSecretSecretRef and tenantID must be set together",fieldPath=".azureDNS.clientSecretSecretRef",reason="FieldValueRequired"
// +kubebuilder:validation:XValidation:rule="!has(self.azureDNS) || !has(self.azureDNS.managedIdentity) || !has(self.azureDNS.clientID)",message="managedIdentity cannot be used with clientID, clientSecretSecretRef and tenantID",fieldPath=".azureDNS.managedIdentity",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="!has(self.webhook) || (size(self.webhook.groupName) > 0 && size(self.webhook.solverName) > 0)",message="groupName and solverName are required",fieldPath=".webhook",reason="FieldValueRequired"
type DNS01Solver struct {
	cmacme.ACMEChallengeSolverDNS01 `json:",inline"`
}

// EmailSolver approves names by email.
type EmailSolver struct {
	// Approvers overrides the approver addresses where the reseller allows it.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	Approvers []Email `json:"approvers,omitempty"`
}
