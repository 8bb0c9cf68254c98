package main

import (
	"fmt"
	"sort"
)

// The protocol minimum of reseller calls for n one-name Certificates
// through one Issuer (the design's budget): exact counts per Certificate,
// and calls an Issuer makes at most once per phase (a session, a product
// list), whatever n is. Polls are not bounded here: they follow the
// reseller's pace.
var minimum = map[string]struct {
	perCert map[string]int
	once    []string
}{
	"sslci":     {perCert: map[string]int{"verify": 1, "confirm": 1, "finalize": 1}},
	"sslmarket": {perCert: map[string]int{"place_order": 1, "download": 1}, once: []string{"products"}},
	"cyberssl":  {perCert: map[string]int{"place_order": 1}, once: []string{"auth", "products"}},
}

// aboveMinimum lists how a reseller phase's calls (operation -> count)
// exceed the protocol minimum for n Certificates; nil when they do not.
func aboveMinimum(phase string, calls map[string]float64, n int) []string {
	m, ok := minimum[phase]
	if !ok {
		return nil
	}
	var out []string
	for op, per := range m.perCert {
		if got := calls[op]; got != float64(per*n) {
			out = append(out, fmt.Sprintf("%s: %g calls for %d Certificates, want %d", op, got, n, per*n))
		}
	}
	for _, op := range m.once {
		if got := calls[op]; got > 1 {
			out = append(out, fmt.Sprintf("%s: %g calls, want at most 1 per Issuer", op, got))
		}
	}
	sort.Strings(out)
	return out
}
