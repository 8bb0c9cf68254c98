//go:build e2e

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/e2e/framework"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv/dns01"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv/http01"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
)

func ingressSolver(spec *v1alpha1.IssuerSpec) {
	class := "nginx"
	spec.DomainValidation = &v1alpha1.DomainValidation{Solvers: []v1alpha1.Solver{{HTTP01: &v1alpha1.HTTP01Solver{Ingress: &v1alpha1.HTTP01Ingress{
		IngressClassName: &class,
		Labels:           map[string]string{"team": "web"},
		Annotations:      map[string]string{"nginx.ingress.kubernetes.io/ssl-redirect": "false"},
	}}}}}
}

func gatewaySolver(spec *v1alpha1.IssuerSpec) {
	spec.DomainValidation = &v1alpha1.DomainValidation{Solvers: []v1alpha1.Solver{{HTTP01: &v1alpha1.HTTP01Solver{GatewayHTTPRoute: &v1alpha1.HTTP01GatewayHTTPRoute{
		ParentRefs: []v1alpha1.ParentReference{{Name: "public", Namespace: "gateways", SectionName: "http"}},
		Labels:     map[string]string{"team": "web"},
	}}}}}
}

func emailSolver(spec *v1alpha1.IssuerSpec, approvers ...v1alpha1.Email) {
	spec.DomainValidation = &v1alpha1.DomainValidation{Solvers: []v1alpha1.Solver{{Email: &v1alpha1.EmailSolver{Approvers: approvers}}}}
}

// checkIngress: every http01 challenge had an Ingress with the solver's
// class, labels and annotations routing its exact path to an ExternalName
// Service in front of the responders.
func checkIngress(t *testing.T, e *dcvEnv) {
	e.seen.mu.Lock()
	defer e.seen.mu.Unlock()
	require.NotEmpty(t, e.seen.challenges)
	for name, ch := range e.seen.challenges {
		if ch.Spec.Method != v1alpha1.MethodHTTP01 {
			continue
		}
		ing := e.seen.ingresses[name]
		require.NotNil(t, ing, "an Ingress for challenge %s", name)
		assert.Equal(t, "nginx", *ing.Spec.IngressClassName)
		assert.Equal(t, "web", ing.Labels["team"])
		assert.Equal(t, name, ing.Labels[http01.ChallengeLabel])
		assert.Equal(t, "false", ing.Annotations["nginx.ingress.kubernetes.io/ssl-redirect"])
		require.Len(t, ing.Spec.Rules, 1)
		rule := ing.Spec.Rules[0]
		assert.Equal(t, ch.Spec.DNSName, rule.Host)
		path := rule.HTTP.Paths[0]
		assert.Equal(t, ch.Spec.HTTP01.Path, path.Path)
		assert.Equal(t, networkingv1.PathTypeExact, *path.PathType)
		assert.Equal(t, name, path.Backend.Service.Name)
		require.Len(t, ing.OwnerReferences, 1)
		assert.Equal(t, "ResellerChallenge", ing.OwnerReferences[0].Kind)
		svc := e.seen.services[name]
		require.NotNil(t, svc, "the Service the Ingress routes to")
		assert.Equal(t, corev1.ServiceTypeExternalName, svc.Spec.Type)
		assert.Equal(t, "reseller-issuer-http01.reseller-issuer.svc.cluster.local", svc.Spec.ExternalName)
	}
}

// checkHTTPRoute: every http01 challenge had an HTTPRoute attached to the
// solver's Gateway listener.
func checkHTTPRoute(t *testing.T, e *dcvEnv) {
	e.seen.mu.Lock()
	defer e.seen.mu.Unlock()
	require.NotEmpty(t, e.seen.challenges)
	for name, ch := range e.seen.challenges {
		if ch.Spec.Method != v1alpha1.MethodHTTP01 {
			continue
		}
		route := e.seen.routes[name]
		require.NotNil(t, route, "an HTTPRoute for challenge %s", name)
		require.Len(t, route.Spec.ParentRefs, 1)
		ref := route.Spec.ParentRefs[0]
		assert.Equal(t, gatewayv1.ObjectName("public"), ref.Name)
		assert.Equal(t, gatewayv1.Namespace("gateways"), *ref.Namespace)
		assert.Equal(t, gatewayv1.SectionName("http"), *ref.SectionName)
		assert.Equal(t, []gatewayv1.Hostname{gatewayv1.Hostname(ch.Spec.DNSName)}, route.Spec.Hostnames)
		match := route.Spec.Rules[0].Matches[0]
		assert.Equal(t, ch.Spec.HTTP01.Path, *match.Path.Value)
		assert.Equal(t, gatewayv1.ObjectName(name), route.Spec.Rules[0].BackendRefs[0].Name)
		assert.Equal(t, "web", route.Labels["team"])
	}
}

// approveMails approves every open mail of the case's account once the
// sandbox sent one per name; it returns the mails approved.
func approveMails(t *testing.T, e *dcvEnv, want int) []mailbox.Mail {
	t.Helper()
	ctx := context.Background()
	filter := mailbox.Filter{Provider: e.provider, Account: e.account}
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		mails, err := e.s.Mails(ctx, filter)
		require.NoError(c, err)
		open := 0
		for _, m := range mails {
			if !m.Approved && !m.Void {
				open++
			}
		}
		assert.GreaterOrEqual(c, open, want)
	}, time.Minute, 500*time.Millisecond)
	approved, err := e.s.ApproveMails(ctx, filter)
	require.NoError(t, err)
	return approved
}

// waitForPerson waits until the request shows n challenges waiting for a
// person (manual or email).
func waitForPerson(t *testing.T, e *dcvEnv, n int) []v1alpha1.ResellerChallenge {
	t.Helper()
	state := v1alpha1.ChallengeWaitingForPerson
	var list v1alpha1.ResellerChallengeList
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		require.NoError(c, e.s.Control.Client.List(context.Background(), &list, client.InNamespace(e.ns)))
		got := 0
		for _, ch := range list.Items {
			if ch.Status.State == state {
				got++
			}
		}
		assert.Equal(c, n, got, "challenges in state %s", state)
	}, time.Minute, 500*time.Millisecond)
	return list.Items
}

// waitEvent waits for an Event with reason on a request of the case whose
// note contains fragment.
func waitEvent(t *testing.T, e *dcvEnv, reason, fragment string) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var evs eventsv1.EventList
		require.NoError(c, e.s.Control.Client.List(context.Background(), &evs, client.InNamespace(e.ns)))
		found := false
		for _, ev := range evs.Items {
			found = found || (ev.Reason == reason && strings.Contains(ev.Note, fragment))
		}
		assert.True(c, found, "an Event %s containing %q", reason, fragment)
	}, time.Minute, 500*time.Millisecond)
}

// requestOf returns the cert's CertificateRequest.
func requestOf(t *testing.T, e *dcvEnv) *cmapi.CertificateRequest {
	t.Helper()
	var out *cmapi.CertificateRequest
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var reqs cmapi.CertificateRequestList
		require.NoError(c, e.s.Control.Client.List(context.Background(), &reqs, client.InNamespace(e.ns)))
		for i := range reqs.Items {
			if strings.HasPrefix(reqs.Items[i].Name, e.cert.Name+"-") {
				out = &reqs.Items[i]
			}
		}
		assert.NotNil(c, out)
	}, time.Minute, 500*time.Millisecond)
	return out
}

// requireCleanedUp: no challenge, Ingress, HTTPRoute, solver Service or
// DNS record is left once the certificate is issued.
func requireCleanedUp(t *testing.T, e *dcvEnv) {
	t.Helper()
	ctx := context.Background()
	c := e.s.Control.Client
	require.EventuallyWithT(t, func(col *assert.CollectT) {
		var chs v1alpha1.ResellerChallengeList
		var ings networkingv1.IngressList
		var routes gatewayv1.HTTPRouteList
		var svcs corev1.ServiceList
		for _, l := range []client.ObjectList{&chs, &ings, &routes, &svcs} {
			require.NoError(col, c.List(ctx, l, client.InNamespace(e.ns)))
		}
		assert.Empty(col, chs.Items, "ResellerChallenges left")
		assert.Empty(col, ings.Items, "Ingresses left")
		assert.Empty(col, routes.Items, "HTTPRoutes left")
		assert.Empty(col, svcs.Items, "Services left")
		for _, ch := range e.seen.challengeList() {
			if ch.Spec.DNS01 == nil {
				continue
			}
			values, err := e.s.DNS.Lookup(ctx, ch.Spec.DNS01.Record, dnsType(ch.Spec.DNS01.Type))
			require.NoError(col, err)
			if ch.Spec.Solver == v1alpha1.SolverManual {
				continue // published by a person, theirs to remove
			}
			assert.Empty(col, values, "record %s left", ch.Spec.DNS01.Record)
		}
	}, time.Minute, 500*time.Millisecond)
}

func dnsType(t string) uint16 {
	if t == "CNAME" {
		return dns.TypeCNAME
	}
	return dns.TypeTXT
}

func compact(in []string) []string {
	var out []string
	for _, s := range in {
		if !containsString(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// publishByHand reads what to publish from `kubectl get
// resellerchallenges`, checks the condition and the Event say the same, and
// publishes the record with an RFC 2136 update, as a person with nsupdate
// would.
func publishByHand(t *testing.T, e *dcvEnv) {
	chs := waitForPerson(t, e, 1)
	ch := chs[0]
	require.NotNil(t, ch.Spec.DNS01)
	instruction := "publish " + ch.Spec.DNS01.Type + " record " + ch.Spec.DNS01.Record + " with value " + ch.Spec.DNS01.Value
	assert.Equal(t, instruction, ch.Status.Message)
	waitRequestMessage(t, e.s, e.ns, e.cert.Name, instruction)
	waitEvent(t, e, "ManualChallenge", instruction)

	out, err := exec.Command(filepath.Join(assetsDir(t), "kubectl"), "--kubeconfig", e.s.Control.KubeconfigPath,
		"get", "resellerchallenges", "-n", e.ns).CombinedOutput()
	require.NoError(t, err, "%s", out)
	t.Logf("kubectl get resellerchallenges -n %s:\n%s", e.ns, out)
	header := strings.Fields(strings.SplitN(string(out), "\n", 2)[0])
	assert.Equal(t, []string{"NAME", "DNS", "NAME", "METHOD", "SOLVER", "TARGET", "STATE", "LAST", "ERROR", "AGE"}, header)
	assert.Contains(t, string(out), ch.Spec.DNS01.Record+" "+ch.Spec.DNS01.Type+" "+ch.Spec.DNS01.Value)
	assert.Contains(t, string(out), "WaitingForPerson")

	person := &dns01.RFC2136{Nameserver: e.s.DNS.Addr(), TSIGKeyName: e.s.DNS.KeyName, TSIGSecret: e.s.DNS.Secret}
	require.NoError(t, person.Present(context.Background(), ca.Challenge{
		Name: ch.Spec.DNSName, Type: ca.DNS01, Record: ch.Spec.DNS01.Record, RecordType: ch.Spec.DNS01.Type, Content: ch.Spec.DNS01.Value,
	}))
}

// resendThenApprove: the challenges name the approvers; annotating the
// request resends the mails once; approving them issues.
func resendThenApprove(t *testing.T, e *dcvEnv) {
	chs := waitForPerson(t, e, len(e.cert.Spec.DNSNames))
	for _, ch := range chs {
		base := strings.TrimPrefix(ch.Spec.DNSName, "*.")
		assert.Contains(t, ch.Spec.Email, "hostmaster@"+base)
		assert.Len(t, ch.Spec.Email, 5)
	}
	waitEvent(t, e, "ApprovalEmail", "webmaster@")
	ctx := context.Background()
	filter := mailbox.Filter{Provider: e.provider, Account: e.account}
	before, err := e.s.Mails(ctx, filter)
	require.NoError(t, err)
	require.Len(t, before, len(e.cert.Spec.DNSNames), "one mail per name")

	req := requestOf(t, e)
	patch := client.MergeFrom(req.DeepCopy())
	if req.Annotations == nil {
		req.Annotations = map[string]string{}
	}
	req.Annotations[v1alpha1.AnnotationResendEmail] = "1"
	require.NoError(t, e.s.Control.Client.Patch(ctx, req, patch))
	waitEvent(t, e, "EmailResent", "send the approval emails again")
	after, err := e.s.Mails(ctx, filter)
	require.NoError(t, err)
	assert.Len(t, after, 2*len(e.cert.Spec.DNSNames), "resent once per name")
	approveMails(t, e, len(after))
}

// switchToDNS changes the issuer's solver from email to dns01 while the
// order waits for the approver.
func switchToDNS(t *testing.T, e *dcvEnv) {
	waitForPerson(t, e, 1)
	ctx := context.Background()
	mails := func() []mailbox.Mail {
		m, err := e.s.Mails(ctx, mailbox.Filter{Provider: e.provider, Account: e.account})
		require.NoError(t, err)
		return m
	}
	require.Len(t, mails(), 1)
	require.NoError(t, e.s.Control.Client.Get(ctx, client.ObjectKeyFromObject(e.issuer), e.issuer))
	e.issuer.Spec.DomainValidation = dns01Solvers(e.s)
	require.NoError(t, e.s.Control.Client.Update(ctx, e.issuer))
	waitCertificateReady(t, e.s, e.cert)
	m := mails()
	require.Len(t, m, 1)
	assert.False(t, m[0].Approved, "nobody approved")
	_, err := e.s.ApproveMail(ctx, m[0].ID)
	assert.Error(t, err, "the mail of the abandoned method is void")
}

// assetsDir is the folder holding kube-apiserver, etcd and kubectl.
func assetsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(framework.AssetsEnv)
	require.NotEmpty(t, dir, "$%s", framework.AssetsEnv)
	return dir
}

// waitRecordGone waits until the authoritative server no longer has name.
func waitRecordGone(t *testing.T, s *framework.Stack, name string, qtype uint16) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		values, err := s.DNS.Lookup(context.Background(), name, qtype)
		require.NoError(c, err)
		assert.Empty(c, values, "the validation record %s was removed", name)
	}, time.Minute, 500*time.Millisecond)
}
