package ca

import (
	"errors"
	"time"
)

// RetryAfter is how long the reseller asked to wait (a 429 or 503 with
// Retry-After) anywhere in err's chain; 0 if it did not say.
func RetryAfter(err error) time.Duration {
	var r interface{ RetryAfterDelay() time.Duration }
	if errors.As(err, &r) {
		return r.RetryAfterDelay()
	}
	return 0
}
