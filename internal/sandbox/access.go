package sandbox

// Account control: end-to-end tests revoke an API token at the "reseller"
// (and restore it), and set an account's balance, to see what the issuer
// makes of it.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Control endpoints of accounts:
//
//	POST TokensPath  {"token": "...", "revoked": true|false}
//	    revokes (or restores) one API token on all three APIs: a revoked
//	    token (CyberSSL: API key, and the sessions it opened) is refused
//	    like an unknown one. 200 {"account": "...", "revoked": ...}; 404 for
//	    a token no account has. The answer never repeats the token.
//	POST BalancePath {"provider": "cyberssl", "account": "...", "balance": "12.34"}
//	    sets an account's balance (only CyberSSL has one). 200 {"account",
//	    "balance"}; 400 for another provider or a malformed amount; 404 for
//	    an unknown account.
//
// Errors are {"error": "..."}.
const (
	TokensPath  = "/sandbox/tokens"
	BalancePath = "/sandbox/balance"
)

// maxControlBody bounds the bodies of the account control endpoints.
const maxControlBody = 4 << 10

// revocations is the set of revoked tokens, shared by the three APIs.
type revocations struct {
	mu     sync.Mutex
	tokens map[string]bool
}

func (r *revocations) revoked(token string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tokens[token]
}

func (r *revocations) set(token string, revoked bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tokens == nil {
		r.tokens = map[string]bool{}
	}
	if revoked {
		r.tokens[token] = true
	} else {
		delete(r.tokens, token)
	}
}

// RevokeToken revokes (revoked true) or restores an API token on every
// API; it returns the token's account, or false for an unknown token.
func (s *Sandbox) RevokeToken(token string, revoked bool) (string, bool) {
	name, ok := s.accounts[token]
	if !ok {
		return "", false
	}
	s.revocations.set(token, revoked)
	return name, true
}

func (s *Sandbox) serveTokens(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Token   string `json:"token"`
		Revoked *bool  `json:"revoked"`
	}
	if err := decodeControl(w, r, &body); err != nil {
		writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if body.Token == "" || body.Revoked == nil {
		writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": `want {"token": "...", "revoked": true|false}`})
		return
	}
	name, ok := s.RevokeToken(body.Token, *body.Revoked)
	if !ok {
		writeControlJSON(w, http.StatusNotFound, map[string]string{"error": "no account has this token"})
		return
	}
	writeControlJSON(w, http.StatusOK, map[string]any{"account": name, "revoked": *body.Revoked})
}

func (s *Sandbox) serveBalance(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Provider string `json:"provider"`
		Account  string `json:"account"`
		Balance  string `json:"balance"`
	}
	if err := decodeControl(w, r, &body); err != nil {
		writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if body.Provider != ProviderCyberSSL {
		writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("provider %q: only %q has a balance", body.Provider, ProviderCyberSSL)})
		return
	}
	cents, err := parseCents(body.Balance)
	if err != nil {
		writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if !s.cyberssl.SetBalance(body.Account, cents) {
		writeControlJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("no account %q", body.Account)})
		return
	}
	writeControlJSON(w, http.StatusOK, map[string]string{"account": body.Account, "balance": body.Balance})
}

func decodeControl(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxControlBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("body: %w", err)
	}
	return nil
}

// parseCents reads a non-negative decimal amount with at most two
// decimals ("12", "12.5", "12.34") as cents.
func parseCents(s string) (int64, error) {
	whole, frac, dot := strings.Cut(strings.TrimSpace(s), ".")
	if whole == "" || (dot && frac == "") || len(frac) > 2 || len(whole) > 12 {
		return 0, fmt.Errorf("balance %q: want a decimal such as \"12.34\"", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseUint(whole, 10, 63)
	f, err2 := strconv.ParseUint(frac, 10, 8)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("balance %q: want a decimal such as \"12.34\"", s)
	}
	return int64(w)*100 + int64(f), nil
}
