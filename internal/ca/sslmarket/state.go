package sslmarket

import "strings"

// Order states ("state" of the order list and details). The document names
// only one value: the issued state is "published" ("the certificate is in
// the "issued" state. (state=published)"). The others are assumptions
// (assumption 8); StateClass is the one place that interprets them.
const (
	// StateNew: the order was placed and not yet processed. Assumed.
	StateNew = "new"
	// StateProcessing: the order is with the certification authority;
	// domain control validation (and, for OV/EV, vetting) is running.
	// Assumed.
	StateProcessing = "processing"
	// StatePublished: the certificate is issued and can be downloaded.
	// Documented.
	StatePublished = "published"
	// StateReissue: a reissue is running; the previous certificate stays
	// downloadable, cancel-reissue returns to StatePublished. Assumed.
	StateReissue = "reissue"
	// StateCancelled: the order was withdrawn. Assumed, in the British
	// spelling of the site (sslmarket.co.uk); StateClass accepts both.
	StateCancelled = "cancelled" //nolint:misspell // see above
	// StateRejected: the certification authority refused the order.
	// Assumed.
	StateRejected = "rejected"
	// StateRevoked: the certificate was revoked. Assumed.
	StateRevoked = "revoked"
	// StateExpired: the certificate has expired. Assumed.
	StateExpired = "expired"
)

// Classes returned by StateClass.
const (
	// ClassIssued: the certificate can be downloaded now.
	ClassIssued = "issued"
	// ClassWaiting: keep polling; the order may still be issued.
	ClassWaiting = "waiting"
	// ClassFinal: the order will never (again) yield a usable certificate.
	ClassFinal = "final"
)

// States returns the known order states in the order an order goes through
// them (new, processing, published, reissue) followed by the final ones.
func States() []string {
	return []string{
		StateNew, StateProcessing, StatePublished, StateReissue,
		StateCancelled, StateRejected, StateRevoked, StateExpired,
	}
}

// StateClass classifies an order state as ClassIssued, ClassWaiting or
// ClassFinal. It ignores case and surrounding blanks and accepts a few
// spellings of the same state ("issued" for "published", "canceled" for
// StateCancelled). An unknown state is ClassWaiting: an order the client does
// not understand is never given up on (it may be paid for), nor downloaded.
func StateClass(state string) string {
	switch strings.ToLower(strings.TrimSpace(state)) {
	case StatePublished, "issued":
		return ClassIssued
	case StateCancelled, "canceled", StateRejected, "refused", StateRevoked, StateExpired:
		return ClassFinal
	default: // new, processing, reissue and anything unknown
		return ClassWaiting
	}
}
