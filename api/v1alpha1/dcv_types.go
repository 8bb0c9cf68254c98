package v1alpha1

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

// DNS01Solver publishes DNS records.
//
// +kubebuilder:validation:XValidation:rule="has(self.rfc2136)",message="a DNS provider (rfc2136) must be set"
type DNS01Solver struct {
	// RFC2136 sends dynamic updates with TSIG.
	// +optional
	RFC2136 *RFC2136 `json:"rfc2136,omitempty"`
}

// RFC2136 configures dynamic DNS updates.
//
// +kubebuilder:validation:XValidation:rule="has(self.tsigKeyName) == has(self.tsigSecretRef)",message="tsigKeyName and tsigSecretRef must be set together",fieldPath=".tsigSecretRef",reason="FieldValueRequired"
type RFC2136 struct {
	// Nameserver is host:port of the authoritative server.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=261
	// +kubebuilder:validation:Pattern=`^(\[[0-9a-fA-F:.]+\]|[-a-zA-Z0-9.]+):[0-9]{1,5}$`
	Nameserver string `json:"nameserver"`

	// TSIGKeyName is the TSIG key's name.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	TSIGKeyName string `json:"tsigKeyName,omitempty"`

	// TSIGAlgorithm of the key.
	// +optional
	// +kubebuilder:default=HMACSHA256
	// +kubebuilder:validation:Enum=HMACSHA256;HMACSHA384;HMACSHA512
	TSIGAlgorithm string `json:"tsigAlgorithm,omitempty"`

	// TSIGSecretRef holds the base64 TSIG secret.
	// +optional
	TSIGSecretRef *SecretKeySelector `json:"tsigSecretRef,omitempty"`
}

// EmailSolver approves names by email.
type EmailSolver struct {
	// Approvers overrides the approver addresses where the reseller allows it.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	Approvers []Email `json:"approvers,omitempty"`
}
