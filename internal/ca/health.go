package ca

// Health is what a reseller's health check learned about the account.
type Health struct {
	// Detail is a short status line for the Issuer (e.g. the product).
	Detail string
	// Balance is the account balance, nil when the reseller reports none.
	Balance *Money
}

// Money is an amount as the reseller wrote it, with its currency.
type Money struct {
	// Amount is a decimal number, e.g. "123.45".
	Amount string
	// Currency is the ISO 4217 code.
	Currency string
}
