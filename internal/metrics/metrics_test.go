package metrics

import (
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	issuerapi "github.com/cert-manager/issuer-lib/api/v1alpha1"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
)

var now = time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)

func scheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	require.NoError(t, clientgoscheme.AddToScheme(s))
	require.NoError(t, cmapi.AddToScheme(s))
	require.NoError(t, v1alpha1.AddToScheme(s))
	return s
}

func readyCondition(status metav1.ConditionStatus) []metav1.Condition {
	return []metav1.Condition{{Type: issuerapi.IssuerConditionTypeReady, Status: status, Reason: "x", LastTransitionTime: metav1.NewTime(now)}}
}

func request(name string, age time.Duration, issuerKind, issuerName string, conds ...cmapi.CertificateRequestCondition) *cmapi.CertificateRequest {
	group := v1alpha1.GroupVersion.Group
	if issuerKind == "Issuer" {
		group = "cert-manager.io"
	}
	return &cmapi.CertificateRequest{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name, UID: types.UID("uid-" + name), CreationTimestamp: metav1.NewTime(now.Add(-age))},
		Spec:       cmapi.CertificateRequestSpec{IssuerRef: cmmeta.IssuerReference{Group: group, Kind: issuerKind, Name: issuerName}},
		Status:     cmapi.CertificateRequestStatus{Conditions: conds},
	}
}

var approved = cmapi.CertificateRequestCondition{Type: cmapi.CertificateRequestConditionApproved, Status: cmmeta.ConditionTrue}

func challenge(name, requestName, method, state string) *v1alpha1.ResellerChallenge {
	return &v1alpha1.ResellerChallenge{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name},
		Spec:       v1alpha1.ChallengeSpec{Method: method, RequestRef: v1alpha1.RequestReference{UID: types.UID("uid-" + requestName)}},
		Status:     v1alpha1.ChallengeStatus{State: state},
	}
}

func TestClusterMetrics(t *testing.T) {
	ready := &v1alpha1.ResellerIssuer{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "cyberssl"},
		Spec:       v1alpha1.IssuerSpec{CyberSSL: &v1alpha1.CyberSSL{}, Limits: &v1alpha1.Limits{MinBalance: "50", MaxNewOrdersPerDay: ptr.To[int32](20)}},
		Status:     v1alpha1.IssuerStatus{IssuerStatus: issuerapi.IssuerStatus{Conditions: readyCondition(metav1.ConditionTrue)}, Balance: &v1alpha1.Balance{Amount: "12.50", Currency: "USD"}},
	}
	broken := &v1alpha1.ResellerClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: "sslci"},
		Spec:       v1alpha1.IssuerSpec{SSLCI: &v1alpha1.SSLCI{}},
		Status:     v1alpha1.IssuerStatus{IssuerStatus: issuerapi.IssuerStatus{Conditions: readyCondition(metav1.ConditionFalse)}},
	}
	objs := []client.Object{ready, broken,
		request("unapproved", time.Hour, v1alpha1.KindResellerIssuer, "cyberssl"),
		request("blocked", 2*time.Hour, v1alpha1.KindResellerClusterIssuer, "sslci", approved),
		request("guarded", 3*time.Hour, v1alpha1.KindResellerIssuer, "cyberssl", approved),
		request("manual", 30*time.Hour, v1alpha1.KindResellerIssuer, "cyberssl", approved),
		request("manual-young", time.Hour, v1alpha1.KindResellerIssuer, "cyberssl", approved),
		request("validating", 5*time.Minute, v1alpha1.KindResellerIssuer, "cyberssl", approved),
		request("issuing", 6*time.Minute, v1alpha1.KindResellerIssuer, "cyberssl", approved),
		request("new", time.Minute, v1alpha1.KindResellerIssuer, "cyberssl", approved),
		request("done", 100*time.Hour, v1alpha1.KindResellerIssuer, "cyberssl", approved, cmapi.CertificateRequestCondition{Type: cmapi.CertificateRequestConditionReady, Status: cmmeta.ConditionTrue}),
		request("failed", 100*time.Hour, v1alpha1.KindResellerIssuer, "cyberssl", approved, cmapi.CertificateRequestCondition{Type: cmapi.CertificateRequestConditionReady, Status: cmmeta.ConditionFalse, Reason: cmapi.CertificateRequestReasonFailed}),
		request("someone-else", 100*time.Hour, "Issuer", "ca"),
		&certificatesv1.CertificateSigningRequest{
			ObjectMeta: metav1.ObjectMeta{Name: "csr", UID: "uid-csr", CreationTimestamp: metav1.NewTime(now.Add(-time.Minute))},
			Spec:       certificatesv1.CertificateSigningRequestSpec{SignerName: v1alpha1.ClusterIssuerTypeIdentifier + "/sslci"},
			Status:     certificatesv1.CertificateSigningRequestStatus{Conditions: []certificatesv1.CertificateSigningRequestCondition{{Type: certificatesv1.CertificateApproved, Status: corev1.ConditionTrue}}},
		},
		challenge("c1", "manual", v1alpha1.MethodDNS01, v1alpha1.ChallengeWaitingForPerson),
		challenge("c2", "manual", v1alpha1.MethodHTTP01, v1alpha1.ChallengePresented),
		challenge("c3", "manual-young", v1alpha1.MethodEmail, v1alpha1.ChallengeWaitingForPerson),
		challenge("c4", "validating", v1alpha1.MethodHTTP01, ""),
	}
	c := fake.NewClientBuilder().WithScheme(scheme(t)).WithObjects(objs...).Build()
	waits := &Waits{}
	for _, n := range []string{"manual", "manual-young", "validating", "issuing"} {
		waits.Set(types.UID("uid-"+n), "")
	}
	waits.Set("uid-guarded", WaitLimit)
	waits.Set("uid-gone", WaitRetrying)
	leader := true
	cl := &Cluster{Reader: c, Leader: func() bool { return leader }, Now: func() time.Time { return now }, Waits: waits}
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(cl))

	want := `
# HELP reseller_issuer_account_balance The reseller account balance at the Issuer's last check, for resellers that report one (cyberssl).
# TYPE reseller_issuer_account_balance gauge
reseller_issuer_account_balance{currency="USD",issuer="cyberssl",issuer_kind="ResellerIssuer",issuer_namespace="shop",provider="cyberssl"} 12.5
# HELP reseller_issuer_account_min_balance spec.limits.minBalance of the Issuer, in the account's currency.
# TYPE reseller_issuer_account_min_balance gauge
reseller_issuer_account_min_balance{issuer="cyberssl",issuer_kind="ResellerIssuer",issuer_namespace="shop",provider="cyberssl"} 50
# HELP reseller_issuer_issuer_ready 1 when the Issuer's Ready condition is True, else 0.
# TYPE reseller_issuer_issuer_ready gauge
reseller_issuer_issuer_ready{issuer="cyberssl",issuer_kind="ResellerIssuer",issuer_namespace="shop",provider="cyberssl"} 1
reseller_issuer_issuer_ready{issuer="sslci",issuer_kind="ResellerClusterIssuer",issuer_namespace="",provider="sslci"} 0
# HELP reseller_issuer_limit_max_new_orders_per_day spec.limits.maxNewOrdersPerDay of the Issuer (the spend guard).
# TYPE reseller_issuer_limit_max_new_orders_per_day gauge
reseller_issuer_limit_max_new_orders_per_day{issuer="cyberssl",issuer_kind="ResellerIssuer",issuer_namespace="shop",provider="cyberssl"} 20
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want),
		"reseller_issuer_account_balance", "reseller_issuer_account_min_balance", "reseller_issuer_issuer_ready", "reseller_issuer_limit_max_new_orders_per_day"))

	families, err := reg.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			key := f.GetName()
			for _, l := range m.GetLabel() {
				key += "," + l.GetName() + "=" + l.GetValue()
			}
			got[key] = m.GetGauge().GetValue()
		}
	}
	waiting := func(reason string) float64 { return got["reseller_issuer_requests_waiting,reason="+reason] }
	oldest := func(reason string) float64 {
		return got["reseller_issuer_requests_oldest_waiting_seconds,reason="+reason]
	}
	assert.InDelta(t, 1, waiting(WaitApproval), 0)
	assert.InDelta(t, 2, waiting(WaitIssuerNotReady), 0, "a request and a CSR of the unready cluster issuer")
	assert.InDelta(t, 1, waiting(WaitLimit), 0)
	assert.InDelta(t, 2, waiting(WaitPerson), 0)
	assert.InDelta(t, (30 * time.Hour).Seconds(), oldest(WaitPerson), 0, "the oldest request waiting for a person")
	assert.InDelta(t, 1, waiting(WaitValidation), 0)
	assert.InDelta(t, 1, waiting(WaitReseller), 0)
	assert.InDelta(t, 1, waiting(WaitQueued), 0, "a request Sign has not seen")
	assert.InDelta(t, 0, waiting(WaitRetrying), 0)
	assert.InDelta(t, 0, oldest(WaitRetrying), 0)

	assert.InDelta(t, 1, got["reseller_issuer_challenges,method=DNS-01,state=WaitingForPerson"], 0)
	assert.InDelta(t, 1, got["reseller_issuer_challenges,method=Email,state=WaitingForPerson"], 0)
	assert.InDelta(t, 1, got["reseller_issuer_challenges,method=HTTP-01,state=Presented"], 0)
	assert.InDelta(t, 1, got["reseller_issuer_challenges,method=HTTP-01,state=Pending"], 0, "a new challenge has no state yet")
	assert.InDelta(t, 0, got["reseller_issuer_challenges,method=DNS-01,state=Errored"], 0)

	_, seen := waits.Get("uid-gone")
	assert.False(t, seen, "a request gone from the cluster is forgotten")

	leader = false
	n, err := testutil.GatherAndCount(reg)
	require.NoError(t, err)
	assert.Zero(t, n, "only the leader exports the cluster state")
}

func TestServedFromOrders(t *testing.T) {
	open := func(name string, uid types.UID, names ...v1alpha1.OrderName) v1alpha1.ResellerOrder {
		return v1alpha1.ResellerOrder{
			ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name},
			Status:     v1alpha1.OrderStatus{State: v1alpha1.OrderValidating, Claim: &v1alpha1.OrderClaim{Request: v1alpha1.RequestReference{UID: uid}}, Names: names},
		}
	}
	httpName := func(n string, verified bool) v1alpha1.OrderName {
		return v1alpha1.OrderName{Name: n, Verified: verified, Challenge: &v1alpha1.OrderChallenge{Type: "http-01", Path: "/x", Content: "c"}}
	}
	dnsName := v1alpha1.OrderName{Name: "dns.example.com", Challenge: &v1alpha1.OrderChallenge{Type: "dns-01", Record: "dns.example.com", Content: "c"}}
	recorded := challenge("ing", "web", v1alpha1.MethodHTTP01, v1alpha1.ChallengePresented)
	recorded.Spec.DNSName = "ing.example.com"
	tests := []struct {
		name   string
		orders []v1alpha1.ResellerOrder
		want   []string
	}{
		{name: "an open built-in challenge", orders: []v1alpha1.ResellerOrder{open("a", "uid-web", httpName("www.example.com", false))}, want: []string{"www.example.com"}},
		{name: "verified: not open", orders: []v1alpha1.ResellerOrder{open("a", "uid-web", httpName("www.example.com", true))}},
		{name: "recorded as a ResellerChallenge (Ingress): counted once", orders: []v1alpha1.ResellerOrder{open("a", "uid-web", httpName("ing.example.com", false))}},
		{name: "dns-01: always recorded", orders: []v1alpha1.ResellerOrder{open("a", "uid-web", dnsName)}},
		{name: "nobody holds the order", orders: []v1alpha1.ResellerOrder{{Status: v1alpha1.OrderStatus{State: v1alpha1.OrderAbandoned, Names: []v1alpha1.OrderName{httpName("www.example.com", false)}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range servedFromOrders(tc.orders, []v1alpha1.ResellerChallenge{*recorded}) {
				assert.Equal(t, v1alpha1.MethodHTTP01, c.Spec.Method)
				assert.Equal(t, types.UID("uid-web"), c.Spec.RequestRef.UID)
				got = append(got, c.Spec.DNSName)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
