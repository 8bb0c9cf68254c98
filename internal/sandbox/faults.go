package sandbox

// Transient-fault injection: end-to-end tests queue faults on
// POST /sandbox/faults and the next matching requests of a simulated API
// fail the way a real reseller API (or the proxy in front of it) does.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultsPath is the control endpoint of fault injection: GET lists the
// pending faults and how many fired, POST appends faults (a JSON array of
// Fault, or a single one), DELETE removes every pending fault and resets
// the fired counts.
const FaultsPath = "/sandbox/faults"

// Providers a Fault can target.
const (
	ProviderSSLCI     = "sslci"
	ProviderSSLmarket = "sslmarket"
	ProviderCyberSSL  = "cyberssl"
)

// Fault kinds.
const (
	// Fault500 answers 500 with the provider's JSON error body, without
	// running the API.
	Fault500 = "500"
	// Fault502 answers 502 with an nginx HTML page, without running the API.
	Fault502 = "502"
	// Fault503 answers 503 with an nginx HTML page (and Retry-After if
	// RetryAfter > 0), without running the API.
	Fault503 = "503"
	// Fault429 answers 429 with "Retry-After: <RetryAfter>" and the
	// provider's JSON error body, without running the API.
	Fault429 = "429"
	// FaultTimeout waits Delay, then serves the request normally. A client
	// whose timeout is shorter gives up first; the request is then dropped
	// without reaching the API, so nothing is committed.
	FaultTimeout = "timeout"
	// FaultSlow behaves as FaultTimeout; the name is for delays the client
	// is expected to survive.
	FaultSlow = "slow"
	// FaultDropAfterCommit runs the API, so its effect is committed (an
	// order placed and paid, a certificate issued), then closes the
	// connection without writing the answer. Go's http.Transport silently
	// retries an idempotent request (GET) sent on a reused connection, so
	// use it on the paid, non-idempotent calls.
	FaultDropAfterCommit = "drop-after-commit"
	// FaultMalformed runs the API and replaces a 2xx body by its first half
	// (a truncated JSON document). Other statuses pass unchanged.
	FaultMalformed = "malformed"
	// FaultHTML answers 200 with an HTML login page, without running the API.
	FaultHTML = "html"
)

// maxFaultBody bounds the request bodies the injector buffers (SSLCI
// action matching, timeouts) and the POST /sandbox/faults body. The APIs
// refuse larger bodies themselves.
const maxFaultBody = 1 << 20

// Fault is one transient failure to inject.
type Fault struct {
	// Provider is the API it hits: ProviderSSLCI, ProviderSSLmarket or
	// ProviderCyberSSL.
	Provider string `json:"provider"`
	// Match, when not empty, limits the fault to requests whose subject
	// contains it (case-sensitive). The subject is "METHOD path" with the
	// path below the API's mount point (SSLmarket "POST
	// /order/certificate/rapidssl-rapidssl-dv", CyberSSL "POST
	// /add_ssl_order"); for SSLCI it is "METHOD /sslci/api action", the
	// action being the JSON body's "action" of a POST ("POST /sslci/api
	// finalize", "POST /sslci/api", "PUT /sslci/api").
	Match string `json:"match,omitempty"`
	// Kind is one of the Fault* kinds.
	Kind string `json:"kind"`
	// Count is how many matching requests the fault hits before it is
	// spent; 0 means 1. In GET /sandbox/faults: the hits left.
	Count int `json:"count"`
	// RetryAfter is the Retry-After header, in seconds, of Fault429 (always
	// sent) and Fault503 (sent when positive).
	RetryAfter int `json:"retryAfter,omitempty"`
	// Delay is the wait of FaultTimeout and FaultSlow; required for them.
	Delay Duration `json:"delay,omitempty"`
}

// Duration is a time.Duration that encodes in JSON as a Go duration
// string ("1.5s") and decodes from such a string or a number of seconds.
type Duration time.Duration

// MarshalJSON encodes d as a duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON decodes a duration string ("250ms") or a number of seconds.
func (d *Duration) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("invalid duration %q: %w", s, err)
		}
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := json.Unmarshal(data, &secs); err != nil {
		return fmt.Errorf("invalid duration %s: want a string such as \"1.5s\" or a number of seconds", data)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}

// FaultStatus is the body of GET /sandbox/faults (and of the POST and
// DELETE answers).
type FaultStatus struct {
	// Pending lists the faults not yet spent, in matching order, with the
	// hits left in Count.
	Pending []Fault `json:"pending"`
	// Fired counts the requests hit, by kind.
	Fired map[string]int `json:"fired"`
}

// AddFaults queues faults after those already pending. The first pending
// fault that matches a request hits it. Either every fault is valid and
// queued, or none is.
func (s *Sandbox) AddFaults(faults ...Fault) error { return s.faults.add(faults) }

// ClearFaults removes every pending fault and resets the fired counts.
func (s *Sandbox) ClearFaults() { s.faults.clear() }

// Faults returns the pending faults and how many requests were hit.
func (s *Sandbox) Faults() FaultStatus { return s.faults.status() }

// faultInjector holds the pending faults; its zero value is ready.
type faultInjector struct {
	mu      sync.Mutex
	pending []Fault
	fired   map[string]int
}

func (f *Fault) normalize() error {
	switch f.Provider {
	case ProviderSSLCI, ProviderSSLmarket, ProviderCyberSSL:
	default:
		return fmt.Errorf("provider %q: want %q, %q or %q", f.Provider, ProviderSSLCI, ProviderSSLmarket, ProviderCyberSSL)
	}
	switch f.Kind {
	case Fault500, Fault502, Fault503, Fault429, FaultDropAfterCommit, FaultMalformed, FaultHTML:
	case FaultTimeout, FaultSlow:
		if f.Delay <= 0 {
			return fmt.Errorf("kind %q needs a positive delay", f.Kind)
		}
	default:
		return fmt.Errorf("kind %q: want one of %s", f.Kind, strings.Join([]string{
			Fault500, Fault502, Fault503, Fault429, FaultTimeout, FaultSlow, FaultDropAfterCommit, FaultMalformed, FaultHTML,
		}, ", "))
	}
	switch {
	case f.Count < 0:
		return fmt.Errorf("count %d must not be negative", f.Count)
	case f.RetryAfter < 0:
		return fmt.Errorf("retryAfter %d must not be negative", f.RetryAfter)
	case f.Delay < 0:
		return fmt.Errorf("delay %s must not be negative", time.Duration(f.Delay))
	}
	if f.Count == 0 {
		f.Count = 1
	}
	return nil
}

func (fi *faultInjector) add(faults []Fault) error {
	checked := make([]Fault, len(faults))
	for i, f := range faults {
		if err := f.normalize(); err != nil {
			return fmt.Errorf("fault %d: %w", i, err)
		}
		checked[i] = f
	}
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.pending = append(fi.pending, checked...)
	return nil
}

func (fi *faultInjector) clear() {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.pending = nil
	fi.fired = nil
}

func (fi *faultInjector) status() FaultStatus {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	st := FaultStatus{Pending: slices.Clone(fi.pending), Fired: make(map[string]int, len(fi.fired))}
	if st.Pending == nil {
		st.Pending = []Fault{}
	}
	for k, n := range fi.fired {
		st.Fired[k] = n
	}
	return st
}

// armed reports whether a fault is pending for provider.
func (fi *faultInjector) armed(provider string) bool {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return slices.ContainsFunc(fi.pending, func(f Fault) bool { return f.Provider == provider })
}

// take spends one hit of the first pending fault of provider matching
// subject.
func (fi *faultInjector) take(provider, subject string) (Fault, bool) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	for i := range fi.pending {
		f := &fi.pending[i]
		if f.Provider != provider || !strings.Contains(subject, f.Match) {
			continue
		}
		hit := *f
		f.Count--
		if f.Count <= 0 {
			fi.pending = slices.Delete(fi.pending, i, i+1)
		}
		if fi.fired == nil {
			fi.fired = map[string]int{}
		}
		fi.fired[hit.Kind]++
		return hit, true
	}
	return Fault{}, false
}

// wrap injects the pending faults of provider into next.
func (fi *faultInjector) wrap(provider string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !fi.armed(provider) {
			next.ServeHTTP(w, r)
			return
		}
		subject := r.Method + " " + r.URL.Path
		if provider == ProviderSSLCI && r.Method == http.MethodPost {
			var body struct {
				Action string `json:"action"`
			}
			var data []byte
			data, r = bufferBody(r)
			if json.Unmarshal(data, &body) == nil && body.Action != "" {
				subject += " " + body.Action
			}
		}
		f, ok := fi.take(provider, subject)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		inject(f, w, r, next)
	})
}

// bufferBody reads up to maxFaultBody bytes of the request body and
// returns them with a shallow copy of r whose body replays them in front of
// the rest, for the API. Reading the body to its end also lets the server
// notice a client that hangs up.
func bufferBody(r *http.Request) ([]byte, *http.Request) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, r
	}
	data, _ := io.ReadAll(io.LimitReader(r.Body, maxFaultBody+1))
	r2 := r.WithContext(r.Context())
	r2.Body = readCloser{Reader: io.MultiReader(bytes.NewReader(data), r.Body), Closer: r.Body}
	return data, r2
}

type readCloser struct {
	io.Reader
	io.Closer
}

func inject(f Fault, w http.ResponseWriter, r *http.Request, next http.Handler) {
	switch f.Kind {
	case Fault500:
		writeProviderError(w, f.Provider, http.StatusInternalServerError, "sandbox fault: internal server error")
	case Fault429:
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		writeProviderError(w, f.Provider, http.StatusTooManyRequests, "sandbox fault: too many requests")
	case Fault502:
		writeNginxError(w, http.StatusBadGateway)
	case Fault503:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		writeNginxError(w, http.StatusServiceUnavailable)
	case FaultHTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, loginPage)
	case FaultTimeout, FaultSlow:
		_, r = bufferBody(r)
		t := time.NewTimer(time.Duration(f.Delay))
		defer t.Stop()
		select {
		case <-t.C:
			next.ServeHTTP(w, r)
		case <-r.Context().Done():
			// The client gave up: drop the request before the API sees it.
		}
	case FaultDropAfterCommit:
		next.ServeHTTP(&bufferedResponse{header: http.Header{}}, r)
		dropConnection(w)
	case FaultMalformed:
		rec := &bufferedResponse{header: http.Header{}}
		next.ServeHTTP(rec, r)
		rec.replayTruncated(w)
	}
}

// writeProviderError writes status with the provider's JSON error body.
func writeProviderError(w http.ResponseWriter, provider string, status int, msg string) {
	var body any
	switch provider {
	case ProviderSSLmarket:
		typ := "internal_error"
		if status == http.StatusTooManyRequests {
			typ = "too_many_requests"
		}
		body = map[string]any{"error": typ, "description": msg}
	case ProviderCyberSSL:
		body = map[string]any{"success": false, "error_code": status, "error_message": msg}
	default:
		body = map[string]any{"status": false, "message": msg}
	}
	data, _ := json.Marshal(body) //nolint:errchkjson // strings, bools and ints
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}

// writeNginxError writes status with the HTML page nginx serves when its
// upstream fails.
func writeNginxError(w http.ResponseWriter, status int) {
	title := fmt.Sprintf("%d %s", status, http.StatusText(status))
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Server", "nginx")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", title, title)
}

const loginPage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in</title></head>
<body>
<h1>Sign in to your account</h1>
<form method="post" action="/login">
<label>Email <input type="email" name="email"></label>
<label>Password <input type="password" name="password"></label>
<button type="submit">Sign in</button>
</form>
</body>
</html>
`

// dropConnection closes the client connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
		return
	}
	// HTTP/2 cannot be hijacked: abort the stream instead.
	panic(http.ErrAbortHandler)
}

// bufferedResponse records an answer of the API instead of sending it.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// replay sends the recorded answer to w.
func (b *bufferedResponse) replay(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status != 0 {
		w.WriteHeader(b.status)
	}
	_, _ = w.Write(b.body.Bytes())
}

// replayTruncated sends the recorded answer to w, a 2xx body cut to its
// first half (trailing blanks ignored).
func (b *bufferedResponse) replayTruncated(w http.ResponseWriter) {
	status := b.status
	if status == 0 {
		status = http.StatusOK
	}
	body := b.body.Bytes()
	if status >= 200 && status < 300 {
		body = bytes.TrimRight(body, " \t\r\n")
		body = body[:len(body)/2]
		b.header.Del("Content-Length")
	}
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// serveFaults serves FaultsPath.
func (s *Sandbox) serveFaults(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPost:
		faults, err := decodeFaults(http.MaxBytesReader(w, r.Body, maxFaultBody))
		if err == nil {
			err = s.AddFaults(faults...)
		}
		if err != nil {
			writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
	case http.MethodDelete:
		s.ClearFaults()
	default:
		w.Header().Set("Allow", "GET, HEAD, POST, DELETE")
		writeControlJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method " + r.Method + " not allowed"})
		return
	}
	writeControlJSON(w, http.StatusOK, s.Faults())
}

// decodeFaults reads a JSON array of faults, or a single fault.
func decodeFaults(body io.Reader) ([]Fault, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, errors.New("empty body: want a JSON array of faults")
	}
	var faults []Fault
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if data[0] == '[' {
		err = dec.Decode(&faults)
	} else {
		faults = make([]Fault, 1)
		err = dec.Decode(&faults[0])
	}
	if err != nil {
		return nil, fmt.Errorf("invalid JSON body: %w", err)
	}
	if dec.More() {
		return nil, errors.New("invalid JSON body: data after the faults")
	}
	return faults, nil
}

func writeControlJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) //nolint:errchkjson // a FaultStatus or a map of strings
}
