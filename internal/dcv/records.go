package dcv

import (
	"errors"
	"fmt"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// NotVisibleError is what a DNS presenter's Ready returns, with false, for a
// record that is published but cannot be seen yet where the propagation
// check looks. The challenge's status shows it; it is no failure.
type NotVisibleError struct {
	// What is the record, e.g. "TXT _acme-challenge.example.com".
	What string
	// Where the check looks.
	Where string
}

func (e *NotVisibleError) Error() string {
	return fmt.Sprintf("published; waiting until %s can be seen %s", e.What, e.Where)
}

// RecordTypeError refuses a challenge record its solver's provider cannot
// write: CyberSSL asks for a CNAME record, and only rfc2136 writes those.
type RecordTypeError struct {
	// Name is the DNS name validated.
	Name string
	// RecordType the reseller asks for.
	RecordType string
	// Solver is the solver's field path, e.g. spec.domainValidation.solvers[1].
	Solver string
	// Provider is the solver's dns01 provider, e.g. cloudflare.
	Provider string
}

func (e *RecordTypeError) Error() string {
	return fmt.Sprintf("%s: the reseller validates it with a %s record, but %s (dns01.%s) writes TXT records only; "+
		"ways out: an rfc2136 dns01 solver (it writes %s records), an http01 or email solver for this name, "+
		"or no solver for it (manual: you publish the record)", e.Name, e.RecordType, e.Solver, e.Provider, e.RecordType)
}

// WritesCNAME reports whether a dns01 solver can publish CNAME records:
// only rfc2136 can; cert-manager's cloud providers and its webhook API write
// TXT only.
func WritesCNAME(s *v1alpha1.DNS01Solver) bool { return s.RFC2136 != nil }

// SolverPath is the field path of solver s, an element of solvers.
func SolverPath(solvers []v1alpha1.Solver, s *v1alpha1.Solver) string {
	for i := range solvers {
		if &solvers[i] == s {
			return fmt.Sprintf("spec.domainValidation.solvers[%d]", i)
		}
	}
	return "spec.domainValidation.solvers"
}

// CheckRecordType refuses, before anything is ordered, the names whose
// selected solver is a dns01 solver that cannot write recordType records
// (CNAME, for CyberSSL). Names validated by other solvers, or by none
// (manual), pass.
func CheckRecordType(solvers []v1alpha1.Solver, labels map[string]string, names []string, recordType string) error {
	if !strings.EqualFold(recordType, "CNAME") {
		return nil
	}
	var errs []error
	for _, n := range names {
		s, ok := Select(solvers, n, labels)
		if !ok || s.DNS01 == nil || WritesCNAME(s.DNS01) {
			continue
		}
		errs = append(errs, &RecordTypeError{Name: n, RecordType: "CNAME", Solver: SolverPath(solvers, s), Provider: ProviderName(s.DNS01)})
	}
	return errors.Join(errs...)
}

// ProviderName names the provider block of a dns01 solver, or "" for none.
func ProviderName(s *v1alpha1.DNS01Solver) string {
	switch {
	case s.Route53 != nil:
		return "route53"
	case s.CloudDNS != nil:
		return "cloudDNS"
	case s.AzureDNS != nil:
		return "azureDNS"
	case s.Cloudflare != nil:
		return "cloudflare"
	case s.DigitalOcean != nil:
		return "digitalocean"
	case s.Akamai != nil:
		return "akamai"
	case s.AcmeDNS != nil:
		return "acmeDNS"
	case s.RFC2136 != nil:
		return "rfc2136"
	case s.Webhook != nil:
		return "webhook"
	}
	return ""
}
