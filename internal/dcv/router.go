package dcv

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// DNSPresenter publishes DNS-01 challenges and removes them afterwards.
// *dns01.Solver satisfies it.
type DNSPresenter interface {
	ca.Presenter
	// CleanUp removes the published record.
	CleanUp(ctx context.Context, ch ca.Challenge) error
}

// ManualError is returned by Router.Ready for a challenge no configured
// solver can publish: someone must publish it by hand. Its message says
// exactly what to publish.
type ManualError struct {
	// Challenge to publish.
	Challenge ca.Challenge
	// Reason says why the challenge is manual, e.g. "no solver matches".
	Reason string
}

// Unwrap makes errors.Is(err, ca.ErrManual) true.
func (e *ManualError) Unwrap() error { return ca.ErrManual }

func (e *ManualError) Error() string {
	ch := e.Challenge
	switch ch.Type {
	case ca.DNS01:
		return fmt.Sprintf("publish %s record %s with value %s", ch.RecordType, ch.Record, ch.Content)
	case ca.Email:
		return fmt.Sprintf("approve the validation email for %s sent to %s", ch.Name, ch.Content)
	}
	return fmt.Sprintf("serve %s at http://%s%s", ch.Content, ch.Name, ch.Path)
}

// Router is a ca.Presenter that publishes each challenge through the solver
// Select chooses for its name:
//   - an HTTP-01 challenge for an http01 solver, or any HTTP-01 challenge when
//     no solver is configured (the built-in responder is the default), goes
//     to HTTP;
//   - a DNS-01 challenge for a dns01 solver goes to the presenter DNS builds
//     from the solver's provider block; a CNAME challenge for a provider
//     that writes TXT only is refused with a *RecordTypeError;
//   - an Email challenge waits for a person to approve the reseller's mail:
//     like a manual one, Present does nothing and Ready returns a
//     *ManualError naming the addresses;
//   - anything else (the selected solver is of another type, no solver
//     matches, or a DNS-01 challenge with no solver configured) is manual:
//     Present does nothing and Ready returns a *ManualError.
type Router struct {
	// Solvers configured on the issuer.
	Solvers []v1alpha1.Solver
	// Labels of the Certificate(Request), for the selectors' matchLabels.
	Labels map[string]string
	// HTTP publishes HTTP-01 challenges (the built-in responder).
	HTTP ca.Presenter
	// DNS builds the presenter of a dns01 solver; path is the solver's
	// field path (spec.domainValidation.solvers[i]).
	DNS func(path string, s *v1alpha1.DNS01Solver) (DNSPresenter, error)
}

var _ ca.Presenter = (*Router)(nil)

// route is where one challenge goes: exactly one of http, dns or manual.
type route struct {
	http   ca.Presenter
	dns    DNSPresenter
	manual *ManualError
}

func (r *Router) route(ch ca.Challenge) (route, error) {
	manual := func(format string, args ...any) (route, error) {
		return route{manual: &ManualError{Challenge: ch, Reason: fmt.Sprintf(format, args...)}}, nil
	}
	switch ch.Type {
	case ca.HTTP01, ca.DNS01:
	case ca.Email:
		return manual("the reseller validates %s by email", ch.Name)
	default:
		return route{}, fmt.Errorf("challenge for %s: unknown type %q", ch.Name, ch.Type)
	}
	if len(r.Solvers) == 0 {
		if ch.Type == ca.DNS01 {
			return manual("no dns01 solver is configured")
		}
		return r.httpRoute(ch)
	}
	s, ok := Select(r.Solvers, ch.Name, r.Labels)
	if !ok {
		return manual("no solver matches %s", ch.Name)
	}
	switch {
	case ch.Type == ca.HTTP01 && s.HTTP01 != nil:
		return r.httpRoute(ch)
	case ch.Type == ca.DNS01 && s.DNS01 != nil:
		path := SolverPath(r.Solvers, s)
		if ProviderName(s.DNS01) == "" {
			return route{}, fmt.Errorf("%s.dns01: no DNS provider is set", path)
		}
		if strings.EqualFold(ch.RecordType, "CNAME") && !WritesCNAME(s.DNS01) {
			return route{}, &RecordTypeError{Name: ch.Name, RecordType: "CNAME", Solver: path, Provider: ProviderName(s.DNS01)}
		}
		if r.DNS == nil {
			return route{}, errors.New("no DNS presenter is available for dns01 solvers")
		}
		p, err := r.DNS(path, s.DNS01)
		if err != nil {
			return route{}, fmt.Errorf("dns01 solver for %s: %w", ch.Name, err)
		}
		return route{dns: p}, nil
	default:
		return manual("the reseller asked for %s but the solver selected for %s is %s", ch.Type, ch.Name, solverType(s))
	}
}

func (r *Router) httpRoute(ch ca.Challenge) (route, error) {
	if r.HTTP == nil {
		return route{}, fmt.Errorf("no HTTP presenter is available for %s", ch.Name)
	}
	return route{http: r.HTTP}, nil
}

// Present publishes ch through its solver; it does nothing for a manual
// challenge.
func (r *Router) Present(ctx context.Context, ch ca.Challenge) error {
	rt, err := r.route(ch)
	switch {
	case err != nil:
		return err
	case rt.http != nil:
		return rt.http.Present(ctx, ch)
	case rt.dns != nil:
		return rt.dns.Present(ctx, ch)
	default:
		return nil
	}
}

// Ready reports whether ch is visible from outside. For a manual challenge it
// returns false and a *ManualError saying what to publish.
func (r *Router) Ready(ctx context.Context, ch ca.Challenge) (bool, error) {
	rt, err := r.route(ch)
	switch {
	case err != nil:
		return false, err
	case rt.http != nil:
		return rt.http.Ready(ctx, ch)
	case rt.dns != nil:
		return rt.dns.Ready(ctx, ch)
	default:
		return false, rt.manual
	}
}

// CleanUp removes what Present published: the DNS record of a dns01 solver.
// HTTP challenges are served from the order state and manual ones are not
// ours, so there is nothing to remove for them.
func (r *Router) CleanUp(ctx context.Context, ch ca.Challenge) error {
	rt, err := r.route(ch)
	switch {
	case err != nil:
		return err
	case rt.dns != nil:
		return rt.dns.CleanUp(ctx, ch)
	default:
		return nil
	}
}

// Selected returns the solver Select chooses for name.
func (r *Router) Selected(name string) (*v1alpha1.Solver, bool) {
	return Select(r.Solvers, name, r.Labels)
}

// SolverKind names the kind of s: v1alpha1.SolverHTTP01, SolverDNS01,
// SolverEmail, or "" for an empty solver.
func SolverKind(s *v1alpha1.Solver) string {
	switch {
	case s.HTTP01 != nil:
		return v1alpha1.SolverHTTP01
	case s.DNS01 != nil:
		return v1alpha1.SolverDNS01
	case s.Email != nil:
		return v1alpha1.SolverEmail
	}
	return ""
}

// CheckWildcards returns an error naming each wildcard name whose selected
// solver is http01: wildcard names can only be validated by dns01. Callers
// check before ordering.
func CheckWildcards(solvers []v1alpha1.Solver, labels map[string]string, names []string) error {
	var errs []error
	for _, n := range names {
		if !strings.HasPrefix(n, "*.") {
			continue
		}
		if s, ok := Select(solvers, n, labels); ok && s.HTTP01 != nil {
			errs = append(errs, fmt.Errorf("%s: wildcard names can only be validated by dns01, but the selected solver is http01", n))
		}
	}
	return errors.Join(errs...)
}

func solverType(s *v1alpha1.Solver) string {
	if k := SolverKind(s); k != "" {
		return k
	}
	return "empty"
}
