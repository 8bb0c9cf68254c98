package ca

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// fuzzStateSeeds are stored states as the controller writes them (built
// with the State API, so they follow the encoding) plus the values of
// internal/order's store tests and malformed inputs.
func fuzzStateSeeds(f *testing.F) []string {
	f.Helper()
	at := time.Date(2026, 5, 13, 10, 15, 0, 123456789, time.UTC)

	empty := NewState("sslci", at)

	intent := NewState("sslmarket", at)
	intent.Intent = &Intent{Step: "order", At: at.Add(time.Minute), Attempt: 2}

	names := NewState("cyberssl", at)
	names.OrderID = "9999"
	names.Name("example.com").Challenge = &Challenge{
		Name: "example.com", Type: HTTP01,
		Path: "/.well-known/pki-validation/F50E098C713586FE9A.txt", Content: "b056c5e3252182a844b80e1eb5de04736c09c9d9",
	}
	www := names.Name("*.example.com")
	www.Challenge = &Challenge{
		Name: "*.example.com", Type: DNS01,
		Record: "_dnsauth.example.com", RecordType: "CNAME", Content: "b056c5e3252182a844b80e1eb5de0473.comodoca.com",
	}
	www.Verified = true
	www.OrderID = "42"
	names.Name("other.example.com").LastError = "domain not verified"

	issued := NewState("sslci", at.In(time.FixedZone("CEST", 2*60*60)))
	issued.OrderID = "5"
	issued.ChainPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

	var out []string
	for _, s := range []*State{empty, intent, names, issued} {
		enc, err := s.Encode()
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, enc)
	}
	full := out[2]
	return append(out,
		// internal/order store tests.
		`{"v":9,"provider":"sslci"}`,
		`{"v":1}`,
		`{"v":1,"provider":"sslci","orderID":"3"}`,
		// Malformed.
		"",
		full[:len(full)/2],
		"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
		`null`,
		`{"v":null,"provider":null,"intent":null,"names":null,"progress":null}`,
		`{"v":1,"provider":"x","names":[null,{"name":null,"challenge":null}]}`,
		`{"v":1e400,"provider":"sslci"}`,
		`{"v":99999999999999999999999,"provider":"sslci"}`,
		`{"v":1,"provider":"sslci","intent":{"attempt":1e308}}`,
		`{"v":"1","provider":1}`,
		`{"v":1,"provider":"sslci","names":"example.com"}`,
		`{"v":1,"provider":"sslci","progress":"yesterday"}`,
		`{"v":1,"provider":"sslci","progress":"9999-12-31T23:59:59.999999999+23:59"}`,
		`{"v":1,"provider":"sslci","progress":"0000-01-01T00:00:00-23:59"}`,
		`{"v":1,"provider":"sslci","names":`+strings.Repeat("[", 512)+strings.Repeat("]", 512)+`}`,
		`{"V":1,"PROVIDER":"sslci","v":1,"Names":[{"Name":"a","Verified":true}]}`,
		"{\"v\":1,\"provider\":\"\xff\xfe\",\"orderID\":\"\\ud800\"}",
	)
}

func FuzzDecodeState(f *testing.F) {
	for _, s := range fuzzStateSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		st, err := DecodeState(data)
		if err != nil {
			if st != nil {
				t.Fatalf("DecodeState returned a state and the error %v", err)
			}
			return
		}
		if st == nil {
			if data != "" {
				t.Fatalf("DecodeState(%q) returned neither a state nor an error", data)
			}
			return
		}
		if st.Version != StateVersion || st.Provider == "" {
			t.Fatalf("DecodeState accepted version %d, provider %q", st.Version, st.Provider)
		}

		enc, err := st.Encode()
		if err != nil {
			t.Fatalf("accepted state does not encode: %v", err)
		}
		again, err := DecodeState(enc)
		if err != nil {
			t.Fatalf("re-encoded state %s does not decode: %v", enc, err)
		}
		if !fuzzEqualStates(st, again) {
			t.Fatalf("round trip changed the state:\n first: %#v\nsecond: %#v\nencoding: %s", st, again, enc)
		}
		enc2, err := again.Encode()
		if err != nil {
			t.Fatalf("second encoding failed: %v", err)
		}
		if enc2 != enc {
			t.Fatalf("encoding is not stable:\n first: %s\nsecond: %s", enc, enc2)
		}

		open := st.OpenChallenges()
		want := 0
		for _, n := range st.Names {
			if n.Challenge != nil && !n.Verified {
				want++
			}
		}
		if len(open) != want {
			t.Fatalf("OpenChallenges returned %d challenges, want %d", len(open), want)
		}
		before := len(st.Names)
		for _, n := range append([]string{"example.com", ""}, fuzzStateNames(st)...) {
			ns := st.Name(n)
			if ns == nil || ns.Name != n {
				t.Fatalf("Name(%q) returned %#v", n, ns)
			}
		}
		if len(st.Names) < before {
			t.Fatalf("Name dropped names: %d before, %d after", before, len(st.Names))
		}
	})
}

func fuzzStateNames(st *State) []string {
	out := make([]string, 0, len(st.Names))
	for _, n := range st.Names {
		out = append(out, n.Name)
	}
	return out
}

// equalStates compares two states field by field, times as instants with
// the same zone offset.
func fuzzEqualStates(a, b *State) bool {
	return fuzzSameTime(a.Progress, b.Progress) &&
		reflect.DeepEqual(fuzzWithoutTimes(a), fuzzWithoutTimes(b)) &&
		(a.Intent == nil) == (b.Intent == nil) &&
		(a.Intent == nil || fuzzSameTime(a.Intent.At, b.Intent.At))
}

func fuzzSameTime(a, b time.Time) bool {
	_, oa := a.Zone()
	_, ob := b.Zone()
	return a.Equal(b) && oa == ob
}

func fuzzWithoutTimes(s *State) State {
	c := *s
	c.Progress = time.Time{}
	if len(c.Names) == 0 {
		c.Names = nil
	}
	if s.Intent != nil {
		i := *s.Intent
		i.At = time.Time{}
		c.Intent = &i
	}
	return c
}
