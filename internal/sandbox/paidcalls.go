package sandbox

// Paid-call announcements: every call that costs money (an SSLmarket or
// CyberSSL order, an SSLmarket or CyberSSL reissue, an SSLCI finalize) is
// announced as it arrives and as it is answered, with the client's address,
// so a chaos test can kill the client that made it while its outcome is in
// flight (GET /sandbox/paidcalls).

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// PaidCallsPath lists the paid calls seen: GET ?after=SEQ returns the
// events after SEQ, waiting up to ?wait= (a Go duration, at most 10 s) for
// one when there is none yet. POST ?before=&after= (Go durations, 0 to
// end them) hold every paid call that long before the API carries it out
// (a client that hangs up meanwhile is dropped: nothing is carried out)
// and its answer that long after, as a slow reseller does: the money is
// spent, the client does not know yet.
const PaidCallsPath = "/sandbox/paidcalls"

// Paid call kinds.
const (
	PaidOrder    = "order"
	PaidReissue  = "reissue"
	PaidFinalize = "finalize"
)

// Paid call phases.
const (
	PhaseArrived  = "arrived"
	PhaseAnswered = "answered"
	// PhaseDropped: the client hung up before the API carried the call
	// out; nothing was.
	PhaseDropped = "dropped"
)

// maxPaidCallEvents bounds the events kept (the oldest go first).
const maxPaidCallEvents = 10000

// PaidCallEvent is one announcement.
type PaidCallEvent struct {
	// Seq numbers the events from 1.
	Seq int `json:"seq"`
	// Call numbers the paid calls from 1: a call's two events share it.
	Call     int    `json:"call"`
	Provider string `json:"provider"`
	// Kind is PaidOrder, PaidReissue or PaidFinalize.
	Kind string `json:"kind"`
	// Phase is PhaseArrived, PhaseAnswered or PhaseDropped.
	Phase string `json:"phase"`
	// Remote is the client's address (host:port) as the sandbox saw it.
	Remote string `json:"remote"`
	// Status is the HTTP status answered (PhaseAnswered only).
	Status int       `json:"status,omitempty"`
	At     time.Time `json:"at"`
}

// paidCalls records the announcements; its zero value is ready.
type paidCalls struct {
	mu                    sync.Mutex
	holdBefore, holdAfter time.Duration
	events                []PaidCallEvent
	seq                   int
	calls                 int
	changed               chan struct{} // closed and replaced on every event
}

// paidKind tells which paid call subject is ("" for a free one); subject
// is as for Fault.Match.
func paidKind(provider, subject string) string {
	switch provider {
	case ProviderSSLmarket:
		switch {
		case strings.HasPrefix(subject, "POST /order/certificate/"):
			return PaidOrder
		case strings.HasPrefix(subject, "POST /certificate/order_id/") && strings.HasSuffix(subject, "/reissue"):
			return PaidReissue
		}
	case ProviderCyberSSL:
		switch subject {
		case "POST /add_ssl_order":
			return PaidOrder
		case "POST /reissue_ssl_order":
			return PaidReissue
		}
	case ProviderSSLCI:
		if strings.HasSuffix(subject, " finalize") {
			return PaidFinalize
		}
	}
	return ""
}

func (pc *paidCalls) record(e PaidCallEvent) PaidCallEvent {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.seq++
	e.Seq, e.At = pc.seq, time.Now()
	if e.Phase == PhaseArrived {
		pc.calls++
		e.Call = pc.calls
	}
	pc.events = append(pc.events, e)
	if len(pc.events) > maxPaidCallEvents {
		pc.events = pc.events[len(pc.events)-maxPaidCallEvents:]
	}
	if pc.changed != nil {
		close(pc.changed)
		pc.changed = nil
	}
	return e
}

// after returns the events after seq, or a channel closed on the next event.
func (pc *paidCalls) after(seq int) ([]PaidCallEvent, <-chan struct{}) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	var out []PaidCallEvent
	for _, e := range pc.events {
		if e.Seq > seq {
			out = append(out, e)
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	if pc.changed == nil {
		pc.changed = make(chan struct{})
	}
	return nil, pc.changed
}

// wrap announces the paid calls of provider served by next.
func (pc *paidCalls) wrap(provider string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		subject := r.Method + " " + r.URL.Path
		// The whole body is read, so a client that hangs up is noticed.
		var data []byte
		data, r = bufferBody(r)
		if provider == ProviderSSLCI && r.Method == http.MethodPost {
			var body struct {
				Action string `json:"action"`
			}
			if json.Unmarshal(data, &body) == nil && body.Action != "" {
				subject += " " + body.Action
			}
		}
		kind := paidKind(provider, subject)
		if kind == "" {
			next.ServeHTTP(w, r)
			return
		}
		arrived := pc.record(PaidCallEvent{Provider: provider, Kind: kind, Phase: PhaseArrived, Remote: r.RemoteAddr})
		pc.mu.Lock()
		before, after := pc.holdBefore, pc.holdAfter
		pc.mu.Unlock()
		hold := time.NewTimer(before)
		defer hold.Stop()
		select {
		case <-hold.C:
		case <-r.Context().Done():
			pc.record(PaidCallEvent{Call: arrived.Call, Provider: provider, Kind: kind, Phase: PhaseDropped, Remote: r.RemoteAddr})
			return
		}
		rec := &bufferedResponse{header: http.Header{}}
		next.ServeHTTP(rec, r)
		time.Sleep(after)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		pc.record(PaidCallEvent{Call: arrived.Call, Provider: provider, Kind: kind, Phase: PhaseAnswered, Remote: r.RemoteAddr, Status: status})
		rec.replay(w)
	})
}

// serve serves GET PaidCallsPath.
func (pc *paidCalls) serve(w http.ResponseWriter, r *http.Request) {
	after, err := strconv.Atoi(r.URL.Query().Get("after"))
	if err != nil && r.URL.Query().Has("after") {
		writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": "after must be an integer"})
		return
	}
	var wait time.Duration
	if v := r.URL.Query().Get("wait"); v != "" {
		if wait, err = time.ParseDuration(v); err != nil || wait < 0 {
			writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": "wait must be a non-negative Go duration"})
			return
		}
	}
	timer := time.NewTimer(min(wait, 10*time.Second))
	defer timer.Stop()
	for {
		events, changed := pc.after(after)
		if changed == nil {
			writeControlJSON(w, http.StatusOK, events)
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			writeControlJSON(w, http.StatusOK, []PaidCallEvent{})
			return
		case <-r.Context().Done():
			return
		}
	}
}

// serveLatency serves POST PaidCallsPath.
func (pc *paidCalls) serveLatency(w http.ResponseWriter, r *http.Request) {
	var holds [2]time.Duration
	for i, name := range []string{"before", "after"} {
		d, err := time.ParseDuration(r.URL.Query().Get(name))
		if err != nil || d < 0 || d > 10*time.Second {
			writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": name + " must be a Go duration from 0 to 10s"})
			return
		}
		holds[i] = d
	}
	pc.mu.Lock()
	pc.holdBefore, pc.holdAfter = holds[0], holds[1]
	pc.mu.Unlock()
	writeControlJSON(w, http.StatusOK, map[string]string{"before": holds[0].String(), "after": holds[1].String()})
}
