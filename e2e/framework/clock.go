package framework

import (
	"context"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

// SetClockOffset puts one sandbox API's clock offset ahead of the
// machine's (negative: behind) from now on (POST /sandbox/clock): the
// weeks a renewal inside a subscription needs pass at once.
func (s *Stack) SetClockOffset(ctx context.Context, provider string, offset time.Duration) error {
	_, err := s.post(ctx, sandbox.ClockPath, map[string]string{"provider": provider, "offset": offset.String()})
	return err
}
