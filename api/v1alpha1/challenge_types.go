package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// ResellerChallenge is one open domain control validation challenge of a
// CertificateRequest (or of a Kubernetes CertificateSigningRequest, in the
// controller's cluster resource namespace). The controller creates it, owned
// by the request, when the reseller hands out the challenge, and deletes it
// once the name is validated or the request is issued, fails or is deleted;
// its finalizer removes what the solver published (DNS record, Ingress,
// HTTPRoute). Users read it; they never write it.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=rch,categories=reseller-issuer
// +kubebuilder:printcolumn:name="DNS Name",type="string",JSONPath=".spec.dnsName"
// +kubebuilder:printcolumn:name="Method",type="string",JSONPath=".spec.method"
// +kubebuilder:printcolumn:name="Solver",type="string",JSONPath=".spec.solver"
// +kubebuilder:printcolumn:name="Target",type="string",JSONPath=".spec.target"
// +kubebuilder:printcolumn:name="State",type="string",JSONPath=".status.state"
// +kubebuilder:printcolumn:name="Last Error",type="string",JSONPath=".status.lastError"
// +kubebuilder:printcolumn:name="Request",type="string",priority=1,JSONPath=".spec.requestRef.name"
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"
type ResellerChallenge struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is what must be published, and by which solver.
	// +required
	Spec ChallengeSpec `json:"spec"`

	// Status is the last thing the controller learned about the challenge.
	// +optional
	Status ChallengeStatus `json:"status,omitempty"`
}

// Challenge methods: how the reseller checks the name.
const (
	MethodHTTP01 = "HTTP-01"
	MethodDNS01  = "DNS-01"
	MethodEmail  = "Email"
)

// Solver kinds: who publishes the challenge.
const (
	SolverHTTP01 = "http01"
	SolverDNS01  = "dns01"
	SolverEmail  = "email"
	SolverManual = "manual"
)

// ChallengeSpec is what must be published to validate one name. It is
// written once; a changed challenge is a new object.
type ChallengeSpec struct {
	// RequestRef is the request the challenge belongs to.
	// +required
	RequestRef RequestReference `json:"requestRef"`

	// IssuerRef is the issuer whose solver publishes the challenge.
	// +required
	IssuerRef IssuerReference `json:"issuerRef"`

	// DNSName is the name being validated.
	// +required
	// +kubebuilder:validation:MaxLength=253
	DNSName string `json:"dnsName"`

	// Method is how the reseller checks the name: HTTP-01, DNS-01 or Email.
	// +required
	// +kubebuilder:validation:Enum=HTTP-01;DNS-01;Email
	Method string `json:"method"`

	// Solver publishes it: http01, dns01, email, or manual when no solver
	// of the Issuer can and a person must.
	// +required
	// +kubebuilder:validation:Enum=http01;dns01;email;manual
	Solver string `json:"solver"`

	// Target is what is published, in one line: the URL, the DNS record, or
	// the approver addresses.
	// +required
	// +kubebuilder:validation:MaxLength=4096
	Target string `json:"target"`

	// HTTP01 is the file to serve.
	// +optional
	HTTP01 *HTTP01Challenge `json:"http01,omitempty"`

	// DNS01 is the record to publish.
	// +optional
	DNS01 *DNS01Challenge `json:"dns01,omitempty"`

	// Email lists the approver addresses the reseller mails.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=100
	Email []string `json:"email,omitempty"`

	// Publisher is the configuration of the solver that published the
	// challenge, kept so it can be removed after the Issuer changed.
	// +optional
	Publisher *Solver `json:"publisher,omitempty"`
}

// RequestReference names a cert-manager CertificateRequest or a Kubernetes
// CertificateSigningRequest.
type RequestReference struct {
	// Group of the request: cert-manager.io or certificates.k8s.io.
	// +required
	Group string `json:"group"`
	// Kind of the request: CertificateRequest or CertificateSigningRequest.
	// +required
	Kind string `json:"kind"`
	// Name of the request.
	// +required
	Name string `json:"name"`
	// Namespace of a CertificateRequest; empty for a
	// CertificateSigningRequest.
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// UID of the request.
	// +required
	UID types.UID `json:"uid"`
}

// IssuerReference names a ResellerIssuer or ResellerClusterIssuer.
type IssuerReference struct {
	// Kind is ResellerIssuer or ResellerClusterIssuer.
	// +required
	Kind string `json:"kind"`
	// Name of the issuer.
	// +required
	Name string `json:"name"`
	// SecretNamespace is where the issuer's Secrets live.
	// +required
	SecretNamespace string `json:"secretNamespace"`
}

// HTTP01Challenge is a file served over HTTP.
type HTTP01Challenge struct {
	// URL the reseller fetches.
	URL string `json:"url"`
	// Path of the URL.
	Path string `json:"path"`
	// Content of the file.
	Content string `json:"content"`
}

// DNS01Challenge is a DNS record.
type DNS01Challenge struct {
	// Record is the fully qualified record name.
	Record string `json:"record"`
	// Type is TXT or CNAME.
	Type string `json:"type"`
	// Value of the record.
	Value string `json:"value"`
}

// Challenge states.
const (
	// ChallengePending: created, not yet published.
	ChallengePending = "Pending"
	// ChallengePropagating: published, not yet visible from outside.
	ChallengePropagating = "Propagating"
	// ChallengePresented: published and visible; the reseller checks next.
	ChallengePresented = "Presented"
	// ChallengeWaitingForPerson: a person must publish it (manual) or
	// approve it (email).
	ChallengeWaitingForPerson = "WaitingForPerson"
	// ChallengeErrored: publishing or the reseller's last check failed; it
	// is retried.
	ChallengeErrored = "Errored"
)

// ChallengeStatus is the last thing learned about a challenge.
type ChallengeStatus struct {
	// State is Pending, Propagating, Presented, WaitingForPerson or Errored.
	// +optional
	State string `json:"state,omitempty"`
	// LastError is the last error publishing it or the reseller's last
	// answer about the name.
	// +optional
	LastError string `json:"lastError,omitempty"`
	// Message says what happens next, e.g. exactly what a person must
	// publish.
	// +optional
	Message string `json:"message,omitempty"`
	// LastTransitionTime is when State last changed.
	// +optional
	LastTransitionTime *metav1.Time `json:"lastTransitionTime,omitempty"`
}

// +kubebuilder:object:root=true

// ResellerChallengeList is a list of ResellerChallenges.
type ResellerChallengeList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ResellerChallenge `json:"items"`
}

// AnnotationResendEmail, set or changed on a CertificateRequest (or
// CertificateSigningRequest) whose order is validated by email, asks the
// reseller to mail the approvers again (SSLmarket's resend). Any new value
// asks once, e.g. `kubectl annotate cr NAME reseller-issuer.dev/resend-dcv-email="$(date +%s)" --overwrite`.
const AnnotationResendEmail = "reseller-issuer.dev/resend-dcv-email"
