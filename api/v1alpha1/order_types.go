package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ResellerOrder is one order paid for at a reseller: the ledger of what was
// bought. The controller creates it, before the paid call, under a name
// derived from what must not be bought twice (the issuer, the product and
// the names), so two workers, two replicas or a request cert-manager
// recreated collide on it instead of paying twice. It is not owned by the
// CertificateRequest that placed it: a paid order, and the subscription it
// bought, outlive the request, and later requests for the same names
// (renewals, an edited or recreated Certificate) continue or reissue it.
// It is kept until its subscription ends, plus a retention. Users read it;
// they never write it.
//
// Until is a string column: a date column prints a time in the future,
// as a subscription's end is, as "<invalid>".
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=ro,categories=reseller-issuer
// +kubebuilder:printcolumn:name="Provider",type="string",JSONPath=".spec.provider"
// +kubebuilder:printcolumn:name="Product",type="string",JSONPath=".spec.product"
// +kubebuilder:printcolumn:name="Names",type="string",JSONPath=".spec.dnsNames"
// +kubebuilder:printcolumn:name="Order ID",type="string",JSONPath=".status.orderID"
// +kubebuilder:printcolumn:name="State",type="string",JSONPath=".status.state"
// +kubebuilder:printcolumn:name="Validating",type="string",JSONPath=".status.validating",description="Names with an open challenge (the built-in responder serves http-01 ones from this order)"
// +kubebuilder:printcolumn:name="Until",type="string",JSONPath=".status.subscriptionEnd",description="When the subscription ends"
// +kubebuilder:printcolumn:name="Reissues",type="integer",JSONPath=".status.reissues"
// +kubebuilder:printcolumn:name="Certificate",type="string",priority=1,JSONPath=".metadata.labels.reseller-issuer\\.dev/certificate"
// +kubebuilder:printcolumn:name="Request",type="string",priority=1,JSONPath=".status.claim.request.name"
// +kubebuilder:printcolumn:name="Last Word",type="string",priority=1,JSONPath=".status.lastMessage"
// +kubebuilder:printcolumn:name="Age",type="date",JSONPath=".metadata.creationTimestamp"
type ResellerOrder struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is what was bought; it never changes.
	// +required
	Spec OrderSpec `json:"spec"`

	// Status is where the order stands at the reseller.
	// +optional
	Status OrderStatus `json:"status,omitempty"`
}

// OrderSpec is what an order buys. It is written once.
//
// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="an order's spec never changes: what was bought stays bought"
type OrderSpec struct {
	// IssuerRef is the issuer the order was placed through.
	// +required
	IssuerRef IssuerReference `json:"issuerRef"`

	// Provider is the reseller: sslci, sslmarket or cyberssl.
	// +required
	// +kubebuilder:validation:Enum=sslci;sslmarket;cyberssl
	Provider string `json:"provider"`

	// Product is the reseller's product (SSLmarket product code, CyberSSL
	// product id); empty for SSLCI, which sells one kind.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	Product string `json:"product,omitempty"`

	// Years of the subscription bought (SSLmarket years, CyberSSL period);
	// 0 where the reseller sells single certificates (SSLCI).
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10
	Years int32 `json:"years,omitempty"`

	// DNSNames are the names bought, sorted.
	// +required
	// +listType=atomic
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=250
	// +kubebuilder:validation:items:MaxLength=253
	DNSNames []string `json:"dnsNames"`
}

// OrderState is where an order stands.
// +kubebuilder:validation:Enum=Claimed;Ordered;Validating;Issued;Reissuing;Abandoned;Expired;Canceled;Failed
type OrderState string

// Order states.
const (
	// OrderClaimed: a worker owns the order and is about to pay for it; no
	// order id is known yet.
	OrderClaimed OrderState = "Claimed"
	// OrderOrdered: the reseller accepted the order.
	OrderOrdered OrderState = "Ordered"
	// OrderValidating: the reseller waits for domain control validation.
	OrderValidating OrderState = "Validating"
	// OrderIssued: a certificate was obtained; the order can serve renewals
	// while its subscription lasts.
	OrderIssued OrderState = "Issued"
	// OrderReissuing: a free reissue with a new key is under way.
	OrderReissuing OrderState = "Reissuing"
	// OrderAbandoned: the request working on the order is gone (its
	// Certificate was edited or deleted) and the reseller offers no way to
	// cancel it: it stays paid, lastMessage says why, and a later request
	// for the same names continues it.
	OrderAbandoned OrderState = "Abandoned"
	// OrderExpired: the subscription (or, without one, the certificate)
	// ended.
	OrderExpired OrderState = "Expired"
	// OrderCanceled: canceled at the reseller before anything was paid on
	// it (see lastMessage).
	OrderCanceled OrderState = "Canceled"
	// OrderFailed: the reseller refused or rejected it for good.
	OrderFailed OrderState = "Failed"
)

// OrderStatus is where an order stands at the reseller, and what was
// obtained on it.
type OrderStatus struct {
	// State is Claimed, Ordered, Validating, Issued, Reissuing, Expired,
	// Canceled or Failed.
	// +optional
	State OrderState `json:"state,omitempty"`

	// OrderID is the reseller's id of the order, saved as soon as it is
	// known.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	OrderID string `json:"orderID,omitempty"`

	// Claim is the request working on the order and, while a paid call is
	// under way, that call.
	// +optional
	Claim *OrderClaim `json:"claim,omitempty"`

	// Names is the validation progress of each name.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=250
	Names []OrderName `json:"names,omitempty"`

	// Validating lists the names with an open challenge and its type
	// ("www.example.com http-01, example.com dns-01"), for the Validating
	// column; written with the names.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Validating string `json:"validating,omitempty"`

	// Chain is the last certificate obtained, leaf then intermediates, PEM;
	// saved as soon as it arrives, so a crash never needs a second purchase.
	// +optional
	// +kubebuilder:validation:MaxLength=65536
	Chain string `json:"chain,omitempty"`

	// Certificates obtained on this order, oldest first (the last 20).
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=20
	Certificates []ObtainedCertificate `json:"certificates,omitempty"`

	// Reissues is how many certificates free reissues obtained on the
	// order; written as 0 too, so that the Reissues column shows it.
	// +optional
	Reissues int32 `json:"reissues"`

	// Reissue is the free reissue under way, if any.
	// +optional
	Reissue *OrderReissue `json:"reissue,omitempty"`

	// NoReissue says why the order cannot be reissued any more (the
	// reseller refused a reissue): renewals of its names order anew.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	NoReissue string `json:"noReissue,omitempty"`

	// SubscriptionEnd is when the paid subscription ends, where the
	// reseller sells one; certificates are reissued for free until then.
	// +optional
	SubscriptionEnd *metav1.Time `json:"subscriptionEnd,omitempty"`

	// LastMessage is the reseller's last word on the order, or why it was
	// abandoned.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	LastMessage string `json:"lastMessage,omitempty"`

	// Progress is when the order last moved forward; waits grow from it.
	// +optional
	Progress *metav1.Time `json:"progress,omitempty"`

	// EmailResent is the last resend of the approval emails acted on.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	EmailResent string `json:"emailResent,omitempty"`
}

// OrderClaim is the request working on an order, and its paid call.
type OrderClaim struct {
	// Request is the request the order works for now.
	// +required
	Request RequestReference `json:"request"`

	// KeyFingerprint is the SHA-256 of the request's public key
	// (SubjectPublicKeyInfo), hex.
	// +required
	// +kubebuilder:validation:MaxLength=64
	KeyFingerprint string `json:"keyFingerprint"`

	// Step is the paid call under way (order, reissue, finalize); empty
	// when none is.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	Step string `json:"step,omitempty"`

	// StepKeyFingerprint is the fingerprint of the key the paid call under
	// way asked to certify: recovery looks for an order of that key, even
	// after another request took the order over.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	StepKeyFingerprint string `json:"stepKeyFingerprint,omitempty"`

	// At is when the paid call was claimed: another worker treats the call
	// as over only after the call's bound has passed since then.
	// +optional
	At *metav1.Time `json:"at,omitempty"`

	// Attempt counts the claims of the step.
	// +optional
	Attempt int32 `json:"attempt,omitempty"`
}

// OrderReissue is a free reissue under way on an order.
type OrderReissue struct {
	// Replaces is when the certificate being replaced expires: the
	// reissued certificate is handed out only if it expires later.
	// +required
	Replaces metav1.Time `json:"replaces"`
	// Accepted is set once the reseller accepted the reissue call.
	// +optional
	Accepted bool `json:"accepted,omitempty"`
}

// OrderName is the validation progress of one name of an order.
type OrderName struct {
	// Name is the DNS name.
	// +required
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
	// OrderID of the (free) verification order, where the reseller uses one.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	OrderID string `json:"orderID,omitempty"`
	// Challenge to publish; empty once the name is verified.
	// +optional
	Challenge *OrderChallenge `json:"challenge,omitempty"`
	// Verified is set when the reseller confirmed the name.
	// +optional
	Verified bool `json:"verified,omitempty"`
	// VerifiedAt is when the reseller confirmed it (SSLCI accepts
	// verifications for 29 days).
	// +optional
	VerifiedAt *metav1.Time `json:"verifiedAt,omitempty"`
	// LastError is the reseller's last answer for the name.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	LastError string `json:"lastError,omitempty"`
	// Method is how the reseller validates the name, in its own words.
	// +optional
	// +kubebuilder:validation:MaxLength=512
	Method string `json:"method,omitempty"`
}

// OrderChallenge is what must be published to validate one name.
type OrderChallenge struct {
	// Type is http-01, dns-01 or email.
	// +required
	// +kubebuilder:validation:MaxLength=16
	Type string `json:"type"`
	// Path served on http://<name> (http-01).
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Path string `json:"path,omitempty"`
	// Content is the file, the record value or the approver addresses.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Content string `json:"content,omitempty"`
	// Record is the DNS record name (dns-01).
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Record string `json:"record,omitempty"`
	// RecordType is TXT or CNAME (dns-01).
	// +optional
	// +kubebuilder:validation:MaxLength=8
	RecordType string `json:"recordType,omitempty"`
}

// ObtainedCertificate is one certificate obtained on an order.
type ObtainedCertificate struct {
	// Serial number, hex.
	// +required
	// +kubebuilder:validation:MaxLength=128
	Serial string `json:"serial"`
	// NotAfter is when it expires.
	// +required
	NotAfter metav1.Time `json:"notAfter"`
	// ObtainedAt is when it arrived.
	// +required
	ObtainedAt metav1.Time `json:"obtainedAt"`
	// Request is the name of the request it was obtained for.
	// +required
	// +kubebuilder:validation:MaxLength=253
	Request string `json:"request"`
	// Reissue tells a free reissue from the order's first certificate.
	// +optional
	Reissue bool `json:"reissue,omitempty"`
}

// +kubebuilder:object:root=true

// ResellerOrderList is a list of ResellerOrders.
type ResellerOrderList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ResellerOrder `json:"items"`
}

// Labels on a ResellerOrder.
const (
	// LabelOrderKey is the hash of what the order bought (issuer, product,
	// names): every order ever placed for the same thing carries it.
	LabelOrderKey = "reseller-issuer.dev/order-key"
	// LabelCertificate is the cert-manager Certificate the order serves.
	LabelCertificate = "reseller-issuer.dev/certificate"
)

// AnnotationClaim holds, as JSON, the claim (request and key fingerprint)
// an order was created with. The create is the claim; its status is
// written with the order's first progress, and until then the claim is
// read from here (order.ClaimOf).
const AnnotationClaim = "reseller-issuer.dev/claim"
