package sslci

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// fuzzStatuses are the HTTP statuses the fuzzed server answers with; the
// fuzzer picks one by index.
var fuzzStatuses = []int{200, 201, 202, 400, 401, 403, 404, 429, 500, 502}

// fuzzToken is the canary token: it must never appear in an error. It
// needs escaping in a query string and in JSON.
const fuzzToken = "fuzz+c4n4ry/t0k=n&x<y>"

// fuzzReply is what the server answers to the next request.
type fuzzReply struct {
	status int
	body   []byte
}

// fuzzServer is one httptest server per fuzz target whose answer is swapped
// for every input.
type fuzzServer struct {
	srv   *httptest.Server
	reply atomic.Pointer[fuzzReply]
}

func newFuzzServer(f *testing.F) *fuzzServer {
	f.Helper()
	s := &fuzzServer{}
	s.reply.Store(&fuzzReply{status: http.StatusOK})
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		rp := s.reply.Load()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rp.status)
		_, _ = w.Write(rp.body)
	}))
	f.Cleanup(s.srv.Close)
	return s
}

func (s *fuzzServer) client(f *testing.F) *Client {
	f.Helper()
	hc := &http.Client{
		Transport:     s.srv.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c, err := New(s.srv.URL+"/api", fuzzToken, rest.WithHTTPClient(hc))
	if err != nil {
		f.Fatal(err)
	}
	return c
}

// fuzzStatusIndex is the fuzz argument that selects status.
func fuzzStatusIndex(f *testing.F, status int) uint8 {
	f.Helper()
	for i, s := range fuzzStatuses {
		if s == status {
			return uint8(i)
		}
	}
	f.Fatalf("status %d is not in fuzzStatuses", status)
	return 0
}

// addFuzzSeeds adds every testdata fixture (with 200 and, for error_NNN
// fixtures, with NNN when it is one of fuzzStatuses) and malformed bodies.
func addFuzzSeeds(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	ok := fuzzStatusIndex(f, http.StatusOK)
	for _, file := range files {
		if fi, err := os.Stat(file); err != nil || fi.IsDir() {
			continue // testdata/fuzz
		}
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(ok, b)
		base := filepath.Base(file)
		if code, found := strings.CutPrefix(base, "error_"); found {
			for i, s := range fuzzStatuses {
				if strings.HasPrefix(code, strconv.Itoa(s)) {
					f.Add(uint8(i), b)
				}
			}
		}
		if strings.HasSuffix(base, ".json") {
			f.Add(ok, b[:len(b)/2]) // truncated
		}
	}
	nested := strings.Repeat("[", 512) + strings.Repeat("]", 512)
	for _, body := range []string{
		"",
		" \n",
		"<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>Back soon</h1></body></html>",
		`null`,
		`[]`,
		`true`,
		`"status"`,
		`{}`,
		`{"status":null}`,
		`{"status":"true"}`,
		`{"status":1}`,
		`{"status":true}`,
		`{"status":true,"certificates":null,"pending_orders":null}`,
		`{"status":true,"certificates":{},"pending_orders":"none"}`,
		`{"status":true,"certificates":[{"crt_id":"1","domains":["a.com"],"add_time":1.5,"end_time":null}]}`,
		`{"status":true,"certificates":[{"crt_id":1e400}]}`,
		`{"status":true,"certificates":[{"crt_id":99999999999999999999999,"add_time":-9223372036854775808,"end_time":9223372036854775807}]}`,
		`{"status":true,"order_id":-1,"verification":null}`,
		`{"status":true,"order_id":"42","verification":[]}`,
		`{"status":true,"crt":null}`,
		`{"status":true,"crt":"  "}`,
		`{"status":true,"crt":123,"details":"none"}`,
		`{"status":true,"certificates":` + nested + `}`,
		nested,
		`{"status":false,"message":null}`,
		`{"status":false,"message":["a","b"]}`,
		`{"status":false,"message":"invalid token ` + fuzzToken + `"}`,
		`{"status":false,"message":"invalid token ` + fuzzJSONEscaped(fuzzToken) + `"}`,
		`{"status":false,"message":"GET /api?token=` + url.QueryEscape(fuzzToken) + `"}`,
		`<html><body>token=` + fuzzToken + `</body></html>`,
		`{"status":true,"crt":` + `"` + strings.Repeat("x", 300) + fuzzToken,
	} {
		f.Add(ok, []byte(body))
		f.Add(fuzzStatusIndex(f, http.StatusInternalServerError), []byte(body))
	}
	f.Add(fuzzStatusIndex(f, http.StatusUnauthorized), []byte(`{"status":false,"message":"invalid token `+fuzzToken+`"}`))
	f.Add(fuzzStatusIndex(f, http.StatusTooManyRequests), []byte(`{"status":false,"message":"slow down"}`))
}

func fuzzJSONEscaped(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a string always encodes
	}
	return strings.Trim(string(b), `"`)
}

// FuzzClientResponses serves the fuzzed body with a fuzzed status to every
// call that parses a response.
func FuzzClientResponses(f *testing.F) {
	addFuzzSeeds(f)
	s := newFuzzServer(f)
	c := s.client(f)
	ctx := context.Background()

	f.Fuzz(func(t *testing.T, code uint8, body []byte) {
		status := fuzzStatuses[int(code)%len(fuzzStatuses)]
		s.reply.Store(&fuzzReply{status: status, body: body})
		check := newFuzzChecker(t, status, body)

		list, err := c.List(ctx)
		check.result("List", list != nil, err, true)
		if list != nil {
			for _, cert := range list.Certificates {
				_, _, _ = cert.DomainNames(), cert.AddedAt(), cert.ExpiresAt()
			}
			for _, o := range list.PendingOrders {
				_ = o.DomainNames()
			}
		}

		ver, err := c.RequestVerification(ctx, "example.com", MethodHTTP)
		check.result("RequestVerification", ver != nil, err, true)

		conf, err := c.ConfirmVerification(ctx, "*.example.com", 42, MethodDNS)
		check.result("ConfirmVerification", conf != nil, err, true)

		fin, err := c.Finalize(ctx, []string{"example.com", "www.example.com"}, nil)
		check.result("Finalize", fin != nil, err, true)
		if fin != nil && strings.TrimSpace(fin.CRT) == "" {
			t.Fatalf("Finalize succeeded without a certificate: %#v", fin)
		}

		// Delete accepts an empty 2xx body.
		check.errorOnly("Delete", c.Delete(ctx, DeleteOrder, 42), len(strings.TrimSpace(string(body))) > 0)
	})
}

// fuzzChecker holds the invariants of one answer.
type fuzzChecker struct {
	t      *testing.T
	status int
	body   []byte
}

func newFuzzChecker(t *testing.T, status int, body []byte) fuzzChecker {
	return fuzzChecker{t: t, status: status, body: body}
}

// errorOnly checks a call that returns only an error like result.
func (k fuzzChecker) errorOnly(call string, err error, wantJSON bool) {
	k.t.Helper()
	k.result(call, err == nil, err, wantJSON)
}

// result checks one call: an error or a result, never both or neither; an
// error for every non-2xx; no token in the error; the documented
// classification of non-2xx answers; success only for a JSON body (when
// wantJSON).
func (k fuzzChecker) result(call string, hasResult bool, err error, wantJSON bool) {
	k.t.Helper()
	ok2xx := k.status >= 200 && k.status <= 299
	switch {
	case err == nil && !hasResult:
		k.t.Fatalf("%s: HTTP %d: neither a result nor an error", call, k.status)
	case err != nil && hasResult:
		k.t.Fatalf("%s: HTTP %d: both a result and the error %v", call, k.status, err)
	case err == nil && !ok2xx:
		k.t.Fatalf("%s: HTTP %d answered without an error", call, k.status)
	case err == nil && wantJSON && !json.Valid(k.body):
		k.t.Fatalf("%s: HTTP %d: a body that is not JSON was accepted", call, k.status)
	case err == nil:
		return
	}
	var te *rest.TransportError
	if errors.As(err, &te) {
		k.t.Fatalf("%s: HTTP %d: the server answered, yet: %v", call, k.status, err)
	}
	msg := err.Error()
	for _, form := range []string{fuzzToken, url.QueryEscape(fuzzToken), fuzzJSONEscaped(fuzzToken)} {
		if strings.Contains(msg, form) {
			k.t.Fatalf("%s: HTTP %d: the token (as %q) is in the error %q", call, k.status, form, msg)
		}
	}
	if ok2xx {
		return
	}
	if temp := k.status >= 500 || k.status == http.StatusTooManyRequests; IsTemporary(err) != temp {
		k.t.Fatalf("%s: HTTP %d: IsTemporary = %v for %v", call, k.status, !temp, err)
	}
	if got, _ := rest.StatusCode(err); got != k.status {
		k.t.Fatalf("%s: HTTP %d: error carries status %d: %v", call, k.status, got, err)
	}
}
