package health

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// FieldManager owns the status fields the health check writes: detail,
// balance and the LowBalance condition (issuer-lib owns Ready).
const FieldManager = "reseller-issuer.dev/health"

// ourStatus is the part of the Issuer status the health check owns.
type ourStatus struct {
	Detail  string
	Balance *v1alpha1.Balance
	Low     *metav1.Condition
}

// record writes what a check learned (h; nil after a failed check, which
// keeps the last known detail and balance), and only when it changed.
func (c *Checker) record(ctx context.Context, issuer issuerapi.Issuer, spec *v1alpha1.IssuerSpec, h *ca.Health) error {
	cur := statusOf(issuer)
	if cur == nil {
		return fmt.Errorf("unexpected issuer type %T", issuer)
	}
	have := ourStatus{Detail: cur.Detail, Balance: cur.Balance, Low: apimeta.FindStatusCondition(cur.Conditions, v1alpha1.ConditionLowBalance)}
	want := have
	if h != nil {
		want.Detail = h.Detail
		want.Balance = nil
		if h.Balance != nil {
			want.Balance = &v1alpha1.Balance{Amount: h.Balance.Amount, Currency: h.Balance.Currency}
		}
		want.Low = lowBalance(spec, want.Balance, issuer.GetGeneration(), c.Now())
		if want.Low != nil && have.Low != nil && want.Low.Status == have.Low.Status {
			want.Low.LastTransitionTime = have.Low.LastTransitionTime
		}
	}
	if same(have, want) {
		return nil
	}
	if err := c.apply(ctx, issuer, want); err != nil {
		return fmt.Errorf("recording the check in the status: %w", err)
	}
	if c.Events != nil && want.Low != nil && want.Low.Status == metav1.ConditionTrue && (have.Low == nil || have.Low.Status != metav1.ConditionTrue) {
		c.Events.Eventf(issuer, nil, corev1.EventTypeWarning, ReasonLowBalance, "Check", "%s", want.Low.Message)
	}
	return nil
}

func same(a, b ourStatus) bool {
	if a.Detail != b.Detail {
		return false
	}
	if (a.Balance == nil) != (b.Balance == nil) || (a.Balance != nil && *a.Balance != *b.Balance) {
		return false
	}
	if (a.Low == nil) != (b.Low == nil) {
		return false
	}
	return a.Low == nil || (a.Low.Status == b.Low.Status && a.Low.Reason == b.Low.Reason &&
		a.Low.Message == b.Low.Message && a.Low.ObservedGeneration == b.Low.ObservedGeneration)
}

// apply writes the fields with server-side apply under FieldManager: the
// conditions list is a map keyed by type, so Ready (issuer-lib's) is left
// alone, and a field left out (the LowBalance condition once minBalance is
// removed) is removed.
func (c *Checker) apply(ctx context.Context, issuer issuerapi.Issuer, s ourStatus) error {
	obj, ok := issuer.(client.Object)
	if !ok {
		return fmt.Errorf("unexpected issuer type %T", issuer)
	}
	status := map[string]any{}
	if s.Detail != "" {
		status["detail"] = s.Detail
	}
	if s.Balance != nil {
		status["balance"] = s.Balance
	}
	if s.Low != nil {
		status["conditions"] = []metav1.Condition{*s.Low}
	}
	meta := map[string]any{"name": obj.GetName()}
	if ns := obj.GetNamespace(); ns != "" {
		meta["namespace"] = ns
	}
	body, err := json.Marshal(map[string]any{
		"apiVersion": v1alpha1.GroupVersion.String(),
		"kind":       KeyOf(obj).Kind,
		"metadata":   meta,
		"status":     status,
	})
	if err != nil {
		return err
	}
	return c.Client.Status().Patch(ctx, obj, client.RawPatch(types.ApplyPatchType, body), &client.SubResourcePatchOptions{
		PatchOptions: client.PatchOptions{FieldManager: FieldManager, Force: new(true)},
	})
}

func statusOf(issuer issuerapi.Issuer) *v1alpha1.IssuerStatus {
	switch i := issuer.(type) {
	case *v1alpha1.ResellerIssuer:
		return &i.Status
	case *v1alpha1.ResellerClusterIssuer:
		return &i.Status
	}
	return nil
}

// Less reports whether the decimal amount a is less than b.
func Less(a, b string) (bool, error) {
	x, ok := new(big.Rat).SetString(strings.TrimSpace(a))
	if !ok {
		return false, fmt.Errorf("%q is not a number", a)
	}
	y, ok := new(big.Rat).SetString(strings.TrimSpace(b))
	if !ok {
		return false, fmt.Errorf("%q is not a number", b)
	}
	return x.Cmp(y) < 0, nil
}
