package cyberssl_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/catest"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/authority"
	sandbox "github.com/reseller-issuer/reseller-issuer/internal/sandbox/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/mailbox"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
)

const (
	apiKey  = "flow-key"
	account = "acme"
)

// filePresenter records what it was asked to present; catest.ChallengeServer
// serves the journal's open HTTP challenges, like the responder.
type filePresenter struct {
	mu        sync.Mutex
	presented map[string]ca.Challenge
	// methods, when set, names the Issuer's solver per name.
	methods func(name string) ca.Method
}

func (p *filePresenter) Present(_ context.Context, ch ca.Challenge) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.presented == nil {
		p.presented = map[string]ca.Challenge{}
	}
	p.presented[ch.Name] = ch
	return nil
}

func (p *filePresenter) Ready(context.Context, ca.Challenge) (bool, error) { return true, nil }

func (p *filePresenter) Method(name string) ca.Method {
	if p.methods == nil {
		return ca.Method{}
	}
	return p.methods(name)
}

type fixture struct {
	mail      *mailbox.Mailbox
	sb        *sandbox.Server
	apiURL    string
	journal   *catest.Journal
	presenter *filePresenter
	clock     *sandboxtest.Clock
	r         *cyberssl.Reseller
	flow      *order.Protocol
}

var (
	authOnce     sync.Once
	authCA       *authority.Authority
	errAuthority error
)

func testAuthority(t *testing.T) *authority.Authority {
	t.Helper()
	authOnce.Do(func() { authCA, errAuthority = authority.New() })
	require.NoError(t, errAuthority)
	return authCA
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newDelayedFixture(t, 0)
}

// newDelayedFixture's sandbox issues delay (on the fake clock) after
// validation.
func newDelayedFixture(t *testing.T, delay time.Duration) *fixture {
	t.Helper()
	f := &fixture{journal: &catest.Journal{}, clock: sandboxtest.NewClock(time.Now())}
	f.presenter = &filePresenter{}
	files := httptest.NewServer(catest.ChallengeServer{Journal: f.journal})
	t.Cleanup(files.Close)
	f.mail = mailbox.New(time.Now)
	f.sb = sandbox.New(apienv.Config{
		Mailbox:       f.mail,
		Accounts:      map[string]string{apiKey: account},
		Authority:     testAuthority(t),
		HTTP01Address: strings.TrimPrefix(files.URL, "http://"),
		IssueDelay:    delay,
		Now:           f.clock.Now,
	})
	srv := httptest.NewServer(f.sb)
	t.Cleanup(srv.Close)
	f.apiURL = srv.URL + "/v1/"
	f.r = &cyberssl.Reseller{
		Client:    f.client(t, apiKey),
		ProductID: 1,
		Period:    1,
		DVMethod:  cyberssl.DVMethodHTTP,
		Admin: cyberssl.Contact{
			FirstName: "Ada", LastName: "Admin", Phone: "+1 555 0100", Title: "Ops", Email: "ada@example.com",
		},
		Publisher: f.presenter,
		Now:       f.clock.Now,
	}
	// An unanswered claim is stale after a minute.
	f.flow = &order.Protocol{Reseller: f.r, Now: f.clock.Now, PaidCallBound: 40 * time.Second}
	return f
}

func (f *fixture) client(t *testing.T, key string) *cyberssl.Client {
	t.Helper()
	c, err := cyberssl.New(f.apiURL, key)
	require.NoError(t, err)
	return c
}

func (f *fixture) orders() int { return f.sb.Stats()[account].Orders }

func csrFor(t *testing.T, names ...string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: names[0]}, DNSNames: names}, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

func request(t *testing.T, names ...string) ca.Request {
	t.Helper()
	return ca.Request{CSR: csrFor(t, names...), DNSNames: names}
}

// step runs Issue once from the saved state, as one reconcile would.
func (f *fixture) step(t *testing.T, req ca.Request) (*ca.Result, error) {
	t.Helper()
	st := f.journal.Load(t)
	if st == nil {
		st = ca.NewState("cyberssl", f.clock.Now())
	}
	return f.flow.Issue(context.Background(), req, st, f.journal)
}

// drive runs reconciles until the flow stops waiting.
func (f *fixture) drive(t *testing.T, req ca.Request) (*ca.Result, error) {
	t.Helper()
	for range 20 {
		res, err := f.step(t, req)
		if _, pending := ca.IsPending(err); pending {
			f.clock.Advance(time.Second)
			continue
		}
		return res, err
	}
	t.Fatal("the flow never finished")
	return nil, nil
}

func requireIssued(t *testing.T, res *ca.Result, names ...string) {
	t.Helper()
	require.NotNil(t, res)
	block, _ := pem.Decode(res.ChainPEM)
	require.NotNil(t, block)
	leaf, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	assert.ElementsMatch(t, names, leaf.DNSNames)
	assert.Equal(t, 2, strings.Count(string(res.ChainPEM), "BEGIN CERTIFICATE"), "leaf and intermediate")
}

func TestFlowCheck(t *testing.T) {
	f := newFixture(t)
	h, err := f.r.Check(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "product 1 PositiveSSL (dv)", h.Detail)
	assert.Equal(t, &ca.Money{Amount: "1000.00", Currency: "USD"}, h.Balance)

	f.r.ProductID = 99
	_, err = f.r.Check(context.Background())
	require.Error(t, err)
	assert.True(t, ca.IsPermanent(err), "%v", err)
	assert.Contains(t, err.Error(), "product 99")

	f.r.ProductID = 3
	_, err = f.r.Check(context.Background())
	assert.True(t, ca.IsPermanent(err), "an OV product without organization: %v", err)
}

func TestFlowIssuesOnce(t *testing.T) {
	f := newFixture(t)
	names := []string{"a.example.com", "b.example.com", "c.example.com"}
	req := request(t, names...)

	_, err := f.step(t, req)
	p, pending := ca.IsPending(err)
	require.True(t, pending, "%v", err)
	assert.Contains(t, p.Reason, "placed")
	assert.Contains(t, p.Reason, "http://a.example.com/.well-known/pki-validation/")
	st := f.journal.Load(t)
	require.NotEmpty(t, st.OrderID)
	assert.Nil(t, st.Intent)
	require.Len(t, st.OpenChallenges(), 3)
	for _, ch := range st.OpenChallenges() {
		assert.Equal(t, ca.HTTP01, ch.Type)
		assert.True(t, strings.HasPrefix(ch.Path, cyberssl.PKIValidationPath), ch.Path)
		assert.NotEmpty(t, ch.Content)
	}
	assert.Len(t, f.presenter.presented, 3, "every challenge presented")

	res, err := f.drive(t, req)
	require.NoError(t, err)
	requireIssued(t, res, names...)
	assert.NotEmpty(t, f.journal.Load(t).ChainPEM)

	again, err := f.drive(t, req)
	require.NoError(t, err, "a reconcile after issuance returns the saved chain")
	assert.Equal(t, res.ChainPEM, again.ChainPEM)
	assert.Equal(t, 1, f.orders(), "exactly one paid order")
	bal, _ := f.sb.Balance(account)
	assert.Equal(t, int64(sandbox.InitialBalance-5_00-2*2_00), bal, "one order of three names paid")
}

func TestFlowWaitsForIssuance(t *testing.T) {
	f := newDelayedFixture(t, time.Hour)
	req := request(t, "a.example.com")
	_, err := f.step(t, req)
	require.True(t, isPending(err), "%v", err)

	_, err = f.step(t, req)
	p, pending := ca.IsPending(err)
	require.True(t, pending, "%v", err)
	assert.Contains(t, p.Reason, "is Processing")
	assert.Contains(t, p.Reason, "waiting for CyberSSL to issue")
	f.clock.Advance(time.Minute)
	_, err = f.step(t, req)
	p, _ = ca.IsPending(err)
	require.NotNil(t, p, "%v", err)
	assert.Equal(t, 15*time.Second, p.RequeueAfter, "waits grow from the order's progress")

	f.clock.Advance(time.Hour)
	res, err := f.step(t, req)
	require.NoError(t, err)
	requireIssued(t, res, "a.example.com")
	assert.Equal(t, 1, f.orders())
}

func TestFlowRefusesBeforeOrdering(t *testing.T) {
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("n%d.example.com", i)
	}
	tests := []struct {
		name    string
		product cyberssl.ID
		method  string
		names   []string
		want    string
	}{
		{"wildcard on a plain product", 1, cyberssl.DVMethodDNS, []string{"example.com", "*.example.com"}, "*.example.com"},
		{"wildcard with http validation", 2, cyberssl.DVMethodHTTP, []string{"*.example.com"}, "*.example.com"},
		{"too many names", 1, cyberssl.DVMethodHTTP, many, "n100.example.com"},
		{"unknown product", 42, cyberssl.DVMethodHTTP, []string{"a.example.com"}, "product 42"},
		{"OV product without organization", 3, cyberssl.DVMethodHTTP, []string{"a.example.com"}, "organization"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.r.ProductID, f.r.DVMethod = tc.product, tc.method
			_, err := f.step(t, request(t, tc.names...))
			require.Error(t, err)
			assert.True(t, ca.IsPermanent(err), "%v", err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, 0, f.orders())
			assert.Equal(t, 0, f.journal.Saves(), "no intent claimed")
		})
	}
}

func TestFlowWrongKey(t *testing.T) {
	f := newFixture(t)
	f.r.Client = f.client(t, "wrong-key")
	_, err := f.r.Check(context.Background())
	assert.True(t, ca.IsCredentials(err), "%v", err)
	assert.NotContains(t, err.Error(), "wrong-key")

	_, err = f.step(t, request(t, "a.example.com"))
	assert.True(t, ca.IsCredentials(err), "%v", err)
	assert.Equal(t, 0, f.orders())
}

func TestFlowSessionExpiryIsTransparent(t *testing.T) {
	f := newFixture(t)
	// Every session ends after every save: right before add_ssl_order, and
	// between every poll.
	f.journal.After = func(*ca.State) error {
		f.sb.ExpireSessions()
		return nil
	}
	names := []string{"a.example.com", "b.example.com"}
	req := request(t, names...)
	_, err := f.step(t, req)
	require.True(t, isPending(err), "%v", err)
	f.sb.ExpireSessions()
	res, err := f.drive(t, req)
	require.NoError(t, err)
	requireIssued(t, res, names...)
	assert.Equal(t, 1, f.orders())
}

// An order refused for lack of funds buys nothing, keeps no intent, and is
// placed once the balance is topped up.
func TestFlowWaitsForFunds(t *testing.T) {
	f := newFixture(t)
	require.True(t, f.sb.SetBalance(account, 1_00))
	req := request(t, "a.example.com")

	_, err := f.step(t, req)
	require.Error(t, err)
	assert.True(t, ca.IsInsufficientFunds(err), "%v", err)
	assert.False(t, ca.IsPermanent(err), "a refusal for funds is not final")
	assert.Contains(t, err.Error(), "insufficient balance")
	st := f.journal.Load(t)
	assert.Nil(t, st.Intent, "nothing is pending at the reseller")
	assert.Empty(t, st.OrderID)
	assert.Equal(t, 0, f.orders())

	require.True(t, f.sb.SetBalance(account, 1000_00))
	res, err := f.drive(t, req)
	require.NoError(t, err)
	requireIssued(t, res, "a.example.com")
	assert.Equal(t, 1, f.orders(), "exactly one paid order after the top-up")
}
