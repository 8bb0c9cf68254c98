package signer

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	certificatesv1 "k8s.io/api/certificates/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// ReasonLimitReached starts the message of a request held by the spend guard.
const ReasonLimitReached = "LimitReached"

// admit is the spend guard: a request that has not ordered yet is let
// through only within the Issuer's limits. Admission is recorded in the
// request's state, so it is counted from then on by every worker. The
// caller holds the admission lock, and counts come from live reads, so two
// requests can never both take the last slot.
func (s *Signer) admit(ctx context.Context, issuer issuerapi.Issuer, spec *v1alpha1.IssuerSpec, req ca.Request) error {
	l := spec.Limits
	if l == nil {
		return nil
	}
	if l.MaxDNSNames != nil && len(req.DNSNames) > int(*l.MaxDNSNames) {
		return ca.Permanent(fmt.Errorf("the request has %d DNS names, spec.limits.maxDNSNames allows %d", len(req.DNSNames), *l.MaxDNSNames))
	}
	if product := productOf(spec); len(l.AllowedProducts) > 0 && product != "" && !slices.Contains(l.AllowedProducts, product) {
		return ca.Permanent(fmt.Errorf("product %q is not in spec.limits.allowedProducts %v", product, l.AllowedProducts))
	}
	if l.MaxNewOrdersPerDay == nil && l.MaxPendingOrders == nil {
		return nil
	}
	day, pending, err := s.countOrders(ctx, issuer)
	if err != nil {
		return err
	}
	if limit := l.MaxNewOrdersPerDay; limit != nil && day >= int(*limit) {
		return ca.Pending(fmt.Sprintf("%s: %d new orders in the last 24 hours, spec.limits.maxNewOrdersPerDay is %d", ReasonLimitReached, day, *limit), 5*time.Minute)
	}
	if limit := l.MaxPendingOrders; limit != nil && pending >= int(*limit) {
		return ca.Pending(fmt.Sprintf("%s: %d orders pending, spec.limits.maxPendingOrders is %d", ReasonLimitReached, pending, *limit), 30*time.Second)
	}
	return nil
}

func productOf(spec *v1alpha1.IssuerSpec) string {
	switch {
	case spec.SSLMarket != nil:
		return spec.SSLMarket.ProductCode
	case spec.CyberSSL != nil:
		return strconv.Itoa(int(spec.CyberSSL.ProductID))
	}
	return ""
}

// countOrders counts the issuer's orders in the ledger: those claimed in
// the last 24 hours, and those not yet done. Deleted requests do not free
// budget (the orders outlive them), and reissues are not new orders.
func (s *Signer) countOrders(ctx context.Context, issuer issuerapi.Issuer) (day, pending int, err error) {
	since := s.Now().Add(-24 * time.Hour)
	kind := "ResellerClusterIssuer"
	var opts []client.ListOption
	if issuer.GetNamespace() != "" {
		kind = "ResellerIssuer"
		opts = append(opts, client.InNamespace(issuer.GetNamespace()))
	}
	var orders v1alpha1.ResellerOrderList
	if err := s.APIReader.List(ctx, &orders, opts...); err != nil {
		return 0, 0, fmt.Errorf("counting orders for the spend guard: %w", err)
	}
	for i := range orders.Items {
		o := &orders.Items[i]
		if o.Spec.IssuerRef.Kind != kind || o.Spec.IssuerRef.Name != issuer.GetName() {
			continue
		}
		if !o.CreationTimestamp.Time.Before(since) {
			day++
		}
		switch o.Status.State {
		case v1alpha1.OrderIssued, v1alpha1.OrderReissuing, v1alpha1.OrderExpired, v1alpha1.OrderCanceled, v1alpha1.OrderFailed:
		default:
			pending++
		}
	}
	return day, pending, nil
}

func requestDone(conds []cmapi.CertificateRequestCondition) bool {
	for _, c := range conds {
		if c.Type == cmapi.CertificateRequestConditionReady && (c.Status == cmmeta.ConditionTrue || c.Reason == cmapi.CertificateRequestReasonFailed) {
			return true
		}
	}
	return false
}

func csrFailed(csr *certificatesv1.CertificateSigningRequest) bool {
	for _, c := range csr.Status.Conditions {
		if c.Type == certificatesv1.CertificateFailed || c.Type == certificatesv1.CertificateDenied {
			return true
		}
	}
	return false
}
