// Package ca is the boundary between the signer and the reseller flows. It
// knows nothing about Kubernetes: the signer hands a flow a Request, the order
// State saved so far and a Journal to persist it, and gets back a Result or an
// error classified by this package.
package ca

import (
	"context"
	"errors"
	"time"
)

// Request is what the signer asks a reseller to certify.
type Request struct {
	// CSR is the PEM certificate signing request; its key stays in the cluster.
	CSR []byte
	// DNSNames are the names to certify, in the CSR's order, without duplicates.
	DNSNames []string
	// Duration is the requested validity.
	Duration time.Duration
	// ResendEmail, when set and different from the State's EmailResent, asks
	// for the approval emails of an email-validated order to be sent again.
	ResendEmail string
	// Renew marks a new order that renews an earlier one for the same names
	// whose subscription cannot serve (CyberSSL order_type renew).
	Renew bool
	// Known are the expiry times of the certificates the ledger already
	// holds for these names: recovery never takes them for what an
	// interrupted paid call bought.
	Known []time.Time
	// KnownOrders are the reseller's ids of the orders the ledger already
	// holds for these names: recovery never adopts them either (an order
	// reissued for the claimed key shows that key in its CSR).
	KnownOrders []string
}

// Result is a verified certificate chain.
type Result struct {
	// ChainPEM is the leaf followed by its intermediates.
	ChainPEM []byte
	// CAPEM is the root, when the reseller returned one.
	CAPEM []byte
}

// Challenge types.
const (
	HTTP01 = "http-01"
	DNS01  = "dns-01"
	// Email: the reseller mails approver addresses; nothing to publish.
	Email = "email"
)

// Challenge is what must be published to prove control of one name.
type Challenge struct {
	// Name is the DNS name being validated.
	Name string `json:"name"`
	// Type is HTTP01, DNS01 or Email.
	Type string `json:"type"`
	// Path is the URL path served on http://Name (HTTP01).
	Path string `json:"path,omitempty"`
	// Content is the HTTP body, the DNS record value, or the approver
	// addresses (Email), comma-separated.
	Content string `json:"content,omitempty"`
	// Record is the DNS record name (DNS01).
	Record string `json:"record,omitempty"`
	// RecordType is TXT or CNAME (DNS01).
	RecordType string `json:"recordType,omitempty"`
}

// Journal persists the order state before and after every call that costs
// money, so a crash never loses an order, and records what the order
// protocol decides about money that nobody asked for.
type Journal interface {
	// Save fails when the state changed underneath (another worker): the
	// caller must then stop.
	Save(ctx context.Context, st *State) error
	// SaveOutcome saves what a paid call returned (an order id, a chain):
	// after a conflict it re-reads and re-applies while the claim is still
	// the caller's, so a paid result is never thrown away.
	SaveOutcome(ctx context.Context, st *State) error
	// Adopted records that recovery found, at the reseller, what an
	// interrupted paid call bought, and continues it.
	Adopted(ctx context.Context, message string)
	// Unknown records that a paid call ended without a known outcome: the
	// reseller may have charged for it.
	Unknown(ctx context.Context, message string)
}

// ErrManual is wrapped by Presenter.Ready's error for a challenge a person
// publishes (or approves): the presenter cannot tell when it is visible, so
// a flow asks the reseller, when asking is free, instead of waiting.
var ErrManual = errors.New("published by a person")

// Presenter publishes challenges and tells when they are visible to the
// reseller.
type Presenter interface {
	// Present publishes the challenge (the journal already holds it).
	Present(ctx context.Context, ch Challenge) error
	// Ready reports whether the challenge can be seen from outside.
	Ready(ctx context.Context, ch Challenge) (bool, error)
}

// Method is how the Issuer's solver for one name publishes: each reseller
// turns it into its own method name.
type Method struct {
	// Type is HTTP01, DNS01 or Email; "" when no solver decides (the
	// provider block's method applies).
	Type string
	// Approver is the address an email solver names first, if any.
	Approver string
}

// Publisher is the Presenter of one request, which also knows the solver
// the Issuer selects for each name.
type Publisher interface {
	Presenter
	// Method tells how the solver selected for name publishes.
	Method(name string) Method
}
