package dns01

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	whapi "github.com/cert-manager/cert-manager/pkg/acme/webhook/apis/acme/v1alpha1"
	webhookslv "github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/dcv"
)

// seen is what a local API server was sent.
type seen struct {
	mu   sync.Mutex
	reqs []string // "METHOD path body"
	hdrs []http.Header
}

func (s *seen) add(r *http.Request) string {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, r.Method+" "+r.URL.Path+" "+string(body))
	s.hdrs = append(s.hdrs, r.Header.Clone())
	return string(body)
}

func (s *seen) all() ([]string, []http.Header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...), append([]http.Header(nil), s.hdrs...)
}

var wildcard = ca.Challenge{Name: "*.example.com", Type: ca.DNS01, Record: "_acme-challenge.example.com", RecordType: "TXT", Content: "val-123"}

func secretWith(key, value string) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns1", Name: "creds"}, Data: map[string][]byte{key: []byte(value)}}
}

// acmeDNS, cert-manager's provider, pointed at a local acme-dns API.
func TestAcmeDNSPresentsToLocalServer(t *testing.T) {
	var got seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.add(r)
		_, _ = w.Write([]byte(`{"txt":"val-123"}`))
	}))
	defer srv.Close()
	account := `{"example.com":{"fulldomain":"d420c923.auth.example.org","subdomain":"d420c923","username":"u-1","password":"p-1","server_url":"` + srv.URL + `"}}`
	b := &Builder{Reader: fake.NewClientBuilder().WithObjects(secretWith("acmedns.json", account)).Build()}
	s, err := b.Build(context.Background(), Target{Namespace: "ns1", Path: path}, block(t, `acmeDNS: {host: "`+srv.URL+`", accountSecretRef: {name: creds, key: acmedns.json}}`))
	require.NoError(t, err)

	require.NoError(t, s.Present(context.Background(), wildcard))
	reqs, hdrs := got.all()
	require.Len(t, reqs, 1)
	assert.Equal(t, `POST /update {"subdomain":"d420c923","txt":"val-123"}`, strings.TrimSpace(reqs[0]))
	assert.Equal(t, "u-1", hdrs[0].Get("X-Api-User"))
	assert.Equal(t, "p-1", hdrs[0].Get("X-Api-Key"))

	// A domain the account does not cover is an error naming the provider.
	other := wildcard
	other.Name = "other.example.net"
	err = s.Present(context.Background(), other)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "acmeDNS: adding TXT _acme-challenge.example.com")
}

// route53, cert-manager's provider (AWS SDK), pointed at a local Route 53
// API through the SDK's endpoint variable.
func TestRoute53PresentsToLocalServer(t *testing.T) {
	var got seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.add(r)
		w.Header().Set("Content-Type", "text/xml")
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, `<?xml version="1.0"?><GetChangeResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeInfo><Id>/change/C1</Id><Status>INSYNC</Status><SubmittedAt>2026-01-01T00:00:00Z</SubmittedAt></ChangeInfo></GetChangeResponse>`)
			return
		}
		_, _ = io.WriteString(w, `<?xml version="1.0"?><ChangeResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status><SubmittedAt>2026-01-01T00:00:00Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>`)
	}))
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL_ROUTE_53", srv.URL)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")

	b := &Builder{Reader: fake.NewClientBuilder().WithObjects(secretWith("secret", "wJalrXUtnFEMI")).Build()}
	s, err := b.Build(context.Background(), Target{Namespace: "ns1", Path: path}, block(t,
		`route53: {region: us-east-1, hostedZoneID: Z123, accessKeyID: AKIDEXAMPLE, secretAccessKeySecretRef: {name: creds, key: secret}}`))
	require.NoError(t, err)
	require.NoError(t, s.Present(context.Background(), wildcard))
	require.NoError(t, s.CleanUp(context.Background(), wildcard))

	reqs, hdrs := got.all()
	require.Len(t, reqs, 4, "change, change status; twice: %v", reqs)
	for i, action := range []string{"UPSERT", "DELETE"} {
		change, status := reqs[2*i], reqs[2*i+1]
		assert.True(t, strings.HasPrefix(change, "POST /2013-04-01/hostedzone/Z123/rrset"), change)
		for _, want := range []string{"<Action>" + action + "</Action>", "<Name>_acme-challenge.example.com.</Name>", "<Type>TXT</Type>", `<Value>&#34;val-123&#34;</Value>`} {
			assert.Contains(t, change, want)
		}
		assert.Contains(t, hdrs[2*i].Get("Authorization"), "Credential=AKIDEXAMPLE/", "signed with the key from the block")
		assert.Equal(t, "GET /2013-04-01/change/C1 ", status)
	}
}

// webhook: cert-manager's webhook client, pointed at a local server on the
// API paths a webhook solver serves behind the aggregation layer.
func TestWebhookClientAgainstLocalServer(t *testing.T) {
	dnsSrv := startFake(t) // answers the SOA of example.com
	var got seen
	var failWith string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := got.add(r)
		in := whapi.ChallengePayload{}
		if err := json.Unmarshal([]byte(body), &in); err != nil || in.Request == nil {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		out := whapi.ChallengePayload{TypeMeta: in.TypeMeta, Response: &whapi.ChallengeResponse{UID: in.Request.UID, Success: failWith == ""}}
		if failWith != "" {
			out.Response.Result = &metav1.Status{Status: metav1.StatusFailure, Message: failWith}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	}))
	defer srv.Close()

	hook := &webhookslv.Webhook{}
	require.NoError(t, hook.Initialize(&rest.Config{Host: srv.URL}, nil))
	b := &Builder{Reader: fake.NewClientBuilder().Build(), Webhook: hook, Options: Options{Nameservers: []string{dnsSrv.addr}, RecursiveOnly: true}}
	s, err := b.Build(context.Background(), Target{Namespace: "ns1", Path: path}, block(t,
		`webhook: {groupName: acme.example.com, solverName: knot, config: {nameserver: "127.0.0.1:53", tsigSecretSecretRef: {name: tsig, key: secret}}}`))
	require.NoError(t, err)
	assert.False(t, s.CNAMEs)

	require.NoError(t, s.Present(context.Background(), wildcard))
	require.NoError(t, s.CleanUp(context.Background(), wildcard))
	reqs, _ := got.all()
	require.Len(t, reqs, 2)
	for i, action := range []whapi.ChallengeAction{whapi.ChallengeActionPresent, whapi.ChallengeActionCleanUp} {
		method, rest, _ := strings.Cut(reqs[i], " ")
		p, body, _ := strings.Cut(rest, " ")
		assert.Equal(t, "POST", method)
		assert.Equal(t, "/apis/acme.example.com/v1alpha1/knot", p)
		var pl whapi.ChallengePayload
		require.NoError(t, json.Unmarshal([]byte(body), &pl))
		r := pl.Request
		assert.Equal(t, action, r.Action)
		assert.Equal(t, "dns-01", r.Type)
		assert.Equal(t, "example.com", r.DNSName)
		assert.Equal(t, "val-123", r.Key)
		assert.Equal(t, "ns1", r.ResourceNamespace)
		assert.Equal(t, "_acme-challenge.example.com.", r.ResolvedFQDN)
		assert.Equal(t, "example.com.", r.ResolvedZone)
		assert.False(t, r.AllowAmbientCredentials)
		assert.JSONEq(t, `{"nameserver":"127.0.0.1:53","tsigSecretSecretRef":{"name":"tsig","key":"secret"}}`, string(r.Config.Raw), "only the block's config is sent on")
	}

	failWith = "zone example.com is not mine"
	err = s.Present(context.Background(), wildcard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "webhook solver knot of acme.example.com (POST /apis/acme.example.com/v1alpha1/knot): zone example.com is not mine")

	// A CNAME is refused before anything is sent.
	cname := wildcard
	cname.RecordType, cname.Content = "CNAME", "x.dcv.example.net"
	before, _ := got.all()
	require.Error(t, s.Present(context.Background(), cname))
	after, _ := got.all()
	assert.Equal(t, len(before), len(after))
}

// The propagation check asks the configured nameservers (recursive-only)
// for the exact value, and says where it looked.
func TestCheckerRecursiveOnly(t *testing.T) {
	dnsSrv := startFake(t) // serves TXT _acme-challenge.example.com "other" and "served-in-two-parts"
	s := &Solver{Provider: "rfc2136", Checker: Checker{Nameservers: []string{dnsSrv.addr}, RecursiveOnly: true}}

	ch := wildcard
	ch.Content = "served-in-two-parts"
	ok, err := s.Ready(context.Background(), ch)
	require.NoError(t, err)
	assert.True(t, ok)

	ch.Content = "not-there-yet"
	ok, err = s.Ready(context.Background(), ch)
	assert.False(t, ok)
	var nv *dcv.NotVisibleError
	require.ErrorAs(t, err, &nv)
	assert.Equal(t, "published; waiting until TXT _acme-challenge.example.com can be seen on the nameservers "+dnsSrv.addr+" (--dns01-recursive-nameservers-only)", err.Error())

	assert.Equal(t, "on every authoritative nameserver of its zone (found through 127.0.0.53:53)", Checker{Nameservers: []string{"127.0.0.53:53"}}.Where())
}
