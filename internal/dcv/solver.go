// Package dcv chooses, per name, how domain control is validated: which
// configured solver applies (ACME-style selectors, as cert-manager's) and
// which presenter publishes each challenge.
package dcv

import (
	"strings"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// Specificity classes of a match, compared before zone length and labels.
const (
	matchAny  = iota // no dnsNames/dnsZones: matches every name
	matchZone        // a dnsZones entry is the name or a parent of it
	matchName        // a dnsNames entry is the name itself
)

// score orders matches; greater fields win, compared in order.
type score struct {
	class  int // matchAny, matchZone or matchName
	zone   int // labels in the longest matching zone (matchZone)
	labels int // number of matchLabels
}

func (s score) beats(o score) bool {
	if s.class != o.class {
		return s.class > o.class
	}
	if s.zone != o.zone {
		return s.zone > o.zone
	}
	return s.labels > o.labels
}

// Select returns the solver that validates name, with cert-manager's ACME
// semantics:
//   - a solver whose selector's matchLabels are not all in labels never
//     matches;
//   - an exact dnsNames match beats any dnsZones match;
//   - among dnsZones matches the longest zone wins; a zone matches the name
//     itself and any subdomain, and a wildcard *.example.com is matched as
//     example.com;
//   - a solver without selector (or with an empty one) matches every name,
//     with the lowest priority;
//   - at equal name or zone specificity more matchLabels win;
//   - ties keep the first solver in the list.
//
// Names are compared case-insensitively, without a final dot. The returned
// pointer refers to the element of solvers. ok is false when no solver
// matches.
func Select(solvers []v1alpha1.Solver, name string, labels map[string]string) (*v1alpha1.Solver, bool) {
	name = normalize(name)
	var (
		best      *v1alpha1.Solver
		bestScore score
	)
	for i := range solvers {
		s, ok := match(solvers[i].Selector, name, labels)
		if !ok {
			continue
		}
		if best == nil || s.beats(bestScore) {
			best, bestScore = &solvers[i], s
		}
	}
	return best, best != nil
}

// match reports whether sel selects the normalized name, and how specifically.
func match(sel *v1alpha1.Selector, name string, labels map[string]string) (score, bool) {
	if sel == nil {
		return score{}, true
	}
	for k, v := range sel.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return score{}, false
		}
	}
	s := score{labels: len(sel.MatchLabels)}
	if len(sel.DNSNames) == 0 && len(sel.DNSZones) == 0 {
		return s, true
	}
	for _, n := range sel.DNSNames {
		if normalize(n) == name {
			s.class = matchName
			return s, true
		}
	}
	base := strings.TrimPrefix(name, "*.")
	for _, z := range sel.DNSZones {
		z = strings.TrimPrefix(normalize(z), "*.")
		if z == "" || (base != z && !strings.HasSuffix(base, "."+z)) {
			continue
		}
		if n := strings.Count(z, ".") + 1; n > s.zone {
			s.class, s.zone = matchZone, n
		}
	}
	return s, s.class == matchZone
}

func normalize(name string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), "."))
}
