package sslmarket_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/catest"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
	sandbox "github.com/reseller-issuer/reseller-issuer/internal/sandbox/sslmarket"
)

const (
	flowToken   = "flow-token"
	flowAccount = "acme"
	flowMount   = "/sslmarket/api"
	// paidCallBound makes an unanswered claim stale after a minute.
	paidCallBound = 40 * time.Second
	staleAfter    = time.Minute
)

// presenter records what the flow presented; catest.ChallengeServer serves
// the journal's open HTTP challenges, like the responder. methods, when
// set, names the Issuer's solver per name.
type presenter struct {
	mu        sync.Mutex
	presented []ca.Challenge
	methods   func(name string) ca.Method
}

func (p *presenter) Method(name string) ca.Method {
	if p.methods == nil {
		return ca.Method{}
	}
	return p.methods(name)
}

func (p *presenter) Present(_ context.Context, ch ca.Challenge) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.presented = append(p.presented, ch)
	return nil
}

func (p *presenter) Ready(context.Context, ca.Challenge) (bool, error) { return true, nil }

type flowFixture struct {
	sb        *sandbox.Server
	mail      *mailbox.Mailbox
	journal   *catest.Journal
	presenter *presenter
	now       time.Time
	r         *sslmarket.Reseller
	flow      *order.Protocol
	apiURL    string
}

func contacts() sslmarket.Contacts {
	return sslmarket.Contacts{
		OwnerName: "Acme s.r.o.", OwnerStreet: "Main 1", OwnerCity: "Praha", OwnerZip: "11000", OwnerCountry: "CZ", OwnerTel: "+420.123456789",
		AuthTitle: "Mr", AuthFirstname: "Jan", AuthLastname: "Novak", AuthTel: "+420.123456789", AuthEmail: "jan@example.com",
		TechTitle: "Ms", TechFirstname: "Eva", TechLastname: "Novakova", TechEmail: "eva@example.com", TechTel: "+420.123456789",
		InvoiceName: "Acme s.r.o.", InvoiceStreet: "Main 1", InvoiceCity: "Praha", InvoiceZip: "11000", InvoiceCountry: "CZ", InvoiceEmail: "billing@example.com",
	}
}

func newFlowFixture(t *testing.T) *flowFixture {
	t.Helper()
	f := &flowFixture{journal: &catest.Journal{}, presenter: &presenter{}, now: time.Now()}
	fs := httptest.NewServer(catest.ChallengeServer{Journal: f.journal})
	t.Cleanup(fs.Close)
	auth, err := authority.New()
	require.NoError(t, err)
	f.mail = mailbox.New(time.Now)
	f.sb = sandbox.New(apienv.Config{
		Accounts:      map[string]string{flowToken: flowAccount},
		Authority:     auth,
		HTTP01Address: strings.TrimPrefix(fs.URL, "http://"),
		Mailbox:       f.mail,
	})
	mux := http.NewServeMux()
	mux.Handle(flowMount+"/", http.StripPrefix(flowMount, f.sb))
	api := httptest.NewServer(mux)
	t.Cleanup(api.Close)
	f.apiURL = api.URL + flowMount
	client, err := sslmarket.New(f.apiURL, flowToken)
	require.NoError(t, err)
	f.r = &sslmarket.Reseller{
		Client:       client,
		ProductCode:  "rapidssl-rapidssl-dv",
		Years:        1,
		DVAuthMethod: sslmarket.DVAuthFile,
		Contacts:     contacts(),
		Publisher:    f.presenter,
		Now:          func() time.Time { return f.now },
	}
	f.flow = &order.Protocol{Reseller: f.r, Now: func() time.Time { return f.now }, PaidCallBound: paidCallBound}
	return f
}

func (f *flowFixture) stats() sandbox.AccountStats { return f.sb.Stats()[flowAccount] }

// csrWithCN makes a CSR for names whose common name is cn.
func csrWithCN(t *testing.T, cn string, names ...string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}, DNSNames: names}, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

func request(t *testing.T, names ...string) ca.Request {
	t.Helper()
	return ca.Request{CSR: csrWithCN(t, names[0], names...), DNSNames: names}
}

// step runs Issue once from the saved state, as a reconcile would.
func (f *flowFixture) step(t *testing.T, req ca.Request) (*ca.Result, error) {
	t.Helper()
	st := f.journal.Load(t)
	if st == nil {
		st = ca.NewState("sslmarket", f.now)
	}
	return f.flow.Issue(context.Background(), req, st, f.journal)
}

// drive runs Issue the way reconciles would until it stops being pending.
func (f *flowFixture) drive(t *testing.T, req ca.Request) (*ca.Result, error) {
	t.Helper()
	for range 20 {
		res, err := f.step(t, req)
		if _, pending := ca.IsPending(err); pending {
			continue
		}
		return res, err
	}
	t.Fatal("the flow never finished")
	return nil, nil
}

// requirePending fails unless err is a PendingError and returns its reason.
func requirePending(t *testing.T, err error) string {
	t.Helper()
	p, ok := ca.IsPending(err)
	require.True(t, ok, "want a PendingError, got %v", err)
	return p.Reason
}

func TestFlowIssuesMultiNameOnce(t *testing.T) {
	f := newFlowFixture(t)
	names := []string{"a.example.com", "b.example.com", "c.example.com"}
	req := request(t, names...)

	_, err := f.step(t, req)
	requirePending(t, err)
	st := f.journal.Load(t)
	require.NotEmpty(t, st.OrderID, "the order id is saved at once")
	assert.Nil(t, st.Intent)

	_, err = f.step(t, req)
	p := requirePending(t, err)
	assert.Contains(t, p, "order "+st.OrderID+" is processing")
	assert.Contains(t, p, sslmarket.DCVFilePath)
	st = f.journal.Load(t)
	require.Len(t, st.OpenChallenges(), 3)
	for _, ch := range st.OpenChallenges() {
		assert.Equal(t, ca.HTTP01, ch.Type)
		assert.Equal(t, sslmarket.DCVFilePath, ch.Path)
		assert.NotEmpty(t, ch.Content)
	}
	assert.Len(t, f.presenter.presented, 3)

	res, err := f.drive(t, req)
	require.NoError(t, err)
	_, err = ca.VerifyChain(req, res.ChainPEM)
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(res.ChainPEM), "BEGIN CERTIFICATE"), "leaf + intermediate")
	assert.Empty(t, f.journal.Load(t).OpenChallenges(), "challenges are closed once issued")

	again, err := f.drive(t, req)
	require.NoError(t, err, "a reconcile after issuance returns the saved chain")
	assert.Equal(t, res.ChainPEM, again.ChainPEM)

	stats := f.stats()
	assert.Equal(t, 1, stats.Orders, "exactly one paid order")
	assert.Equal(t, 1, stats.Downloads)
	assert.Equal(t, 1, stats.Issued)
}

func TestFlowRefusesBeforeOrdering(t *testing.T) {
	many := make([]string, 102)
	for i := range many {
		many[i] = fmt.Sprintf("n%d.example.com", i)
	}
	cases := []struct {
		name    string
		product string
		method  string
		names   []string
		want    string
	}{
		{"wildcard on a plain product", "rapidssl-rapidssl-dv", sslmarket.DVAuthFile, []string{"www.example.com", "*.example.com"}, "*.example.com"},
		{"too many SANs", "rapidssl-rapidssl-dv", sslmarket.DVAuthFile, many, "the request has 101"},
		{"FILE cannot validate a wildcard", "rapidssl-rapidssl-wildcard-dv", sslmarket.DVAuthFile, []string{"*.example.com"}, "dvAuthMethod"},
		{"unknown product", "no-such-product", sslmarket.DVAuthFile, []string{"a.example.com"}, "spec.sslmarket.productCode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFlowFixture(t)
			f.r.ProductCode, f.r.DVAuthMethod = tc.product, tc.method
			_, err := f.step(t, request(t, tc.names...))
			require.Error(t, err)
			assert.True(t, ca.IsPermanent(err), "%v", err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, 0, f.stats().Orders)
			assert.Equal(t, 0, f.journal.Saves(), "no intent claimed")
		})
	}
}

func TestFlowResellerRefusalClearsIntent(t *testing.T) {
	f := newFlowFixture(t)
	// The sandbox refuses a CSR whose common name is not among the names.
	req := ca.Request{CSR: csrWithCN(t, "other.example.com", "a.example.com"), DNSNames: []string{"a.example.com"}}
	_, err := f.step(t, req)
	require.Error(t, err)
	assert.True(t, ca.IsPermanent(err), "%v", err)
	assert.Contains(t, err.Error(), "invalid_parameter")
	assert.Contains(t, err.Error(), "common name")
	assert.Equal(t, 0, f.stats().Orders)
	assert.Nil(t, f.journal.Load(t).Intent, "nothing was bought: the claim is released")
}

func TestFlowWrongToken(t *testing.T) {
	f := newFlowFixture(t)
	client, err := sslmarket.New(f.apiURL, "wrong-token")
	require.NoError(t, err)
	f.r.Client = client

	_, err = f.r.Check(context.Background())
	assert.True(t, ca.IsCredentials(err), "%v", err)

	_, err = f.step(t, request(t, "a.example.com"))
	assert.True(t, ca.IsCredentials(err), "%v", err)
	assert.Equal(t, 0, f.stats().Orders)
}

func TestFlowCheck(t *testing.T) {
	f := newFlowFixture(t)
	_, err := f.r.Check(context.Background())
	require.NoError(t, err)

	f.r.ProductCode = "no-such-product"
	_, err = f.r.Check(context.Background())
	assert.True(t, ca.IsPermanent(err), "%v", err)
	assert.Contains(t, err.Error(), "spec.sslmarket.productCode")
}

func TestFlowDNSAndEmailWait(t *testing.T) {
	t.Run("DNS", func(t *testing.T) {
		f := newFlowFixture(t)
		f.r.ProductCode, f.r.DVAuthMethod = "rapidssl-rapidssl-wildcard-dv", sslmarket.DVAuthDNS
		req := request(t, "example.com", "*.example.com")
		_, err := f.step(t, req)
		requirePending(t, err)
		_, err = f.step(t, req)
		p := requirePending(t, err)
		assert.Contains(t, p, "TXT records at example.com")
		chs := f.journal.Load(t).OpenChallenges()
		require.Len(t, chs, 2)
		for _, ch := range chs {
			assert.Equal(t, ca.DNS01, ch.Type)
			assert.Equal(t, "example.com", ch.Record, "the base name, also for the wildcard")
			assert.Equal(t, "TXT", ch.RecordType)
			assert.NotEmpty(t, ch.Content)
		}
	})
	t.Run("Email", func(t *testing.T) {
		f := newFlowFixture(t)
		f.r.DVAuthMethod = sslmarket.DVAuthEmail
		req := request(t, "a.example.com")
		_, err := f.step(t, req)
		requirePending(t, err)
		_, err = f.step(t, req)
		p := requirePending(t, err)
		assert.Contains(t, p, "waiting for the approval email")
		want := ca.Challenge{Name: "a.example.com", Type: ca.Email,
			Content: "admin@a.example.com, administrator@a.example.com, hostmaster@a.example.com, postmaster@a.example.com, webmaster@a.example.com"}
		assert.Equal(t, []ca.Challenge{want}, f.journal.Load(t).OpenChallenges())
		assert.Equal(t, []ca.Challenge{want}, f.presenter.presented, "the email challenge is presented, for the tracker to show")
	})
}

// approveAll approves every open mail of the sandbox, as the approvers
// would.
func approveAll(t *testing.T, mail *mailbox.Mailbox) int {
	t.Helper()
	n := 0
	for _, m := range mail.List(mailbox.Filter{}) {
		if !m.Approved && !m.Void {
			_, err := mail.Approve(m.ID)
			require.NoError(t, err)
			n++
		}
	}
	return n
}

func TestFlowEmailApprovedAndResent(t *testing.T) {
	f := newFlowFixture(t)
	f.r.DVAuthMethod = sslmarket.DVAuthEmail
	names := []string{"a.example.com", "b.example.com"}
	req := request(t, names...)
	_, err := f.step(t, req)
	requirePending(t, err)
	_, err = f.step(t, req)
	requirePending(t, err)
	require.Len(t, f.mail.List(mailbox.Filter{}), 2, "one mail per name")

	// A new annotation value asks once; the same value again does not.
	req.ResendEmail = "1"
	_, err = f.step(t, req)
	assert.Contains(t, requirePending(t, err), "the approval emails were sent again")
	assert.Equal(t, "1", f.journal.Load(t).EmailResent)
	_, err = f.step(t, req)
	requirePending(t, err)
	assert.Len(t, f.mail.List(mailbox.Filter{}), 4, "resent once for each name")

	assert.Equal(t, 4, approveAll(t, f.mail))
	res, err := f.drive(t, req)
	require.NoError(t, err)
	assert.NotEmpty(t, res.ChainPEM)
	assert.Equal(t, 1, f.stats().Orders)
}

func TestFlowSolversMustAgree(t *testing.T) {
	f := newFlowFixture(t)
	f.presenter.methods = func(name string) ca.Method {
		if strings.HasPrefix(name, "dns.") {
			return ca.Method{Type: ca.DNS01}
		}
		return ca.Method{Type: ca.HTTP01}
	}
	_, err := f.step(t, request(t, "www.example.com", "dns.example.com"))
	require.True(t, ca.IsPermanent(err), "%v", err)
	assert.Contains(t, err.Error(), "FILE for www.example.com and DNS for dns.example.com")
	assert.Equal(t, 0, f.stats().Orders)

	// When they agree, the solvers' method wins over dvAuthMethod.
	f.presenter.methods = func(string) ca.Method { return ca.Method{Type: ca.Email} }
	_, err = f.step(t, request(t, "www.example.com", "dns.example.com"))
	requirePending(t, err)
	assert.Len(t, f.mail.List(mailbox.Filter{}), 2, "ordered with Email validation")
}

// The claim's time is taken at the claim (window 5), not at the start of
// the step: the product check before it may take long, and staleness is
// measured from the claim.
func TestFlowClaimTimeIsTakenAtTheClaim(t *testing.T) {
	f := newFlowFixture(t)
	var mu sync.Mutex
	clock := f.now
	target, err := url.Parse(strings.TrimSuffix(f.apiURL, flowMount))
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/product/list") {
			mu.Lock()
			clock = clock.Add(10 * time.Minute) // a slow answer
			mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(slow.Close)
	f.r.Client, err = sslmarket.New(slow.URL+flowMount, flowToken)
	require.NoError(t, err)
	f.flow.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return clock
	}
	f.r.Now = f.flow.Now
	var claimedAt time.Time
	f.journal.Fail = func(st *ca.State) error {
		if st.Intent != nil && claimedAt.IsZero() {
			claimedAt = st.Intent.At
		}
		return nil
	}
	start := f.flow.Now()
	_, err = f.step(t, request(t, "claim.example.com"))
	require.Error(t, err) // pending: ordered, waiting for validation
	assert.Equal(t, 1, f.stats().Orders)
	assert.True(t, claimedAt.Equal(start.Add(10*time.Minute)), "claimed at %s, the claim happened at %s", claimedAt, start.Add(10*time.Minute))
}
