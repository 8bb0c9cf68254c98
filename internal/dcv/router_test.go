package dcv

import (
	"context"
	"errors"
	"strings"
	"testing"

	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv/http01"
)

var (
	_ ca.Presenter = (*http01.Responder)(nil)
)

// fake records the calls it receives, prefixed with its name.
type fake struct {
	name  string
	calls *[]string
	ready bool
	err   error
}

func (f *fake) record(op string, ch ca.Challenge) {
	*f.calls = append(*f.calls, f.name+" "+op+" "+ch.Name)
}

func (f *fake) Present(_ context.Context, ch ca.Challenge) error {
	f.record("present", ch)
	return f.err
}

func (f *fake) Ready(_ context.Context, ch ca.Challenge) (bool, error) {
	f.record("ready", ch)
	return f.ready, f.err
}

func (f *fake) CleanUp(_ context.Context, ch ca.Challenge) error {
	f.record("cleanup", ch)
	return f.err
}

var (
	httpCh  = ca.Challenge{Name: "a.example.com", Type: ca.HTTP01, Path: "/.well-known/pki-validation/x.txt", Content: "token"}
	dnsCh   = ca.Challenge{Name: "a.example.com", Type: ca.DNS01, Record: "_dnsauth.a.example.com", RecordType: "TXT", Content: "token"}
	emailCh = ca.Challenge{Name: "a.example.com", Type: ca.Email, Content: "admin@example.com, hostmaster@example.com"}
)

const (
	httpManual  = "serve token at http://a.example.com/.well-known/pki-validation/x.txt"
	dnsManual   = "publish TXT record _dnsauth.a.example.com with value token"
	emailManual = "approve the validation email for a.example.com sent to admin@example.com, hostmaster@example.com"
)

func dnsSolver(sel *v1alpha1.Selector, nameserver string) v1alpha1.Solver {
	return v1alpha1.Solver{Selector: sel, DNS01: &v1alpha1.DNS01Solver{ACMEChallengeSolverDNS01: cmacme.ACMEChallengeSolverDNS01{
		RFC2136: &cmacme.ACMEIssuerDNS01ProviderRFC2136{Nameserver: nameserver},
	}}}
}

// newRouter returns a router whose DNS presenters are named after the
// nameserver of their rfc2136 block.
func newRouter(calls *[]string, solvers ...v1alpha1.Solver) *Router {
	return &Router{
		Solvers: solvers,
		HTTP:    &fake{name: "http", calls: calls, ready: true},
		DNS: func(path string, cfg *v1alpha1.DNS01Solver) (DNSPresenter, error) {
			if cfg.RFC2136 == nil {
				return &fake{name: "dns:" + ProviderName(cfg) + ":" + path, calls: calls, ready: true}, nil
			}
			return &fake{name: "dns:" + cfg.RFC2136.Nameserver, calls: calls, ready: true}, nil
		},
	}
}

func TestRouter(t *testing.T) {
	email := v1alpha1.Solver{Email: &v1alpha1.EmailSolver{}}
	tests := []struct {
		name    string
		solvers []v1alpha1.Solver
		ch      ca.Challenge
		want    string // the presenter called, or "" for manual
		manual  string // the manual message
	}{
		{name: "http without solvers goes to the responder", ch: httpCh, want: "http"},
		{name: "dns without solvers is manual", ch: dnsCh, manual: dnsManual},
		{
			name:    "http to http01 solver",
			solvers: []v1alpha1.Solver{solver(nil)},
			ch:      httpCh, want: "http",
		},
		{
			name:    "dns to the selected dns01 solver",
			solvers: []v1alpha1.Solver{dnsSolver(nil, "ns0:53"), dnsSolver(zones("example.com"), "ns1:53"), solver(names("b.example.com"))},
			ch:      dnsCh, want: "dns:ns1:53",
		},
		{
			name:    "dns selected to http01 solver is manual",
			solvers: []v1alpha1.Solver{dnsSolver(nil, "ns0:53"), solver(names("a.example.com"))},
			ch:      dnsCh, manual: dnsManual,
		},
		{
			name:    "http selected to dns01 solver is manual",
			solvers: []v1alpha1.Solver{solver(nil), dnsSolver(zones("example.com"), "ns1:53")},
			ch:      httpCh, manual: httpManual,
		},
		{
			name:    "http selected to email solver is manual",
			solvers: []v1alpha1.Solver{email},
			ch:      httpCh, manual: httpManual,
		},
		{
			name:    "email with an email solver waits for the approver",
			solvers: []v1alpha1.Solver{email},
			ch:      emailCh, manual: emailManual,
		},
		{
			name: "email without solvers waits for the approver",
			ch:   emailCh, manual: emailManual,
		},
		{
			name:    "http with no matching solver is manual",
			solvers: []v1alpha1.Solver{solver(zones("other.com"))},
			ch:      httpCh, manual: httpManual,
		},
		{
			name:    "dns with no matching solver is manual",
			solvers: []v1alpha1.Solver{dnsSolver(zones("other.com"), "ns1:53")},
			ch:      dnsCh, manual: dnsManual,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			var calls []string
			r := newRouter(&calls, tt.solvers...)

			if err := r.Present(ctx, tt.ch); err != nil {
				t.Fatalf("Present: %v", err)
			}
			ready, err := r.Ready(ctx, tt.ch)
			if err := r.CleanUp(ctx, tt.ch); err != nil {
				t.Fatalf("CleanUp: %v", err)
			}

			if tt.want == "" {
				var me *ManualError
				if ready || !errors.As(err, &me) {
					t.Fatalf("Ready = %v, %v; want false, *ManualError", ready, err)
				}
				if err.Error() != tt.manual {
					t.Errorf("manual message = %q, want %q", err, tt.manual)
				}
				if me.Challenge != tt.ch || me.Reason == "" {
					t.Errorf("ManualError = %+v", me)
				}
				if len(calls) != 0 {
					t.Errorf("manual challenge called presenters: %q", calls)
				}
				return
			}
			if err != nil || !ready {
				t.Fatalf("Ready = %v, %v; want true, nil", ready, err)
			}
			want := []string{tt.want + " present a.example.com", tt.want + " ready a.example.com"}
			if tt.ch.Type == ca.DNS01 {
				want = append(want, tt.want+" cleanup a.example.com")
			}
			if strings.Join(calls, "\n") != strings.Join(want, "\n") {
				t.Errorf("calls = %q, want %q", calls, want)
			}
		})
	}
}

func TestRouterErrors(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")

	t.Run("presenter errors are returned", func(t *testing.T) {
		var calls []string
		r := &Router{
			Solvers: []v1alpha1.Solver{dnsSolver(nil, "ns:53")},
			DNS: func(string, *v1alpha1.DNS01Solver) (DNSPresenter, error) {
				return &fake{name: "dns", calls: &calls, err: boom}, nil
			},
		}
		if err := r.Present(ctx, dnsCh); !errors.Is(err, boom) {
			t.Errorf("Present = %v", err)
		}
		if _, err := r.Ready(ctx, dnsCh); !errors.Is(err, boom) {
			t.Errorf("Ready = %v", err)
		}
		if err := r.CleanUp(ctx, dnsCh); !errors.Is(err, boom) {
			t.Errorf("CleanUp = %v", err)
		}
	})
	t.Run("DNS presenter construction error", func(t *testing.T) {
		r := &Router{
			Solvers: []v1alpha1.Solver{dnsSolver(nil, "ns:53")},
			DNS:     func(string, *v1alpha1.DNS01Solver) (DNSPresenter, error) { return nil, boom },
		}
		if err := r.Present(ctx, dnsCh); !errors.Is(err, boom) {
			t.Errorf("Present = %v", err)
		}
		if err := r.CleanUp(ctx, dnsCh); !errors.Is(err, boom) {
			t.Errorf("CleanUp = %v", err)
		}
	})
	t.Run("dns01 solver without provider", func(t *testing.T) {
		var calls []string
		r := newRouter(&calls, v1alpha1.Solver{DNS01: &v1alpha1.DNS01Solver{}})
		if err := r.Present(ctx, dnsCh); err == nil {
			t.Error("Present succeeded")
		}
	})
	t.Run("no DNS factory", func(t *testing.T) {
		r := &Router{Solvers: []v1alpha1.Solver{dnsSolver(nil, "ns:53")}}
		if err := r.Present(ctx, dnsCh); err == nil {
			t.Error("Present succeeded")
		}
	})
	t.Run("no HTTP presenter", func(t *testing.T) {
		r := &Router{}
		if err := r.Present(ctx, httpCh); err == nil {
			t.Error("Present succeeded")
		}
	})
	t.Run("unknown challenge type", func(t *testing.T) {
		var calls []string
		r := newRouter(&calls)
		ch := httpCh
		ch.Type = "tls-alpn-01"
		if err := r.Present(ctx, ch); err == nil {
			t.Error("Present succeeded")
		}
		if len(calls) != 0 {
			t.Errorf("calls = %q", calls)
		}
	})
}

func TestRouterLabels(t *testing.T) {
	var calls []string
	r := newRouter(&calls,
		solver(nil),
		dnsSolver(&v1alpha1.Selector{MatchLabels: map[string]string{"dns": "yes"}}, "ns:53"),
	)
	ctx := context.Background()
	if _, err := r.Ready(ctx, dnsCh); err == nil {
		t.Fatal("unlabelled DNS challenge was not manual")
	}
	r.Labels = map[string]string{"dns": "yes"}
	if ready, err := r.Ready(ctx, dnsCh); err != nil || !ready {
		t.Fatalf("Ready = %v, %v", ready, err)
	}
	if want := []string{"dns:ns:53 ready a.example.com"}; strings.Join(calls, ",") != strings.Join(want, ",") {
		t.Errorf("calls = %q, want %q", calls, want)
	}
}

func TestCheckWildcards(t *testing.T) {
	team := map[string]string{"team": "a"}
	tests := []struct {
		name    string
		solvers []v1alpha1.Solver
		labels  map[string]string
		names   []string
		bad     []string // names the error must mention
	}{
		{name: "no solvers", names: []string{"*.example.com", "example.com"}},
		{name: "no wildcard", solvers: []v1alpha1.Solver{solver(nil)}, names: []string{"example.com", "a.example.com"}},
		{
			name:    "wildcard to http01",
			solvers: []v1alpha1.Solver{solver(nil)},
			names:   []string{"example.com", "*.example.com", "*.other.com"},
			bad:     []string{"*.example.com", "*.other.com"},
		},
		{
			name:    "wildcard to dns01",
			solvers: []v1alpha1.Solver{solver(nil), dnsSolver(zones("example.com"), "ns:53")},
			names:   []string{"example.com", "*.example.com"},
		},
		{
			name:    "wildcard selected by labels",
			solvers: []v1alpha1.Solver{dnsSolver(nil, "ns:53"), solver(&v1alpha1.Selector{MatchLabels: team})},
			labels:  team,
			names:   []string{"*.example.com"},
			bad:     []string{"*.example.com"},
		},
		{
			name:    "wildcard matching nothing",
			solvers: []v1alpha1.Solver{solver(zones("other.com"))},
			names:   []string{"*.example.com"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckWildcards(tt.solvers, tt.labels, tt.names)
			if len(tt.bad) == 0 {
				if err != nil {
					t.Fatalf("CheckWildcards = %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("CheckWildcards succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, "wildcard names can only be validated by dns01") {
				t.Errorf("error %q does not explain", msg)
			}
			for _, n := range tt.bad {
				if !strings.Contains(msg, n) {
					t.Errorf("error %q does not name %s", msg, n)
				}
			}
			if lines := strings.Split(msg, "\n"); len(lines) != len(tt.bad) {
				t.Errorf("error %q has %d lines, want one per bad name", msg, len(lines))
			}
		})
	}
}
