package main

import "runtime/debug"

// defaultGCPercent is the controller's GOGC unless the environment sets
// one. Go's default (100) lets the heap grow to twice what is live before
// a collection; at 50 it grows to 1.5 times: about 5 MiB less anonymous
// memory per replica for twice the collections (issue 12; README
// "Benchmarks").
const defaultGCPercent = 50

// setGCPercent applies defaultGCPercent unless GOGC is in the environment
// (lookup is os.LookupEnv), which the Go runtime has applied already.
func setGCPercent(lookup func(string) (string, bool)) {
	if _, ok := lookup("GOGC"); !ok {
		debug.SetGCPercent(defaultGCPercent)
	}
}
