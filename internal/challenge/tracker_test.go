package challenge

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv"
)

func newScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	require.NoError(t, clientgoscheme.AddToScheme(s))
	require.NoError(t, cmapi.AddToScheme(s))
	require.NoError(t, v1alpha1.AddToScheme(s))
	return s
}

// presenter is a fake DNS and HTTP presenter.
type presenter struct {
	ready   bool
	err     error
	present []string
}

func (p *presenter) Present(_ context.Context, ch ca.Challenge) error {
	p.present = append(p.present, ch.Name)
	return p.err
}
func (p *presenter) Ready(context.Context, ca.Challenge) (bool, error) { return p.ready, p.err }
func (p *presenter) CleanUp(context.Context, ca.Challenge) error       { return nil }

// routes records the challenges it routes and removes.
type routes struct{ present, cleanUp []string }

func (r *routes) Present(_ context.Context, ch *v1alpha1.ResellerChallenge, _ *v1alpha1.HTTP01Solver) error {
	r.present = append(r.present, ch.Name)
	return nil
}

func (r *routes) CleanUp(_ context.Context, ch *v1alpha1.ResellerChallenge) error {
	r.cleanUp = append(r.cleanUp, ch.Name)
	return nil
}

var (
	httpCh  = ca.Challenge{Name: "www.example.com", Type: ca.HTTP01, Path: "/.well-known/pki-validation/fileauth.txt", Content: "token"}
	dnsCh   = ca.Challenge{Name: "*.example.com", Type: ca.DNS01, Record: "_dnsauth.example.com", RecordType: "TXT", Content: "token"}
	emailCh = ca.Challenge{Name: "mail.example.com", Type: ca.Email, Content: "admin@example.com, hostmaster@example.com"}
)

type fixture struct {
	client  client.Client
	tracker *Tracker
	events  *events.FakeRecorder
	http    *presenter
	dns     *presenter
	routes  *routes
}

func newFixture(t *testing.T, solvers ...v1alpha1.Solver) *fixture {
	t.Helper()
	cr := &cmapi.CertificateRequest{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "app", UID: types.UID("uid-1")}}
	c := fake.NewClientBuilder().WithScheme(newScheme(t)).WithObjects(cr).
		WithStatusSubresource(&v1alpha1.ResellerChallenge{}).Build()
	f := &fixture{client: c, events: events.NewFakeRecorder(20), http: &presenter{ready: true}, dns: &presenter{ready: true}, routes: &routes{}}
	f.tracker = &Tracker{
		Client: c, Reader: c,
		Router: &dcv.Router{Solvers: solvers, HTTP: f.http, DNS: func(string, *v1alpha1.DNS01Solver) (dcv.DNSPresenter, error) { return f.dns, nil }},
		Routes: f.routes, Events: f.events, Request: cr,
		Issuer:    v1alpha1.IssuerReference{Kind: "ResellerIssuer", Name: "sslci", SecretNamespace: "app"},
		Namespace: "app",
		Now:       func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
	}
	return f
}

func (f *fixture) get(t *testing.T, ch ca.Challenge) *v1alpha1.ResellerChallenge {
	t.Helper()
	obj := &v1alpha1.ResellerChallenge{}
	require.NoError(t, f.client.Get(context.Background(), types.NamespacedName{Namespace: "app", Name: ObjectName("web-1", "uid-1", ch)}, obj))
	return obj
}

func (f *fixture) drain() []string {
	var out []string
	for {
		select {
		case e := <-f.events.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

var (
	ingress = v1alpha1.Solver{
		Selector: &v1alpha1.Selector{DNSZones: []string{"www.example.com"}},
		HTTP01:   &v1alpha1.HTTP01Solver{Ingress: &v1alpha1.HTTP01Ingress{}},
	}
	rfc2136 = v1alpha1.Solver{
		Selector: &v1alpha1.Selector{DNSZones: []string{"example.com"}},
		DNS01: &v1alpha1.DNS01Solver{ACMEChallengeSolverDNS01: cmacme.ACMEChallengeSolverDNS01{
			RFC2136: &cmacme.ACMEIssuerDNS01ProviderRFC2136{Nameserver: "ns.example.com:53"},
		}},
	}
)

// The built-in responder serves from the ResellerOrder: its challenges are
// not recorded again, and nothing needs cleaning up.
func TestBuiltInResponderNotRecorded(t *testing.T) {
	plain := v1alpha1.Solver{HTTP01: &v1alpha1.HTTP01Solver{}}
	tests := []struct {
		name    string
		solvers []v1alpha1.Solver
	}{
		{name: "no solvers"},
		{name: "an http01 solver without Ingress or HTTPRoute", solvers: []v1alpha1.Solver{plain}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.solvers...)
			f.http.ready = true
			require.NoError(t, f.tracker.Present(context.Background(), httpCh))
			ready, err := f.tracker.Ready(context.Background(), httpCh)
			require.NoError(t, err)
			assert.True(t, ready)
			var list v1alpha1.ResellerChallengeList
			require.NoError(t, f.client.List(context.Background(), &list))
			assert.Empty(t, list.Items)
			assert.Empty(t, f.drain())
		})
	}
}

func TestPresentRecords(t *testing.T) {
	tests := []struct {
		name      string
		solvers   []v1alpha1.Solver
		ch        ca.Challenge
		httpReady bool
		dnsReady  bool
		dnsErr    error

		solver, method, target, state string
		publisher                     bool
		routed                        bool
		event                         string
		presentErr                    bool
	}{
		{
			name: "http01 with an ingress", solvers: []v1alpha1.Solver{ingress, rfc2136}, ch: httpCh, httpReady: true,
			solver: "http01", method: "HTTP-01", target: "http://www.example.com/.well-known/pki-validation/fileauth.txt",
			state: "Presented", publisher: true, routed: true,
		},
		{
			name: "dns01 not yet visible", solvers: []v1alpha1.Solver{ingress, rfc2136}, ch: dnsCh,
			solver: "dns01", method: "DNS-01", target: "_dnsauth.example.com TXT token", state: "Propagating", publisher: true,
		},
		{
			name: "dns01 failing", solvers: []v1alpha1.Solver{rfc2136}, ch: dnsCh, dnsErr: errors.New("REFUSED"),
			solver: "dns01", method: "DNS-01", target: "_dnsauth.example.com TXT token", state: "Errored", publisher: true,
			event: "ChallengeError", presentErr: true,
		},
		{
			name: "manual dns", solvers: []v1alpha1.Solver{ingress}, ch: dnsCh,
			solver: "manual", method: "DNS-01", target: "_dnsauth.example.com TXT token", state: "WaitingForPerson",
			event: "ManualChallenge publish TXT record _dnsauth.example.com with value token",
		},
		{
			name: "email", ch: emailCh,
			solver: "email", method: "Email", target: "mail to admin@example.com, hostmaster@example.com", state: "WaitingForPerson",
			event: "ApprovalEmail approve the validation email for mail.example.com sent to admin@example.com, hostmaster@example.com",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.solvers...)
			f.http.ready, f.dns.ready, f.dns.err = tc.httpReady, tc.dnsReady, tc.dnsErr
			err := f.tracker.Present(context.Background(), tc.ch)
			if tc.presentErr {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			obj := f.get(t, tc.ch)
			assert.Equal(t, tc.solver, obj.Spec.Solver)
			assert.Equal(t, tc.method, obj.Spec.Method)
			assert.Equal(t, tc.target, obj.Spec.Target)
			assert.Equal(t, tc.state, obj.Status.State)
			assert.Equal(t, tc.publisher, obj.Spec.Publisher != nil, "publisher recorded")
			assert.Equal(t, "uid-1", obj.Labels[LabelRequestUID])
			// Only what is published outside needs removing first.
			assert.Equal(t, tc.publisher, slices.Contains(obj.Finalizers, Finalizer), "finalizer")
			require.Len(t, obj.OwnerReferences, 1)
			assert.Equal(t, "CertificateRequest", obj.OwnerReferences[0].Kind)
			assert.Equal(t, types.UID("uid-1"), obj.OwnerReferences[0].UID)
			assert.Equal(t, v1alpha1.RequestReference{Group: "cert-manager.io", Kind: "CertificateRequest", Name: "web-1", Namespace: "app", UID: "uid-1"}, obj.Spec.RequestRef)
			assert.Equal(t, tc.routed, len(f.routes.present) == 1, "routes created: %v", f.routes.present)
			evs := f.drain()
			if tc.event == "" {
				assert.Empty(t, evs)
			} else {
				require.Len(t, evs, 1)
				assert.Contains(t, evs[0], tc.event)
			}
			// A second Present changes nothing and tells nobody again.
			_ = f.tracker.Present(context.Background(), tc.ch)
			assert.Empty(t, f.drain())
			list := &v1alpha1.ResellerChallengeList{}
			require.NoError(t, f.client.List(context.Background(), list))
			assert.Len(t, list.Items, 1)
		})
	}
}

func TestReadyUpdatesState(t *testing.T) {
	f := newFixture(t, rfc2136)
	f.dns.ready = false
	ctx := context.Background()
	require.NoError(t, f.tracker.Present(ctx, dnsCh))
	assert.Equal(t, "Propagating", f.get(t, dnsCh).Status.State)
	f.dns.ready = true
	ready, err := f.tracker.Ready(ctx, dnsCh)
	require.NoError(t, err)
	assert.True(t, ready)
	assert.Equal(t, "Presented", f.get(t, dnsCh).Status.State)
}

func TestFinish(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		done bool
		// verified names are closed
		verified []string
		want     []string // challenges left, by DNS name
	}{
		{name: "all open", want: []string{"*.example.com", "www.example.com"}},
		{name: "one verified", verified: []string{"www.example.com"}, want: []string{"*.example.com"}},
		{name: "done", done: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, ingress, rfc2136)
			f.dns.ready = true
			st := ca.NewState("sslci", time.Now())
			for _, ch := range []ca.Challenge{httpCh, dnsCh} {
				require.NoError(t, f.tracker.Present(ctx, ch))
				n := st.Name(ch.Name)
				c := ch
				n.Challenge = &c
			}
			for _, v := range tc.verified {
				st.Name(v).Verified = true
			}
			st.Name("*.example.com").LastError = "TXT record not found"
			require.NoError(t, f.tracker.Finish(ctx, st, tc.done))
			list := &v1alpha1.ResellerChallengeList{}
			require.NoError(t, f.client.List(ctx, list))
			var left []string
			for _, c := range list.Items {
				// The fake client keeps objects with a finalizer, marked.
				if c.DeletionTimestamp.IsZero() {
					left = append(left, c.Spec.DNSName)
					if c.Spec.DNSName == "*.example.com" {
						assert.Equal(t, "TXT record not found", c.Status.LastError)
					}
				}
			}
			assert.ElementsMatch(t, tc.want, left)
		})
	}
}

func TestObjectName(t *testing.T) {
	a := ObjectName("web-1", "uid", httpCh)
	assert.Equal(t, a, ObjectName("web-1", "uid", httpCh), "stable")
	changed := httpCh
	changed.Content = "other"
	assert.NotEqual(t, a, ObjectName("web-1", "uid", changed), "a changed challenge is a new object")
	assert.NotEqual(t, a, ObjectName("web-1", "uid2", httpCh), "another request")
	for _, req := range []string{"web-1", "1.2.3", strings.Repeat("very-long-name.", 10), "Web_Server"} {
		n := ObjectName(req, "uid", httpCh)
		assert.LessOrEqual(t, len(n), 63, n)
		assert.Regexp(t, `^[a-z]([-a-z0-9]*[a-z0-9])?$`, n)
	}
}

// Each solver kind is named for the resellers by its challenge type; a name
// no solver selects gets the zero Method (the provider block decides).
func TestMethod(t *testing.T) {
	f := newFixture(t,
		v1alpha1.Solver{Selector: &v1alpha1.Selector{DNSNames: []string{"http.example.com"}}, HTTP01: &v1alpha1.HTTP01Solver{}},
		v1alpha1.Solver{Selector: &v1alpha1.Selector{DNSNames: []string{"dns.example.com"}}, DNS01: rfc2136.DNS01},
		v1alpha1.Solver{Selector: &v1alpha1.Selector{DNSNames: []string{"mail.example.com"}}, Email: &v1alpha1.EmailSolver{Approvers: []v1alpha1.Email{"ops@example.com"}}},
		v1alpha1.Solver{Selector: &v1alpha1.Selector{DNSNames: []string{"mail2.example.com"}}, Email: &v1alpha1.EmailSolver{}},
	)
	tests := map[string]ca.Method{
		"http.example.com":  {Type: ca.HTTP01},
		"dns.example.com":   {Type: ca.DNS01},
		"mail.example.com":  {Type: ca.Email, Approver: "ops@example.com"},
		"mail2.example.com": {Type: ca.Email},
		"none.example.com":  {},
	}
	for name, want := range tests {
		assert.Equal(t, want, f.tracker.Method(name), name)
	}
}
