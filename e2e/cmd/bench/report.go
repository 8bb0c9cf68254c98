package main

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// result is one phase's row. Probes add columns with set.
type result struct {
	phase        string
	run          int
	certificates int
	seconds      float64
	// requests is the number of CertificateRequests created.
	requests int
	// orders is what the phase paid for; nil for the CA issuer.
	orders *int
	// apiPerCert is the issuer's API-server requests per Certificate.
	apiPerCert float64
	// resellerCalls counts the phase's reseller calls by operation.
	resellerCalls map[string]float64
	// details are lines printed under the table (breakdowns).
	details []string

	columns []string
	values  map[string]string
}

func (r *result) detail(format string, args ...any) {
	r.details = append(r.details, fmt.Sprintf(format, args...))
}

func (r *result) set(column, value string) {
	if r.values == nil {
		r.values = map[string]string{}
	}
	if _, ok := r.values[column]; !ok {
		r.columns = append(r.columns, column)
	}
	r.values[column] = value
}

// printTable prints one row per result; the ratio is to the CA issuer's
// time in the same run.
func printTable(w io.Writer, results []*result) {
	var extra []string
	for _, r := range results {
		for _, c := range r.columns {
			if !slices.Contains(extra, c) {
				extra = append(extra, c)
			}
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	_, _ = fmt.Fprint(tw, "phase\trun\tcertificates\ts to all Ready\tratio to CA\t")
	for _, c := range extra {
		_, _ = fmt.Fprint(tw, c+"\t")
	}
	_, _ = fmt.Fprintln(tw)
	for _, r := range results {
		ratio := "-"
		if ca := caSeconds(results, r.run); ca > 0 {
			ratio = fmt.Sprintf("%.2f", r.seconds/ca)
		}
		_, _ = fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%s\t", r.phase, r.run, r.certificates, r.seconds, ratio)
		for _, c := range extra {
			v, ok := r.values[c]
			if !ok {
				v = "-"
			}
			_, _ = fmt.Fprint(tw, v+"\t")
		}
		_, _ = fmt.Fprintln(tw)
	}
	_ = tw.Flush()
	for _, r := range results {
		for _, d := range r.details {
			_, _ = fmt.Fprintf(w, "%s run %d: %s\n", r.phase, r.run, d)
		}
	}
}

func caSeconds(results []*result, run int) float64 {
	for _, r := range results {
		if r.phase == phaseCA && r.run == run {
			return r.seconds
		}
	}
	return 0
}

// atMinimum reports whether every reseller phase called its reseller at
// the protocol minimum, printing those that did not.
func atMinimum(results []*result) bool {
	ok := true
	for _, r := range results {
		for _, v := range aboveMinimum(r.phase, r.resellerCalls, r.certificates) {
			fmt.Printf("CALLS: phase %s run %d: %s\n", r.phase, r.run, v)
			ok = false
		}
	}
	if ok {
		fmt.Println("reseller calls at the protocol minimum in every reseller phase")
	}
	return ok
}

// allPaidOnce reports whether every reseller phase paid for exactly one
// order per Certificate, printing those that did not.
func allPaidOnce(results []*result) bool {
	ok := true
	for _, r := range results {
		if r.orders != nil && *r.orders != r.certificates {
			fmt.Printf("MONEY: phase %s run %d paid for %d orders for %d Certificates\n", r.phase, r.run, *r.orders, r.certificates)
			ok = false
		}
	}
	if ok {
		fmt.Println("orders == Certificates in every reseller phase")
	}
	return ok
}
