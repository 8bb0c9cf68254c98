// Package webcheck fetches the HTTP validation files the simulated
// resellers check: from a configurable address with the validated name as
// Host, without following redirects (they would leave that address), and
// compares the trimmed body with the expected content.
package webcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	fetchTimeout = 5 * time.Second
	maxFileBytes = 64 << 10
	maxShown     = 128
)

// Fetcher checks validation files.
type Fetcher struct {
	address string
	client  *http.Client
}

// New returns a Fetcher asking address (host:port) for every name; empty
// means the name itself, port 80.
func New(address string) *Fetcher {
	return &Fetcher{
		address: address,
		client: &http.Client{
			Timeout:       fetchTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// Check fetches http://<name><path> (from the Fetcher's address, with
// "Host: <name>") and compares its trimmed body with want. The error says
// what was fetched (as the name's URL) and what was found.
func (f *Fetcher) Check(ctx context.Context, name, path, want string) error {
	addr := f.address
	if addr == "" {
		addr = name
	}
	shown := "http://" + name + path
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", shown, err)
	}
	req.Host = name
	resp, err := f.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // drop the fetched address, shown is clearer
		}
		return fmt.Errorf("fetching %s: %w", shown, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetching %s: unexpected status %s", shown, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFileBytes))
	if err != nil {
		return fmt.Errorf("reading %s: %w", shown, err)
	}
	if got := strings.TrimSpace(string(data)); got != want {
		if len(got) > maxShown {
			got = got[:maxShown] + "..."
		}
		return fmt.Errorf("%s serves %q, want %q", shown, got, want)
	}
	return nil
}
