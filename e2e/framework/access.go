package framework

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
)

// RevokeToken revokes (revoked true) or restores an API token at the
// sandbox, on all three APIs (POST /sandbox/tokens).
func (s *Stack) RevokeToken(ctx context.Context, token string, revoked bool) error {
	_, err := s.post(ctx, sandbox.TokensPath, map[string]any{"token": token, "revoked": revoked})
	return err
}

// SetBalance sets a CyberSSL account's balance, e.g. "12.34"
// (POST /sandbox/balance).
func (s *Stack) SetBalance(ctx context.Context, account, balance string) error {
	_, err := s.post(ctx, sandbox.BalancePath, map[string]string{"provider": sandbox.ProviderCyberSSL, "account": account, "balance": balance})
	return err
}

// post sends v as JSON to a sandbox control endpoint and returns the
// answer of a 200.
func (s *Stack) post(ctx context.Context, path string, v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.SandboxURL+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("POST %s: %s: %s", path, resp.Status, answer)
	}
	return answer, nil
}
