package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
)

// ceilings are the most API-server requests per Certificate a reseller
// phase may make (-max-api-per-cert), by phase.
type ceilings map[string]float64

// parseCeilings reads "sslci=15,sslmarket=22".
func parseCeilings(v string) (ceilings, error) {
	out := ceilings{}
	for _, kv := range strings.Split(v, ",") {
		phase, n, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return nil, fmt.Errorf("%q: want phase=requests", kv)
		}
		if !slices.Contains(framework.Providers, phase) {
			return nil, fmt.Errorf("%q: unknown phase %q (want %s)", kv, phase, strings.Join(framework.Providers, ", "))
		}
		f, err := strconv.ParseFloat(n, 64)
		if err != nil || f <= 0 {
			return nil, fmt.Errorf("%q: want a positive number of requests", kv)
		}
		out[phase] = f
	}
	return out, nil
}

// within reports whether every phase with a ceiling stayed at or under
// it, printing those that did not (counts, never times).
func (c ceilings) within(results []*result) bool {
	ok := true
	for _, r := range results {
		if most, set := c[r.phase]; set && r.apiPerCert > most {
			fmt.Printf("API: phase %s run %d made %.2f API-server requests per Certificate, ceiling %g\n", r.phase, r.run, r.apiPerCert, most)
			ok = false
		}
	}
	if ok && len(c) > 0 {
		fmt.Println("API-server requests per Certificate within the ceilings")
	}
	return ok
}
