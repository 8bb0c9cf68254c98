package signer

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-logr/logr"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslci"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
)

// Provider is what the signer needs from a reseller.
type Provider interface {
	// Check proves the credentials work and reads what the Issuer's status
	// shows (a short detail, the balance where the reseller reports one).
	Check(ctx context.Context) (ca.Health, error)
	// Issue advances an order by one step.
	Issue(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (*ca.Result, error)
}

// Credentials is what an Issuer's Secrets hold for its reseller.
type Credentials struct {
	// Secret is the token or API key.
	Secret []byte
	// CABundle is an optional PEM bundle of private roots for the endpoint.
	CABundle []byte
}

// ProviderBuilder makes the Provider for an Issuer spec and its credentials;
// presenter publishes the request's challenges (nil: the default).
type ProviderBuilder func(spec *v1alpha1.IssuerSpec, creds Credentials, presenter ca.Presenter) (Provider, error)

// Resellers builds real reseller clients.
type Resellers struct {
	// Presenter is the default presenter (the built-in HTTP responder).
	Presenter ca.Presenter
	Now       func() time.Time
	// Timeout bounds each call to a reseller.
	Timeout time.Duration
	// Metrics instruments every call; Log gets a debug line per call.
	Metrics *ca.Metrics
	Log     logr.Logger
}

// paidCallBound bounds every paid call; staleAfter, how old an unanswered
// paid-call intent must be before another worker may assume the call is
// over, derives from it.
func (r *Resellers) paidCallBound() time.Duration { return ca.PaidCallBound(r.Timeout) }

func (r *Resellers) staleAfter() time.Duration { return ca.StaleAfter(r.paidCallBound()) }

// Build is a ProviderBuilder.
func (r *Resellers) Build(spec *v1alpha1.IssuerSpec, creds Credentials, presenter ca.Presenter) (Provider, error) {
	if presenter == nil {
		presenter = r.Presenter
	}
	var roots *x509.CertPool
	if len(creds.CABundle) > 0 {
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(creds.CABundle) {
			return nil, ca.Permanent(errors.New("spec.caBundle holds no PEM certificate"))
		}
	}
	hc := r.Metrics.HTTPClient(spec.Provider(), r.Timeout, r.Log, roots)
	switch {
	case spec.SSLCI != nil:
		return r.sslci(spec.SSLCI, string(creds.Secret), hc, presenter)
	case spec.SSLMarket != nil:
		return r.sslmarket(spec.SSLMarket, string(creds.Secret), hc, presenter)
	case spec.CyberSSL != nil:
		return r.cyberssl(spec.CyberSSL, string(creds.Secret), hc, presenter)
	}
	return nil, ca.Permanent(errors.New("spec sets no provider"))
}

func (r *Resellers) sslci(spec *v1alpha1.SSLCI, token string, hc *http.Client, presenter ca.Presenter) (Provider, error) {
	c, err := sslci.New(string(spec.URL), token, sslci.WithHTTPClient(hc))
	if err != nil {
		return nil, ca.Permanent(fmt.Errorf("spec.sslci: %w", err))
	}
	method := spec.Method
	if method == "" {
		method = sslci.MethodHTTP
	}
	f := sslci.Flow{Client: c, Method: method, Presenter: presenter, Now: r.Now, StaleAfter: r.staleAfter(), PaidCallBound: r.paidCallBound()}
	if sel, ok := presenter.(solverSelector); ok {
		// Each name is verified the way its solver publishes: http01 → http,
		// dns01 → dns. SSLCI has no email validation.
		f.MethodFor = func(name string) string {
			return methodFor(sel, name, sslci.MethodHTTP, sslci.MethodDNS, "")
		}
	}
	return &sslciProvider{Flow: f}, nil
}

type sslciProvider struct{ sslci.Flow }

func (p *sslciProvider) Check(ctx context.Context) (ca.Health, error) {
	if _, err := p.Client.List(ctx); err != nil {
		if sslci.IsUnauthorized(err) || sslci.IsForbidden(err) {
			return ca.Health{}, ca.Credentials(fmt.Errorf("SSLCI refused the token: %w", err))
		}
		return ca.Health{}, fmt.Errorf("SSLCI GET /api: %w", err)
	}
	return ca.Health{}, nil
}

func (r *Resellers) sslmarket(spec *v1alpha1.SSLMarket, token string, hc *http.Client, presenter ca.Presenter) (Provider, error) {
	c, err := sslmarket.New(string(spec.URL), token, sslmarket.WithHTTPClient(hc))
	if err != nil {
		return nil, ca.Permanent(fmt.Errorf("spec.sslmarket: %w", err))
	}
	o, a, t, inv := spec.Owner, spec.Auth, spec.Tech, spec.Invoice
	return &sslmarketProvider{Flow: sslmarket.Flow{
		Client:       c,
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
		Presenter:     presenter,
		Now:           r.Now,
		StaleAfter:    r.staleAfter(),
		PaidCallBound: r.paidCallBound(),
		MethodFor:     sslmarketMethods(presenter),
	}}, nil
}

// solverSelector tells which of the Issuer's solvers validates a name;
// *challenge.Tracker is one.
type solverSelector interface {
	Selected(name string) (*v1alpha1.Solver, bool)
}

// methodFor names a reseller's method for the kind of solver selected for
// name, or "" when no solver is selected (the provider block's method then
// applies).
func methodFor(sel solverSelector, name, http, dns, email string) string {
	s, ok := sel.Selected(name)
	switch {
	case !ok:
		return ""
	case s.HTTP01 != nil:
		return http
	case s.DNS01 != nil:
		return dns
	case s.Email != nil:
		return email
	}
	return ""
}

func sslmarketMethods(presenter ca.Presenter) func(string) string {
	sel, ok := presenter.(solverSelector)
	if !ok {
		return nil
	}
	return func(name string) string {
		return methodFor(sel, name, sslmarket.DVAuthFile, sslmarket.DVAuthDNS, sslmarket.DVAuthEmail)
	}
}

func cybersslMethods(presenter ca.Presenter) func(string) (string, string) {
	sel, ok := presenter.(solverSelector)
	if !ok {
		return nil
	}
	return func(name string) (string, string) {
		m := methodFor(sel, name, cyberssl.DVMethodHTTP, cyberssl.DVMethodDNS, cyberssl.DVMethodEmail)
		if s, ok := sel.Selected(name); ok && s.Email != nil && len(s.Email.Approvers) > 0 {
			return m, string(s.Email.Approvers[0])
		}
		return m, ""
	}
}

type sslmarketProvider struct{ sslmarket.Flow }

func (p *sslmarketProvider) Check(ctx context.Context) (ca.Health, error) {
	return ca.Health{}, p.Flow.Check(ctx)
}

func (r *Resellers) cyberssl(spec *v1alpha1.CyberSSL, apiKey string, hc *http.Client, presenter ca.Presenter) (Provider, error) {
	c, err := cyberssl.New(string(spec.URL), apiKey, cyberssl.WithHTTPClient(hc))
	if err != nil {
		return nil, ca.Permanent(fmt.Errorf("spec.cyberssl: %w", err))
	}
	f := &cyberssl.Flow{
		Client:        c,
		ProductID:     cyberssl.ID(spec.ProductID),
		Period:        int(spec.Period),
		DVMethod:      spec.DVMethod,
		Admin:         cybersslContact(spec.Admin),
		Presenter:     presenter,
		Now:           r.Now,
		StaleAfter:    r.staleAfter(),
		PaidCallBound: r.paidCallBound(),
		MethodFor:     cybersslMethods(presenter),
	}
	for _, e := range spec.ApproverEmails {
		f.Approvers = append(f.Approvers, string(e))
	}
	if spec.Tech != nil {
		tech := cybersslContact(*spec.Tech)
		f.Tech = &tech
	}
	if o := spec.Org; o != nil {
		f.Org = &cyberssl.Organization{Name: o.Name, Division: o.Division, AddressLine: o.AddressLine, City: o.City, Country: string(o.Country), Phone: o.Phone, PostalCode: o.PostalCode, Region: o.Region}
	}
	return f, nil
}

func cybersslContact(c v1alpha1.CyberSSLContact) cyberssl.Contact {
	return cyberssl.Contact{FirstName: c.FirstName, LastName: c.LastName, Phone: c.Phone, Title: c.Title, Email: string(c.Email)}
}
