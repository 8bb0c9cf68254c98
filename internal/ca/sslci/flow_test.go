package sslci_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/catest"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslci"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

// filePresenter presents nothing: catest.ChallengeServer serves the
// journal's open HTTP challenges, like the responder.
type filePresenter struct{}

func (filePresenter) Present(context.Context, ca.Challenge) error { return nil }
func (filePresenter) Ready(context.Context, ca.Challenge) (bool, error) {
	return true, nil
}
func (filePresenter) Method(string) ca.Method { return ca.Method{} }

type fixture struct {
	sb      *sandbox.Sandbox
	journal *catest.Journal
	now     time.Time
	r       *sslci.Reseller
	flow    *order.Protocol
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{journal: &catest.Journal{}, now: time.Now()}
	files := httptest.NewServer(catest.ChallengeServer{Journal: f.journal})
	t.Cleanup(files.Close)
	sb, err := sandbox.New(sandbox.Config{Accounts: map[string]string{"tok": "acme"}, HTTP01Address: strings.TrimPrefix(files.URL, "http://")})
	require.NoError(t, err)
	api := httptest.NewServer(sb.Handler())
	t.Cleanup(api.Close)
	client, err := sslci.New(api.URL+sandbox.SSLCIPath, "tok")
	require.NoError(t, err)
	f.sb = sb
	f.r = &sslci.Reseller{Client: client, Method: sslci.MethodHTTP, Publisher: filePresenter{}, Now: func() time.Time { return f.now }}
	// An unanswered claim is stale after a minute.
	f.flow = &order.Protocol{Reseller: f.r, Now: func() time.Time { return f.now }, PaidCallBound: 40 * time.Second}
	return f
}

func csrFor(t *testing.T, names ...string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: names[0]}, DNSNames: names}, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

// drive runs Issue the way reconciles would, each time from the saved state.
func (f *fixture) drive(t *testing.T, req ca.Request) (*ca.Result, error) {
	t.Helper()
	for range 20 {
		st := f.journal.Load(t)
		if st == nil {
			st = ca.NewState("sslci", f.now)
		}
		res, err := f.flow.Issue(context.Background(), req, st, f.journal)
		if _, pending := ca.IsPending(err); pending {
			continue
		}
		return res, err
	}
	t.Fatal("the flow never finished")
	return nil, nil
}

func TestFlowIssuesOnce(t *testing.T) {
	f := newFixture(t)
	names := []string{"a.example.com", "b.example.com", "c.example.com"}
	req := ca.Request{CSR: csrFor(t, names...), DNSNames: names}

	res, err := f.drive(t, req)
	require.NoError(t, err)
	assert.Contains(t, string(res.ChainPEM), "BEGIN CERTIFICATE")

	again, err := f.drive(t, req)
	require.NoError(t, err, "a reconcile after issuance returns the saved chain")
	assert.Equal(t, res.ChainPEM, again.ChainPEM)

	stats := f.sb.Stats().SSLCI["acme"]
	assert.Equal(t, 1, stats.Finalizes, "exactly one paid finalize")
	assert.Equal(t, 3, stats.VerificationOrders)
}

func TestFlowCrashBeforeFinalizeCallOrdersOnceAfterStale(t *testing.T) {
	f := newFixture(t)
	req := ca.Request{CSR: csrFor(t, "a.example.com"), DNSNames: []string{"a.example.com"}}
	crash := errors.New("killed")
	// The process dies right after claiming the finalize (intent saved).
	f.journal.After = func(st *ca.State) error {
		if st.Intent != nil {
			return crash
		}
		return nil
	}
	_, err := f.drive(t, req)
	require.ErrorIs(t, err, crash)
	f.journal.After = nil
	require.Equal(t, 0, f.sb.Stats().SSLCI["acme"].Finalizes, "the crash came before the call")

	st := f.journal.Load(t)
	_, err = f.flow.Issue(context.Background(), req, st, f.journal)
	_, pending := ca.IsPending(err)
	require.True(t, pending, "a fresh intent belongs to a worker that may still be calling: %v", err)

	f.now = f.now.Add(2 * time.Minute)
	_, err = f.drive(t, req)
	require.NoError(t, err)
	assert.Equal(t, 1, f.sb.Stats().SSLCI["acme"].Finalizes)
}

func TestFlowCrashAfterFinalizeNeverBuysTwice(t *testing.T) {
	f := newFixture(t)
	req := ca.Request{CSR: csrFor(t, "a.example.com"), DNSNames: []string{"a.example.com"}}
	crash := errors.New("killed")
	// The process dies after the paid call, before its outcome is saved.
	f.journal.Fail = func(st *ca.State) error {
		if st.ChainPEM != "" {
			return crash
		}
		return nil
	}
	_, err := f.drive(t, req)
	require.ErrorIs(t, err, crash)
	f.journal.Fail = nil
	require.Equal(t, 1, f.sb.Stats().SSLCI["acme"].Finalizes)

	f.now = f.now.Add(2 * time.Minute)
	_, err = f.drive(t, req)
	require.Error(t, err)
	assert.True(t, ca.IsPermanent(err), "%v", err)
	assert.Contains(t, err.Error(), "not buying a second one")
	assert.Equal(t, 1, f.sb.Stats().SSLCI["acme"].Finalizes, "no second paid finalize")
}

func TestFlowCrashAfterConfirmRequestsANewVerification(t *testing.T) {
	f := newFixture(t)
	req := ca.Request{CSR: csrFor(t, "a.example.com"), DNSNames: []string{"a.example.com"}}
	crash := errors.New("killed")
	// The reseller confirmed the name; the process died before saving that.
	f.journal.Fail = func(st *ca.State) error {
		if st.Name("a.example.com").Verified {
			return crash
		}
		return nil
	}
	_, err := f.drive(t, req)
	require.ErrorIs(t, err, crash)
	f.journal.Fail = nil

	res, err := f.drive(t, req)
	require.NoError(t, err, "the consumed verification order is replaced by a new one")
	assert.NotEmpty(t, res.ChainPEM)
	stats := f.sb.Stats().SSLCI["acme"]
	assert.Equal(t, 2, stats.VerificationOrders)
	assert.Equal(t, 1, stats.Finalizes)
}

// manualPresenter cannot publish: a person does (here the challenge server,
// standing in for them, serves the file).
type manualPresenter struct{}

func (manualPresenter) Present(context.Context, ca.Challenge) error { return nil }
func (manualPresenter) Ready(context.Context, ca.Challenge) (bool, error) {
	return false, fmt.Errorf("serve it by hand: %w", ca.ErrManual)
}
func (manualPresenter) Method(string) ca.Method { return ca.Method{} }

// A manual challenge is not waited for: SSLCI is asked, for free, and the
// request goes on once SSLCI sees what the person published.
func TestFlowManualChallengeResumesWhenPublished(t *testing.T) {
	f := newFixture(t)
	f.r.Publisher = manualPresenter{}
	names := []string{"a.example.com"}
	res, err := f.drive(t, ca.Request{CSR: csrFor(t, names...), DNSNames: names})
	require.NoError(t, err)
	assert.Contains(t, string(res.ChainPEM), "BEGIN CERTIFICATE")
	assert.Equal(t, 1, f.sb.Stats().SSLCI["acme"].Finalizes)
}
