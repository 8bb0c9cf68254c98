package health

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	"github.com/cert-manager/issuer-lib/controllers/signer"
	"github.com/go-logr/logr"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Probe asks an Issuer's reseller whether its credentials work.
type Probe func(ctx context.Context, issuer issuerapi.Issuer) (ca.Health, error)

// Checker is issuer-lib's Check: it probes the reseller, keeps an Issuer
// Ready through short outages (Grace), explains what to do when it is not,
// and records the balance and the LowBalance condition in the status.
type Checker struct {
	// Client writes the Issuer status.
	Client client.Client
	// Probe is the reseller check.
	Probe Probe
	// Scheduler runs the periodic checks; its Interval is the default.
	Scheduler *Scheduler
	// Grace is how long a Ready Issuer whose reseller cannot be reached
	// stays Ready.
	Grace time.Duration
	// Events receives LowBalance Events on the Issuer.
	Events events.EventRecorder
	// Now is the clock.
	Now func() time.Time

	outages outages
}

// Check implements issuer-lib's signer.Check.
func (c *Checker) Check(ctx context.Context, issuer issuerapi.Issuer) error {
	spec, ok := v1alpha1.SpecOf(issuer)
	if !ok {
		return signer.PermanentError{Err: fmt.Errorf("unexpected issuer type %T", issuer)}
	}
	key := KeyOf(issuer)
	interval := IntervalOf(spec, c.Scheduler.Interval)
	h, err := c.Probe(ctx, issuer)
	switch {
	case err == nil:
		c.outages.recovered(key)
		return c.record(ctx, issuer, spec, &h)
	case Unreachable(err):
		now := c.Now()
		since := c.outages.failed(key, now)
		if isReady(issuer) && now.Sub(since) < c.Grace {
			logr.FromContextOrDiscard(ctx).Info("reseller unreachable; the issuer stays Ready during the grace period",
				"provider", spec.Provider(), "since", since, "grace", c.Grace, "error", err.Error())
			c.Scheduler.Soon(key, since.Add(c.Grace))
			return nil
		}
		err = fmt.Errorf("cannot reach %s at %s since %s: %w; check the URL, DNS, egress (NetworkPolicy, proxy) and the reseller's status page; checked again every %s",
			spec.Provider(), host(spec), since.UTC().Format(time.RFC3339), err, interval)
	case ca.IsCredentials(err):
		err = fmt.Errorf("%w; the issuer is checked again every %s and turns Ready by itself", err, interval)
	}
	return errors.Join(err, c.record(ctx, issuer, spec, nil))
}

// Unreachable reports whether a probe error may go away by itself: the
// reseller could not be reached or answered with a server error. Refused
// credentials, a bad spec and a missing Secret are not.
func Unreachable(err error) bool {
	if ca.IsCredentials(err) || ca.IsPermanent(err) {
		return false
	}
	if errors.As(err, &signer.PermanentError{}) || errors.As(err, &signer.IssuerError{}) {
		return false
	}
	return true
}

func isReady(issuer issuerapi.Issuer) bool {
	return apimeta.IsStatusConditionTrue(issuer.GetConditions(), issuerapi.IssuerConditionTypeReady)
}

// host is the reseller endpoint's host, for messages.
func host(spec *v1alpha1.IssuerSpec) string {
	var raw v1alpha1.ResellerURL
	switch {
	case spec.SSLCI != nil:
		raw = spec.SSLCI.URL
	case spec.SSLMarket != nil:
		raw = spec.SSLMarket.URL
	case spec.CyberSSL != nil:
		raw = spec.CyberSSL.URL
	}
	u, err := url.Parse(string(raw))
	if err != nil || u.Host == "" {
		return "its default URL"
	}
	return u.Host
}

// The conditions' reasons.
const (
	ReasonLowBalance = "LowBalance"
	ReasonBalanceOK  = "BalanceOK"
)

// lowBalance compares a balance with spec.limits.minBalance: nil when no
// minimum is set or no balance is known.
func lowBalance(spec *v1alpha1.IssuerSpec, b *v1alpha1.Balance, generation int64, now time.Time) *metav1.Condition {
	if spec.Limits == nil || spec.Limits.MinBalance == "" || b == nil {
		return nil
	}
	below, err := Less(b.Amount, spec.Limits.MinBalance)
	if err != nil {
		return &metav1.Condition{Type: v1alpha1.ConditionLowBalance, Status: metav1.ConditionUnknown, Reason: "Unreadable",
			Message: fmt.Sprintf("cannot compare the balance with spec.limits.minBalance: %v", err), ObservedGeneration: generation, LastTransitionTime: metav1.NewTime(now)}
	}
	if below {
		return &metav1.Condition{Type: v1alpha1.ConditionLowBalance, Status: metav1.ConditionTrue, Reason: ReasonLowBalance,
			Message:            fmt.Sprintf("the %s balance %s %s is under spec.limits.minBalance %s: top up the account before orders are refused", spec.Provider(), b.Amount, b.Currency, spec.Limits.MinBalance),
			ObservedGeneration: generation, LastTransitionTime: metav1.NewTime(now)}
	}
	return &metav1.Condition{Type: v1alpha1.ConditionLowBalance, Status: metav1.ConditionFalse, Reason: ReasonBalanceOK,
		Message:            fmt.Sprintf("the %s balance %s %s covers spec.limits.minBalance %s", spec.Provider(), b.Amount, b.Currency, spec.Limits.MinBalance),
		ObservedGeneration: generation, LastTransitionTime: metav1.NewTime(now)}
}
