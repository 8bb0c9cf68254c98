package dcv

import (
	"testing"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

// solver returns an http01 solver with the given selector; tests identify
// solvers by their index.
func solver(sel *v1alpha1.Selector) v1alpha1.Solver {
	return v1alpha1.Solver{Selector: sel, HTTP01: &v1alpha1.HTTP01Solver{}}
}

func names(n ...string) *v1alpha1.Selector { return &v1alpha1.Selector{DNSNames: n} }
func zones(z ...string) *v1alpha1.Selector { return &v1alpha1.Selector{DNSZones: z} }

func TestSelect(t *testing.T) {
	team := map[string]string{"team": "a"}
	teamEnv := map[string]string{"team": "a", "env": "prod"}
	tests := []struct {
		name    string
		solvers []v1alpha1.Solver
		dnsName string
		labels  map[string]string
		want    int // index in solvers, -1 for no match
	}{
		{name: "no solvers", dnsName: "a.example.com", want: -1},
		{
			name:    "nil selector matches everything",
			solvers: []v1alpha1.Solver{solver(nil)},
			dnsName: "a.example.com", want: 0,
		},
		{
			name:    "empty selector matches everything",
			solvers: []v1alpha1.Solver{solver(&v1alpha1.Selector{})},
			dnsName: "a.example.com", want: 0,
		},
		{
			name:    "exact name",
			solvers: []v1alpha1.Solver{solver(names("b.example.com", "a.example.com"))},
			dnsName: "a.example.com", want: 0,
		},
		{
			name:    "name selector does not match another name",
			solvers: []v1alpha1.Solver{solver(names("b.example.com"))},
			dnsName: "a.example.com", want: -1,
		},
		{
			name:    "name selector does not match a subdomain",
			solvers: []v1alpha1.Solver{solver(names("example.com"))},
			dnsName: "a.example.com", want: -1,
		},
		{
			name:    "wildcard name matches exactly",
			solvers: []v1alpha1.Solver{solver(names("example.com")), solver(names("*.example.com"))},
			dnsName: "*.example.com", want: 1,
		},
		{
			name:    "zone matches itself",
			solvers: []v1alpha1.Solver{solver(zones("example.com"))},
			dnsName: "example.com", want: 0,
		},
		{
			name:    "zone matches subdomains",
			solvers: []v1alpha1.Solver{solver(zones("example.com"))},
			dnsName: "a.b.example.com", want: 0,
		},
		{
			name:    "zone matches on label boundaries only",
			solvers: []v1alpha1.Solver{solver(zones("example.com"))},
			dnsName: "badexample.com", want: -1,
		},
		{
			name:    "zone does not match a parent",
			solvers: []v1alpha1.Solver{solver(zones("a.example.com"))},
			dnsName: "example.com", want: -1,
		},
		{
			name:    "wildcard matches its base zone",
			solvers: []v1alpha1.Solver{solver(zones("a.example.com")), solver(zones("example.com"))},
			dnsName: "*.example.com", want: 1,
		},
		{
			name:    "wildcard matches a parent zone",
			solvers: []v1alpha1.Solver{solver(zones("example.com"))},
			dnsName: "*.a.example.com", want: 0,
		},
		{
			name:    "longest zone wins",
			solvers: []v1alpha1.Solver{solver(zones("example.com")), solver(zones("b.example.com")), solver(zones("com"))},
			dnsName: "a.b.example.com", want: 1,
		},
		{
			name:    "longest zone within one selector",
			solvers: []v1alpha1.Solver{solver(zones("com", "b.example.com")), solver(zones("example.com"))},
			dnsName: "a.b.example.com", want: 0,
		},
		{
			name:    "exact name beats any zone",
			solvers: []v1alpha1.Solver{solver(zones("a.example.com")), solver(names("a.example.com"))},
			dnsName: "a.example.com", want: 1,
		},
		{
			name:    "selector with names and zones matches either",
			solvers: []v1alpha1.Solver{solver(&v1alpha1.Selector{DNSNames: []string{"x.other.com"}, DNSZones: []string{"example.com"}})},
			dnsName: "a.example.com", want: 0,
		},
		{
			name:    "zone beats no selector",
			solvers: []v1alpha1.Solver{solver(nil), solver(zones("example.com"))},
			dnsName: "a.example.com", want: 1,
		},
		{
			name:    "no selector is the fallback",
			solvers: []v1alpha1.Solver{solver(zones("other.com")), solver(nil)},
			dnsName: "a.example.com", want: 1,
		},
		{
			name:    "missing labels never match",
			solvers: []v1alpha1.Solver{solver(&v1alpha1.Selector{DNSNames: []string{"a.example.com"}, MatchLabels: map[string]string{"team": "b"}}), solver(nil)},
			dnsName: "a.example.com", labels: team, want: 1,
		},
		{
			name:    "labels without names match every name",
			solvers: []v1alpha1.Solver{solver(&v1alpha1.Selector{MatchLabels: team})},
			dnsName: "a.example.com", labels: teamEnv, want: 0,
		},
		{
			name:    "labels without names, none given",
			solvers: []v1alpha1.Solver{solver(&v1alpha1.Selector{MatchLabels: team})},
			dnsName: "a.example.com", want: -1,
		},
		{
			name:    "labels beat no selector",
			solvers: []v1alpha1.Solver{solver(nil), solver(&v1alpha1.Selector{MatchLabels: team})},
			dnsName: "a.example.com", labels: team, want: 1,
		},
		{
			name: "more labels win at equal zone",
			solvers: []v1alpha1.Solver{
				solver(&v1alpha1.Selector{DNSZones: []string{"example.com"}, MatchLabels: team}),
				solver(&v1alpha1.Selector{DNSZones: []string{"example.com"}, MatchLabels: teamEnv}),
			},
			dnsName: "a.example.com", labels: teamEnv, want: 1,
		},
		{
			name: "more labels win at equal name",
			solvers: []v1alpha1.Solver{
				solver(&v1alpha1.Selector{DNSNames: []string{"a.example.com"}}),
				solver(&v1alpha1.Selector{DNSNames: []string{"a.example.com"}, MatchLabels: team}),
			},
			dnsName: "a.example.com", labels: team, want: 1,
		},
		{
			name: "labels do not beat a longer zone",
			solvers: []v1alpha1.Solver{
				solver(&v1alpha1.Selector{DNSZones: []string{"example.com"}, MatchLabels: teamEnv}),
				solver(zones("a.example.com")),
			},
			dnsName: "x.a.example.com", labels: teamEnv, want: 1,
		},
		{
			name: "labels do not beat an exact name",
			solvers: []v1alpha1.Solver{
				solver(&v1alpha1.Selector{DNSZones: []string{"example.com"}, MatchLabels: teamEnv}),
				solver(names("a.example.com")),
			},
			dnsName: "a.example.com", labels: teamEnv, want: 1,
		},
		{
			name:    "ties keep the first",
			solvers: []v1alpha1.Solver{solver(zones("example.com")), solver(zones("example.com"))},
			dnsName: "a.example.com", want: 0,
		},
		{
			name:    "ties keep the first without selector",
			solvers: []v1alpha1.Solver{solver(nil), solver(&v1alpha1.Selector{})},
			dnsName: "a.example.com", want: 0,
		},
		{
			name:    "case and final dot are ignored",
			solvers: []v1alpha1.Solver{solver(zones("Example.COM."))},
			dnsName: "A.example.com.", want: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Select(tt.solvers, tt.dnsName, tt.labels)
			if tt.want < 0 {
				if ok || got != nil {
					t.Fatalf("Select = %+v, %v; want no match", got, ok)
				}
				return
			}
			if !ok || got != &tt.solvers[tt.want] {
				t.Fatalf("Select = %+v, %v; want solver %d (%+v)", got, ok, tt.want, tt.solvers[tt.want].Selector)
			}
		})
	}
}
