package cyberssl

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apikey"
)

type account struct {
	balance int64 // cents
	stats   AccountStats
}

type session struct {
	account string
	key     string // the API key that opened it: revoking the key ends it
	expires time.Time
}

// SetBalance sets an account's balance in cents (a top-up, or an account
// run low); false for an unknown account.
func (s *Server) SetBalance(accountName string, cents int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[accountName]
	if ok {
		a.balance = cents
	}
	return ok
}

// Balance returns an account's balance in cents.
func (s *Server) Balance(accountName string) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[accountName]
	if !ok {
		return 0, false
	}
	return a.balance, true
}

// ExpireSessions ends every session: the next call with an old token gets
// the auth error, as after SessionLifetime.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
}

// authenticate resolves the account of a session token.
func (s *Server) authenticate(token string) (string, *apiError) {
	if token == "" {
		return "", errorf(codeAuth, "missing parameter token")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[token]
	if !ok {
		return "", errorf(codeAuth, "invalid token")
	}
	if !s.env.Now().Before(sess.expires) {
		delete(s.sessions, token)
		return "", errorf(codeAuth, "session expired, authenticate again")
	}
	if s.env.Keys.Revoked(sess.key) {
		delete(s.sessions, token)
		return "", errorf(codeAuth, "api key revoked")
	}
	return sess.account, nil
}

// auth answers GET auth?apikey=.
func (s *Server) auth(_ *http.Request, p url.Values) (any, *apiError) {
	key := p.Get("apikey")
	name, err := s.env.Keys.Account(key)
	switch {
	case errors.Is(err, apikey.ErrMissing):
		return nil, errorf(codeAuth, "missing parameter apikey")
	case errors.Is(err, apikey.ErrRevoked):
		return nil, errorf(codeAuth, "api key revoked")
	case err != nil:
		return nil, errorf(codeAuth, "invalid api key")
	}
	token := randomHex(32)
	now := s.env.Now()
	s.mu.Lock()
	for t, sess := range s.sessions { // drop expired sessions
		if !now.Before(sess.expires) {
			delete(s.sessions, t)
		}
	}
	s.sessions[token] = session{account: name, key: key, expires: now.Add(SessionLifetime)}
	s.mu.Unlock()
	s.env.Log.Info("cyberssl session opened", "account", name)
	return authResponse{Success: true, Token: token}, nil
}

func (s *Server) balance(r *http.Request, _ url.Values) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[accountOf(r)]
	a.stats.BalanceReads++
	return balanceResponse{Success: true, Balance: money(a.balance)}, nil
}
