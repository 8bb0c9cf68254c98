package cyberssl

import "strings"

// Order statuses of order_status (and, assumed, my_orders).
const (
	StatusProcessing           = "Processing"
	StatusActivated            = "Activated"
	StatusRejected             = "Rejected"
	StatusCancelled            = "Cancelled" //nolint:misspell // the API's spelling
	StatusDuplicateCertificate = "Duplicate Certificate"
	StatusAwaitingActivation   = "Awaiting Activation"
	StatusAwaitingValidation   = "Awaiting Validation"
	StatusExpired              = "Expired"
)

// Classes of StatusClass.
const (
	// ClassIssued: the certificate is available (Activated).
	ClassIssued = "issued"
	// ClassFinal: the order will never deliver a certificate
	// (StatusRejected, StatusCancelled, StatusDuplicateCertificate,
	// StatusExpired).
	ClassFinal = "final"
	// ClassWaiting: anything else, including statuses this package does
	// not know; keep DCV in place and poll again.
	ClassWaiting = "waiting"
)

// StatusClass sorts an order status into ClassIssued, ClassFinal or
// ClassWaiting. Statuses are compared case-insensitively, ignoring
// surrounding blanks; an unknown status is ClassWaiting, so that a new
// status never makes a paid order fail (assumptions.go, 9).
func StatusClass(s string) string {
	switch strings.ToLower(strings.Join(strings.Fields(s), " ")) {
	case "activated":
		return ClassIssued
	case "rejected", "cancelled", "canceled", "duplicate certificate", "expired": //nolint:misspell // the API's spelling
		return ClassFinal
	default:
		return ClassWaiting
	}
}
