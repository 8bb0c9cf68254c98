// Package http01 serves HTTP validation files. Challenges live in the order
// state on each ResellerOrder; the responder finds them through a cache
// index, so every replica answers every open challenge.
package http01

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
)

// indexKey indexes orders by the host+path of their open HTTP challenges.
const indexKey = "reseller-issuer.dev/http01-challenge"

// FieldIndexer is the part of a manager's field indexer the responder uses.
type FieldIndexer interface {
	IndexField(ctx context.Context, obj client.Object, field string, extract client.IndexerFunc) error
}

// RegisterIndexes adds the challenge index for ResellerOrders.
func RegisterIndexes(ctx context.Context, idx FieldIndexer) error {
	if err := idx.IndexField(ctx, &v1alpha1.ResellerOrder{}, indexKey, challengeKeys); err != nil {
		return fmt.Errorf("indexing HTTP challenges: %w", err)
	}
	return nil
}

func challengeKeys(obj client.Object) []string {
	o, ok := obj.(*v1alpha1.ResellerOrder)
	if !ok {
		return nil
	}
	var keys []string
	for _, ch := range order.StateOf(o).OpenChallenges() {
		if ch.Type == ca.HTTP01 {
			keys = append(keys, key(ch.Name, ch.Path))
		}
	}
	return keys
}

func key(host, path string) string { return strings.ToLower(host) + path }

// Responder answers the reseller's HTTP checks and self-checks challenges.
type Responder struct {
	// Reader is the manager's cached client, with the index registered.
	Reader client.Reader
	// SelfURL is where this responder can be reached, e.g. http://127.0.0.1:8089.
	SelfURL string
	// HTTPClient performs the self-check.
	HTTPClient *http.Client
}

// ServeHTTP serves the content of the open challenge for Host + path.
func (r *Responder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	host := req.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	content, ok, err := r.lookup(req.Context(), host, req.URL.Path)
	switch {
	case err != nil:
		http.Error(w, "lookup failed", http.StatusInternalServerError)
	case !ok:
		http.NotFound(w, req)
	default:
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, content)
	}
}

func (r *Responder) lookup(ctx context.Context, host, path string) (string, bool, error) {
	k := key(host, path)
	var list v1alpha1.ResellerOrderList
	if err := r.Reader.List(ctx, &list, client.MatchingFields{indexKey: k}); err != nil {
		return "", false, err
	}
	for i := range list.Items {
		for _, ch := range order.StateOf(&list.Items[i]).OpenChallenges() {
			if ch.Type == ca.HTTP01 && key(ch.Name, ch.Path) == k {
				return ch.Content, true, nil
			}
		}
	}
	return "", false, nil
}

// Present has nothing to do: the journal already holds the challenge and the
// responder serves it from there.
func (r *Responder) Present(context.Context, ca.Challenge) error { return nil }

// selfCheckPauses are the pauses between self-checks of a challenge this
// replica's cache does not serve yet: the order holding it was written a
// moment ago, and the cache follows within milliseconds.
var selfCheckPauses = []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}

// Ready fetches the challenge from the responder, the way the reseller will,
// so the reseller is only asked once this replica's cache serves it. A
// challenge not served yet is fetched again after short, growing pauses
// (at most 0.75 s in all).
func (r *Responder) Ready(ctx context.Context, ch ca.Challenge) (bool, error) {
	if ch.Type != ca.HTTP01 {
		return false, fmt.Errorf("the built-in responder serves only %s challenges", ca.HTTP01)
	}
	for _, pause := range selfCheckPauses {
		if ready, err := r.selfCheck(ctx, ch); ready || err != nil {
			return ready, err
		}
		select {
		case <-ctx.Done():
			return false, nil
		case <-time.After(pause):
		}
	}
	return r.selfCheck(ctx, ch)
}

// selfCheck fetches ch from this replica's responder once.
func (r *Responder) selfCheck(ctx context.Context, ch ca.Challenge) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(r.SelfURL, "/")+ch.Path, nil)
	if err != nil {
		return false, err
	}
	req.Host = ch.Name
	resp, err := r.HTTPClient.Do(req)
	if err != nil {
		return false, fmt.Errorf("self-check: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return false, fmt.Errorf("self-check: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return false, nil
	}
	if strings.TrimSpace(string(body)) != strings.TrimSpace(ch.Content) {
		return false, errors.New("self-check: the responder serves different content")
	}
	return true, nil
}
