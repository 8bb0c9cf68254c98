package order

import (
	"context"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Reseller is what one reseller supplies to the protocol: its calls, each
// speaking its own API. The bookkeeping around them (the claim of a paid
// call, its bound, saving its outcome, recovery, reissues, delivery) is the
// Protocol's, written once for all resellers. Implementations live in
// internal/ca/<reseller> and import nothing of Kubernetes.
type Reseller interface {
	// Check proves the credentials work and reads what the Issuer's status
	// shows (a short detail, the balance where the reseller reports one).
	Check(ctx context.Context) (ca.Health, error)
	// Step names the paid call that buys a certificate: StepOrder (an
	// order, validated after it is paid) or StepFinalize (SSLCI: names are
	// validated first, the paid call returns the certificate).
	Step() string
	// SubscriptionYears is the subscription each order buys, in years; 0
	// where the reseller sells single certificates.
	SubscriptionYears() int
	// Prepare does the free work that comes before the paid call (SSLCI
	// verifies each name, saving its progress through j, and returns a
	// ca.PendingError while it waits) and checks the request against what
	// is sold, then returns the paid call. Its errors may be permanent: the
	// protocol calls it only once no interrupted paid call can be pending.
	Prepare(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (ca.PaidCall, error)
	// Reissue returns the call that reissues the paid order st.OrderID for
	// req's CSR; nil when the order already holds a later certificate for
	// req's key (an automatic reissue), which Follow then fetches.
	Reissue(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal) (ca.PaidCall, error)
	// Find reads every page of the reseller's order list for what the paid
	// call claimed in st.Intent may have bought for req's names (and
	// product): for a reissue, the order st.OrderID if it shows the reissue.
	// It never fails permanently: an order may exist and be paid.
	Find(ctx context.Context, req ca.Request, st *ca.State) ([]ca.Found, error)
	// Follow advances a paid order with free calls (validation, polls,
	// download) and returns the chain once the reseller issued it, else a
	// ca.PendingError saying what it waits for. fresh says the order was
	// placed in this same call, so the reseller's answer is in st already.
	Follow(ctx context.Context, req ca.Request, st *ca.State, j ca.Journal, fresh bool) ([]byte, error)
	// Cancel gives up the open order st that no request will finish: it
	// reports whether the reseller canceled it (nothing more is owed, or a
	// running reissue was stopped); false when the reseller offers no way.
	Cancel(ctx context.Context, st *ca.State) (bool, error)
}
