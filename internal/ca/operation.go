package ca

import (
	"context"
	"net/http"
	"time"
)

// Operation names what a reseller call does, for metrics and logs. Each
// client maps every endpoint it calls to one (a constant per endpoint), so
// a paid order and a free poll are told apart. The set is closed: metrics
// label values must stay bounded.
type Operation string

// Operations.
const (
	OpAuth         Operation = "auth"          // open a session (CyberSSL auth)
	OpBalance      Operation = "balance"       // read the account balance
	OpProducts     Operation = "products"      // product list, details, price
	OpPlaceOrder   Operation = "place_order"   // paid: a new order
	OpExtraDomains Operation = "extra_domains" // paid: more SAN slots
	OpFinalize     Operation = "finalize"      // paid: SSLCI finalize (issues at once)
	OpReissue      Operation = "reissue"       // free: a new certificate on a paid order
	OpPoll         Operation = "poll"          // free: an order's status
	OpVerify       Operation = "verify"        // free: ask for a name's verification (SSLCI)
	OpConfirm      Operation = "confirm"       // free: confirm a name's verification (SSLCI)
	OpDCV          Operation = "dcv"           // free: DCV options, method changes, re-checks, mails
	OpDownload     Operation = "download"      // free: the issued certificate
	OpList         Operation = "list"          // free: the account's orders or certificates
	OpCancel       Operation = "cancel"        // cancel a reissue, delete an order
	OpRevoke       Operation = "revoke"        // revoke a certificate
	OpEditOrder    Operation = "edit_order"    // change an order's contacts
	OpTools        Operation = "tools"         // decoders, OCSP, CSR validation
	OpOther        Operation = "other"         // a call made without an operation
)

// Outcomes of a reseller call.
const (
	OutcomeSuccess     = "success"
	OutcomeRefused     = "refused"       // an answer that is not a success: 4xx, or a 2xx error or unreadable body
	OutcomeServerError = "server_error"  // 5xx
	OutcomeThrottled   = "throttled"     // 429
	OutcomeNetwork     = "network_error" // no answer: timeout, refused or dropped connection
)

// call is one reseller call in flight, carried by its context from the
// client (StartCall) to the instrumented transport (Metrics.HTTPClient).
type call struct {
	op     Operation
	start  time.Time
	issuer *IssuerLabels
	// Set by the transport.
	sink     *instrumented
	status   int
	answered bool
}

type callKey struct{}

type issuerKey struct{}

// IssuerLabels names the Issuer a call is made for, in the order metrics.
type IssuerLabels struct {
	// Kind is ResellerIssuer or ResellerClusterIssuer.
	Kind string
	// Namespace is "" for a ResellerClusterIssuer.
	Namespace, Name string
}

// WithIssuer marks ctx as working for an Issuer: the paid calls made with
// it are counted for that Issuer (reseller_issuer_orders_total).
func WithIssuer(ctx context.Context, i IssuerLabels) context.Context {
	return context.WithValue(ctx, issuerKey{}, i)
}

func issuerFrom(ctx context.Context) (IssuerLabels, bool) {
	i, ok := ctx.Value(issuerKey{}).(IssuerLabels)
	return i, ok
}

// StartCall marks ctx as carrying one call of op; the client sends its
// HTTP request with the returned context and calls end with the call's
// final error (after reading and decoding the answer). The instrumented
// transport then records the call's outcome and latency once. Without an
// instrumented transport, end does nothing.
func StartCall(ctx context.Context, op Operation) (context.Context, func(err error)) {
	c := &call{op: op, start: time.Now()}
	if i, ok := issuerFrom(ctx); ok {
		c.issuer = &i
	}
	return context.WithValue(ctx, callKey{}, c), func(err error) {
		if c.sink != nil {
			outcome := c.outcome(err)
			c.sink.observe(c.op, outcome, time.Since(c.start))
			if outcome == OutcomeSuccess && c.issuer != nil {
				c.sink.bought(c.op, *c.issuer)
			}
		}
	}
}

func callFrom(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

// outcome classifies a finished call by what came back.
func (c *call) outcome(err error) string {
	switch {
	case !c.answered:
		return OutcomeNetwork
	case c.status == http.StatusTooManyRequests:
		return OutcomeThrottled
	case c.status >= 500:
		return OutcomeServerError
	case err != nil || c.status < 200 || c.status > 299:
		return OutcomeRefused
	}
	return OutcomeSuccess
}
