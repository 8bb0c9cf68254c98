package signer

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/go-logr/logr"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslci"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

// Provider is what the signer needs from a reseller: the order protocol
// over its calls (an *order.Protocol).
type Provider interface {
	// Check proves the credentials work and reads what the Issuer's status
	// shows (a short detail, the balance where the reseller reports one).
	Check(ctx context.Context) (ca.Health, error)
	// Issue advances an order by one step.
	Issue(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (*ca.Result, error)
	// Cancel gives up an open order no request will finish; false when
	// the reseller offers no way.
	Cancel(ctx context.Context, st *ca.State) (bool, error)
}

var _ Provider = (*order.Protocol)(nil)

// Credentials is what an Issuer's Secrets hold for its reseller.
type Credentials struct {
	// Secret is the token or API key.
	Secret []byte
	// CABundle is an optional PEM bundle of private roots for the endpoint.
	CABundle []byte
}

// ProviderBuilder makes the Provider for an Issuer spec and its
// credentials; pub publishes the request's challenges (nil for a health
// check, which publishes nothing).
type ProviderBuilder func(spec *v1alpha1.IssuerSpec, creds Credentials, pub ca.Publisher) (Provider, error)

// Resellers builds the order protocol over real reseller clients.
type Resellers struct {
	Now func() time.Time
	// Timeout bounds each call to a reseller; every paid call is bounded
	// by order.PaidCallBound of it.
	Timeout time.Duration
	// Metrics instruments every call; Log gets a debug line per call.
	Metrics *ca.Metrics
	Log     logr.Logger

	// clients holds one client per Issuer configuration.
	clients issuerClients
}

// Build is a ProviderBuilder. The client of an Issuer configuration is
// built once and reused (issuerClients); the per-request parts around it
// (the publisher) are new each time.
func (r *Resellers) Build(spec *v1alpha1.IssuerSpec, creds Credentials, pub ca.Publisher) (Provider, error) {
	c, err := r.clients.get(spec, creds, r.Now(), func() (*issuerClient, error) { return r.newClient(spec, creds) })
	if err != nil {
		return nil, err
	}
	var calls order.Reseller
	switch {
	case spec.SSLCI != nil:
		calls = r.sslci(spec.SSLCI, c.sslci, pub)
	case spec.SSLMarket != nil:
		calls = r.sslmarket(spec.SSLMarket, c, pub)
	case spec.CyberSSL != nil:
		calls = r.cyberssl(spec.CyberSSL, c, pub)
	}
	return &order.Protocol{Reseller: calls, Now: r.Now, PaidCallBound: order.PaidCallBound(r.Timeout), FollowFor: min(followFor, r.Timeout)}, nil
}

// followFor is how long one Sign keeps following an order that moved in it
// before the request waits (order.Protocol.FollowFor): looks after 0.25,
// 0.75, 1.75 and 3.75 s, fewer under a shorter --reseller-timeout.
const followFor = 4 * time.Second

// newClient builds the typed client of spec's reseller.
func (r *Resellers) newClient(spec *v1alpha1.IssuerSpec, creds Credentials) (*issuerClient, error) {
	var roots *x509.CertPool
	if len(creds.CABundle) > 0 {
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(creds.CABundle) {
			return nil, ca.Permanent(errors.New("spec.caBundle holds no PEM certificate"))
		}
	}
	hc := r.Metrics.HTTPClient(spec.Provider(), r.Timeout, r.Log, roots)
	c := &issuerClient{}
	var err error
	switch {
	case spec.SSLCI != nil:
		if c.sslci, err = sslci.New(string(spec.SSLCI.URL), string(creds.Secret), rest.WithHTTPClient(hc)); err != nil {
			return nil, ca.Permanent(fmt.Errorf("spec.sslci: %w", err))
		}
	case spec.SSLMarket != nil:
		if c.sslmarket, err = sslmarket.New(string(spec.SSLMarket.URL), string(creds.Secret), rest.WithHTTPClient(hc)); err != nil {
			return nil, ca.Permanent(fmt.Errorf("spec.sslmarket: %w", err))
		}
	case spec.CyberSSL != nil:
		if c.cyberssl, err = cyberssl.New(string(spec.CyberSSL.URL), string(creds.Secret), rest.WithHTTPClient(hc)); err != nil {
			return nil, ca.Permanent(fmt.Errorf("spec.cyberssl: %w", err))
		}
	default:
		return nil, ca.Permanent(errors.New("spec sets no provider"))
	}
	return c, nil
}

func (r *Resellers) sslci(spec *v1alpha1.SSLCI, c *sslci.Client, pub ca.Publisher) order.Reseller {
	method := spec.Method
	if method == "" {
		method = sslci.MethodHTTP
	}
	return &sslci.Reseller{Client: c, Method: method, Publisher: pub, Now: r.Now}
}

func (r *Resellers) sslmarket(spec *v1alpha1.SSLMarket, c *issuerClient, pub ca.Publisher) order.Reseller {
	o, a, t, inv := spec.Owner, spec.Auth, spec.Tech, spec.Invoice
	return &sslmarket.Reseller{
		Client:       c.sslmarket,
		ProductList:  &c.products,
		ProductCode:  spec.ProductCode,
		Years:        int(spec.Years),
		DVAuthMethod: spec.DVAuthMethod,
		Contacts: sslmarket.Contacts{
			OwnerName: o.Name, OwnerStreet: o.Street, OwnerCity: o.City, OwnerZip: o.Zip, OwnerCountry: string(o.Country), OwnerTel: string(o.Tel),
			AuthTitle: a.Title, AuthFirstname: a.FirstName, AuthLastname: a.LastName, AuthTel: string(a.Tel), AuthEmail: string(a.Email),
			TechTitle: t.Title, TechFirstname: t.FirstName, TechLastname: t.LastName, TechTel: string(t.Tel), TechEmail: string(t.Email),
			InvoiceName: inv.Name, InvoiceStreet: inv.Street, InvoiceCity: inv.City, InvoiceZip: inv.Zip, InvoiceCountry: string(inv.Country),
			InvoiceEmail: string(inv.Email), InvoiceIC: inv.BusinessID, InvoiceDIC: inv.VATNumber,
		},
		Publisher: pub,
		Now:       r.Now,
	}
}

func (r *Resellers) cyberssl(spec *v1alpha1.CyberSSL, c *issuerClient, pub ca.Publisher) order.Reseller {
	rs := &cyberssl.Reseller{
		Client:         c.cyberssl,
		ProductDetails: &c.details,
		ProductID:      cyberssl.ID(spec.ProductID),
		Period:         int(spec.Period),
		DVMethod:       spec.DVMethod,
		Admin:          cybersslContact(spec.Admin),
		Publisher:      pub,
		Now:            r.Now,
	}
	for _, e := range spec.ApproverEmails {
		rs.Approvers = append(rs.Approvers, string(e))
	}
	if spec.Tech != nil {
		tech := cybersslContact(*spec.Tech)
		rs.Tech = &tech
	}
	if o := spec.Org; o != nil {
		rs.Org = &cyberssl.Organization{Name: o.Name, Division: o.Division, AddressLine: o.AddressLine, City: o.City, Country: string(o.Country), Phone: o.Phone, PostalCode: o.PostalCode, Region: o.Region}
	}
	return rs
}

func cybersslContact(c v1alpha1.CyberSSLContact) cyberssl.Contact {
	return cyberssl.Contact{FirstName: c.FirstName, LastName: c.LastName, Phone: c.Phone, Title: c.Title, Email: string(c.Email)}
}
