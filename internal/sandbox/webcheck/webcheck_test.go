package webcheck

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	var hosts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts = append(hosts, r.Host)
		switch r.URL.Path {
		case "/ok":
			_, _ = w.Write([]byte("\n  content\r\n"))
		case "/long":
			_, _ = w.Write([]byte(strings.Repeat("x", 200)))
		case "/redirect":
			http.Redirect(w, r, "http://elsewhere.example/ok", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	f := New(srv.Listener.Addr().String())
	ctx := context.Background()

	require.NoError(t, f.Check(ctx, "a.example.com", "/ok", "content"))
	assert.Equal(t, []string{"a.example.com"}, hosts, "the name is the Host")

	tests := []struct{ path, want, err string }{
		{"/ok", "other", `http://a.example.com/ok serves "content", want "other"`},
		{"/missing", "x", "fetching http://a.example.com/missing: unexpected status 404 Not Found"},
		{"/redirect", "x", "unexpected status 302 Found"},
		{"/long", "x", `serves "` + strings.Repeat("x", 128) + `..."`},
	}
	for _, tt := range tests {
		err := f.Check(ctx, "a.example.com", tt.path, tt.want)
		require.Error(t, err, tt.path)
		assert.Contains(t, err.Error(), tt.err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	err = New(addr).Check(ctx, "b.example.com", "/ok", "x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "fetching http://b.example.com/ok: ")
	assert.Contains(t, err.Error(), "connection refused")
	assert.NotContains(t, err.Error(), "Get \"", "the URL error's wrapper is dropped")
}
