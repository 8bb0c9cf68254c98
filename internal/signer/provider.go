package signer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-logr/logr"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslci"
)

// Provider is what the signer needs from a reseller.
type Provider interface {
	// Check proves the credentials work.
	Check(ctx context.Context) error
	// Issue advances an order by one step.
	Issue(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (*ca.Result, error)
}

// ProviderBuilder makes the Provider for an Issuer spec and its secret.
type ProviderBuilder func(spec *v1alpha1.IssuerSpec, secret []byte) (Provider, error)

// Resellers builds real reseller clients.
type Resellers struct {
	Presenter ca.Presenter
	Now       func() time.Time
	// Timeout bounds each call to a reseller.
	Timeout time.Duration
	// Metrics instruments every call; Log gets a debug line per call.
	Metrics *ca.Metrics
	Log     logr.Logger
}

// Build is a ProviderBuilder.
func (r *Resellers) Build(spec *v1alpha1.IssuerSpec, secret []byte) (Provider, error) {
	switch {
	case spec.SSLCI != nil:
		c, err := sslci.New(string(spec.SSLCI.URL), string(secret), sslci.WithHTTPClient(r.Metrics.HTTPClient(v1alpha1.ProviderSSLCI, r.Timeout, r.Log)))
		if err != nil {
			return nil, ca.Permanent(fmt.Errorf("spec.sslci: %w", err))
		}
		method := spec.SSLCI.Method
		if method == "" {
			method = sslci.MethodHTTP
		}
		return &sslciProvider{Flow: sslci.Flow{Client: c, Method: method, Presenter: r.Presenter, Now: r.Now, StaleAfter: 2*r.Timeout + 10*time.Second}}, nil
	case spec.SSLMarket != nil, spec.CyberSSL != nil:
		return nil, ca.Permanent(fmt.Errorf("provider %s is not implemented yet", spec.Provider()))
	}
	return nil, ca.Permanent(errors.New("spec sets no provider"))
}

type sslciProvider struct{ sslci.Flow }

func (p *sslciProvider) Check(ctx context.Context) error {
	if _, err := p.Client.List(ctx); err != nil {
		if sslci.IsUnauthorized(err) || sslci.IsForbidden(err) {
			return ca.Credentials(fmt.Errorf("SSLCI refused the token: %w", err))
		}
		return fmt.Errorf("SSLCI GET /api: %w", err)
	}
	return nil
}
