// Package catest holds test support shared by the reseller flow tests: an
// in-memory Journal standing in for the ResellerOrder, and a ChallengeServer
// standing in for the HTTP-01 responder.
package catest

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
)

// Journal keeps the last saved state, as the annotation would.
type Journal struct {
	// Fail, when set, may refuse a save: a process dying before the save.
	Fail func(*ca.State) error
	// After, when set, may fail right after the save: a process dying once
	// the state is persisted.
	After func(*ca.State) error

	mu       sync.Mutex
	saved    string
	saves    int
	adopted  []string
	unknowns []string
}

var _ ca.Journal = (*Journal)(nil)

// Save implements ca.Journal.
func (j *Journal) Save(_ context.Context, st *ca.State) error {
	if j.Fail != nil {
		if err := j.Fail(st); err != nil {
			return err
		}
	}
	data, err := st.Encode()
	if err != nil {
		return err
	}
	j.mu.Lock()
	j.saved = data
	j.saves++
	j.mu.Unlock()
	if j.After != nil {
		return j.After(st)
	}
	return nil
}

// SaveOutcome implements ca.Journal: like the ledger's, it tries again
// after a refused save (the ledger re-reads and re-applies while the claim
// is the caller's), a bounded number of times.
func (j *Journal) SaveOutcome(ctx context.Context, st *ca.State) error {
	var err error
	for range 6 {
		if err = j.Save(ctx, st); err == nil {
			return nil
		}
	}
	return err
}

// Adopted implements ca.Journal: it keeps the message.
func (j *Journal) Adopted(_ context.Context, message string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.adopted = append(j.adopted, message)
}

// Unknown implements ca.Journal: it keeps the message.
func (j *Journal) Unknown(_ context.Context, message string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.unknowns = append(j.unknowns, message)
}

// Adoptions and Unknowns are what Adopted and Unknown recorded.
func (j *Journal) Adoptions() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.adopted...)
}

// Unknowns is what Unknown recorded.
func (j *Journal) Unknowns() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.unknowns...)
}

// Load returns what a restarted process would read: nil before any save.
func (j *Journal) Load(t *testing.T) *ca.State {
	t.Helper()
	st, err := ca.DecodeState(j.data())
	require.NoError(t, err)
	return st
}

// Saves is how many saves succeeded (After may still have failed them).
func (j *Journal) Saves() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.saves
}

func (j *Journal) data() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.saved
}

// ChallengeServer serves the open HTTP-01 challenges of Journal's saved
// state by Host (without port) and path, like the responder.
type ChallengeServer struct{ Journal *Journal }

func (s ChallengeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	st, _ := ca.DecodeState(s.Journal.data())
	if st != nil {
		for _, ch := range st.OpenChallenges() {
			if ch.Type == ca.HTTP01 && ch.Name == host && ch.Path == r.URL.Path {
				_, _ = w.Write([]byte(ch.Content))
				return
			}
		}
	}
	http.NotFound(w, r)
}
