package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// IssuerSpec selects exactly one reseller and says how names are validated.
//
// +kubebuilder:validation:XValidation:rule="(has(self.sslci)?1:0)+(has(self.sslmarket)?1:0)+(has(self.cyberssl)?1:0)==1",message="exactly one of sslci, sslmarket or cyberssl must be set"
// +kubebuilder:validation:XValidation:rule="!has(self.limits) || !has(self.limits.minBalance) || has(self.cyberssl)",message="minBalance needs a reseller that reports a balance: only cyberssl does (SSLCI and SSLmarket have no balance endpoint)",fieldPath=".limits.minBalance",reason="FieldValueForbidden"
type IssuerSpec struct {
	// SSLCI orders from sslci.com: verify each name, then finalize.
	// +optional
	SSLCI *SSLCI `json:"sslci,omitempty"`

	// SSLMarket orders from SSLmarket: order, validate, poll, download.
	// +optional
	SSLMarket *SSLMarket `json:"sslmarket,omitempty"`

	// CyberSSL orders from CyberSSL: add_ssl_order, validate, poll order_status.
	// +optional
	CyberSSL *CyberSSL `json:"cyberssl,omitempty"`

	// DomainValidation chooses how each name is proven (DCV). Without a
	// matching solver, names are validated through the built-in HTTP responder.
	// +optional
	DomainValidation *DomainValidation `json:"domainValidation,omitempty"`

	// Renewal says how a certificate is renewed.
	// +optional
	Renewal *Renewal `json:"renewal,omitempty"`

	// Limits caps what this issuer may spend.
	// +optional
	Limits *Limits `json:"limits,omitempty"`

	// CABundle adds trusted roots for a reseller endpoint behind a private
	// CA (a proxy, a staging site). TLS is always verified; without this,
	// the system roots are used.
	// +optional
	CABundle *CABundleSource `json:"caBundle,omitempty"`

	// HealthCheck says how often the controller checks this issuer's
	// credentials (and balance) at the reseller.
	// +optional
	HealthCheck *HealthCheck `json:"healthCheck,omitempty"`
}

// HealthCheck tunes the periodic check of an issuer.
type HealthCheck struct {
	// Interval between two checks of this issuer, e.g. "30m"; 5s to 24h.
	// Default: the controller's --issuer-check-interval (10m).
	// +required
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$`
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('5s') && duration(self) <= duration('24h')",message="must be between 5s and 24h"
	Interval metav1.Duration `json:"interval"`
}

// CABundleSource names a PEM bundle in a Secret or a ConfigMap (in the
// issuer's namespace, or the --cluster-resource-namespace for a
// ResellerClusterIssuer).
//
// +kubebuilder:validation:XValidation:rule="has(self.secretRef) != has(self.configMapRef)",message="exactly one of secretRef or configMapRef must be set"
type CABundleSource struct {
	// SecretRef names a Secret key holding PEM certificates.
	// +optional
	SecretRef *SecretKeySelector `json:"secretRef,omitempty"`

	// ConfigMapRef names a ConfigMap key holding PEM certificates.
	// +optional
	ConfigMapRef *SecretKeySelector `json:"configMapRef,omitempty"`
}

// Provider names the reseller block that is set.
func (s *IssuerSpec) Provider() string {
	switch {
	case s.SSLCI != nil:
		return ProviderSSLCI
	case s.SSLMarket != nil:
		return ProviderSSLMarket
	case s.CyberSSL != nil:
		return ProviderCyberSSL
	}
	return ""
}

// Provider names.
const (
	ProviderSSLCI     = "sslci"
	ProviderSSLMarket = "sslmarket"
	ProviderCyberSSL  = "cyberssl"
)

// The markers of ResellerURL stay out of its doc comment: gofmt reformats doc
// comments and would turn the CEL empty string '' into a typographic quote.
// +kubebuilder:validation:MaxLength=2048
// +kubebuilder:validation:XValidation:rule="isURL(self)",message="must be an absolute URL"
// +kubebuilder:validation:XValidation:rule="!isURL(self) || url(self).getHostname() != ''",message="must name a host"
// +kubebuilder:validation:XValidation:rule="self.startsWith('https://') || self.matches('^http://(localhost|127\\\\.[0-9]+\\\\.[0-9]+\\\\.[0-9]+|\\\\[::1\\\\])(:[0-9]+)?(/.*)?$')",message="must use https (plain http is allowed only for localhost, 127.0.0.0/8 and [::1])"

// ResellerURL is the base URL of a reseller API: https, or plain http only for
// a loopback host (the local sandbox).
type ResellerURL string

// SecretKeySelector names one key of a Secret. For a ResellerIssuer the
// Secret is in the issuer's namespace; for a ResellerClusterIssuer it is in
// the controller's --cluster-resource-namespace.
type SecretKeySelector struct {
	// Name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`

	// Key inside the Secret's data.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
	Key string `json:"key"`
}

// SSLCI configures sslci.com.
type SSLCI struct {
	// URL of the API.
	// +optional
	// +kubebuilder:default="https://www.sslci.com/api"
	URL ResellerURL `json:"url,omitempty"`

	// TokenSecretRef holds the API token.
	// +required
	TokenSecretRef SecretKeySelector `json:"tokenSecretRef"`

	// Method is the verification method requested for each name.
	// +optional
	// +kubebuilder:default=http
	// +kubebuilder:validation:Enum=http;dns
	Method string `json:"method,omitempty"`
}

// Phone is a phone number in SSLmarket's format: +CC.NUMBER.
//
// +kubebuilder:validation:Pattern=`^\+[0-9]{1,3}\.[0-9]{4,14}$`
// +kubebuilder:validation:MaxLength=20
type Phone string

// SSLMarket configures SSLmarket.
type SSLMarket struct {
	// URL of the API; other country sites are allowed.
	// +optional
	// +kubebuilder:default="https://www.sslmarket.co.uk/api"
	URL ResellerURL `json:"url,omitempty"`

	// TokenSecretRef holds the X-Auth-Token.
	// +required
	TokenSecretRef SecretKeySelector `json:"tokenSecretRef"`

	// ProductCode from GET /product/list, e.g. rapidssl-rapidssl-dv.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^[a-z0-9][-a-z0-9_]*$`
	ProductCode string `json:"productCode"`

	// Years of validity of the order.
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=6
	Years int32 `json:"years,omitempty"`

	// DVAuthMethod is how names are validated.
	// +optional
	// +kubebuilder:default=FILE
	// +kubebuilder:validation:Enum=FILE;DNS;Email
	DVAuthMethod string `json:"dvAuthMethod,omitempty"`

	// Owner of the certificate.
	// +required
	Owner SSLMarketOwner `json:"owner"`

	// Auth is the authorizing contact.
	// +required
	Auth SSLMarketContact `json:"auth"`

	// Tech is the technical contact.
	// +required
	Tech SSLMarketContact `json:"tech"`

	// Invoice is the invoiced subject.
	// +required
	Invoice SSLMarketInvoice `json:"invoice"`
}

// SSLMarketOwner is the certificate owner.
type SSLMarketOwner struct {
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Name string `json:"name"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Street string `json:"street"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	City string `json:"city"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=16
	Zip string `json:"zip"`
	// +required
	Country Country `json:"country"`
	// +required
	Tel Phone `json:"tel"`
}

// SSLMarketContact is a person SSLmarket may contact.
type SSLMarketContact struct {
	// +optional
	// +kubebuilder:validation:MaxLength=64
	Title string `json:"title,omitempty"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	FirstName string `json:"firstName"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	LastName string `json:"lastName"`
	// +required
	Email Email `json:"email"`
	// +required
	Tel Phone `json:"tel"`
}

// SSLMarketInvoice is the invoiced subject.
type SSLMarketInvoice struct {
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Name string `json:"name"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Street string `json:"street"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	City string `json:"city"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=16
	Zip string `json:"zip"`
	// +required
	Country Country `json:"country"`
	// +required
	Email Email `json:"email"`
	// BusinessID is the business ID number (IČ).
	// +optional
	// +kubebuilder:validation:MaxLength=32
	BusinessID string `json:"businessID,omitempty"`
	// VATNumber is the VAT number (DIČ).
	// +optional
	// +kubebuilder:validation:MaxLength=32
	VATNumber string `json:"vatNumber,omitempty"`
}

// Email is an email address.
//
// +kubebuilder:validation:MaxLength=254
// +kubebuilder:validation:Pattern=`^[^@\s]+@[^@\s]+\.[^@\s]+$`
type Email string

// CyberSSL configures CyberSSL.
//
// +kubebuilder:validation:XValidation:rule="self.dvMethod != 'email' || (has(self.approverEmails) && size(self.approverEmails) > 0)",message="approverEmails is required when dvMethod is email",fieldPath=".approverEmails",reason="FieldValueRequired"
type CyberSSL struct {
	// URL of the API: live https://api.cyberssl.com/v1/ or sandbox
	// https://api.cyberssl.com/sandbox/v1/.
	// +optional
	// +kubebuilder:default="https://api.cyberssl.com/v1/"
	URL ResellerURL `json:"url,omitempty"`

	// APIKeySecretRef holds the API key.
	// +required
	APIKeySecretRef SecretKeySelector `json:"apiKeySecretRef"`

	// ProductID from list_products.
	// +required
	// +kubebuilder:validation:Minimum=1
	ProductID int32 `json:"productID"`

	// Period of the order in years.
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=5
	Period int32 `json:"period,omitempty"`

	// DVMethod is how names are validated.
	// +optional
	// +kubebuilder:default=http
	// +kubebuilder:validation:Enum=http;https;dns;email
	DVMethod string `json:"dvMethod,omitempty"`

	// ApproverEmails receive the approval mail when dvMethod is email.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	ApproverEmails []Email `json:"approverEmails,omitempty"`

	// Admin is the administrative contact.
	// +required
	Admin CyberSSLContact `json:"admin"`

	// Tech is the technical contact; Admin when unset.
	// +optional
	Tech *CyberSSLContact `json:"tech,omitempty"`

	// Org is required for business-validated (OV) products.
	// +optional
	Org *CyberSSLOrganization `json:"org,omitempty"`
}

// CyberSSLContact is a CyberSSL admin or tech contact.
type CyberSSLContact struct {
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	FirstName string `json:"firstName"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	LastName string `json:"lastName"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:Pattern=`^\+?[0-9][-0-9. ]{3,30}$`
	Phone string `json:"phone"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	Title string `json:"title"`
	// +required
	Email Email `json:"email"`
}

// CyberSSLOrganization is the organization of an OV certificate.
type CyberSSLOrganization struct {
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Name string `json:"name"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	Division string `json:"division"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	AddressLine string `json:"addressLine"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	City string `json:"city"`
	// +required
	Country Country `json:"country"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32
	Phone string `json:"phone"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=16
	PostalCode string `json:"postalCode"`
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	Region string `json:"region"`
}

// Renewal says how a certificate is renewed.
type Renewal struct {
	// Policy: Reissue (a free reissue of the paid order for the same names
	// while its subscription runs past the next renewal, else a new order)
	// or NewOrder (every renewal is a new order).
	// +optional
	// +kubebuilder:default=Reissue
	// +kubebuilder:validation:Enum=Reissue;NewOrder
	Policy string `json:"policy,omitempty"`
}

// Renewal policies.
const (
	RenewalReissue  = "Reissue"
	RenewalNewOrder = "NewOrder"
)

// RenewalPolicy is the spec's renewal policy, Reissue when unset.
func (s *IssuerSpec) RenewalPolicy() string {
	if s.Renewal == nil || s.Renewal.Policy == "" {
		return RenewalReissue
	}
	return s.Renewal.Policy
}

// Limits is the spend guard.
type Limits struct {
	// MaxNewOrdersPerDay caps paid orders placed in any 24 hours.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10000
	MaxNewOrdersPerDay *int32 `json:"maxNewOrdersPerDay,omitempty"`

	// MaxPendingOrders caps orders waiting at the reseller at once.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10000
	MaxPendingOrders *int32 `json:"maxPendingOrders,omitempty"`

	// MaxDNSNames caps the names of one certificate.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=250
	MaxDNSNames *int32 `json:"maxDNSNames,omitempty"`

	// AllowedProducts restricts SSLmarket product codes / CyberSSL product ids
	// (as strings) this issuer may order.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=128
	AllowedProducts []string `json:"allowedProducts,omitempty"`

	// MinBalance is the account balance, in the account's currency, under
	// which the issuer shows a LowBalance condition and a Warning Event, so
	// the account is topped up before an order fails. Only for resellers
	// that report a balance (cyberssl). A decimal such as "50" or "49.90".
	// +optional
	// +kubebuilder:validation:Pattern=`^[0-9]{1,9}(\.[0-9]{1,2})?$`
	MinBalance string `json:"minBalance,omitempty"`
}
