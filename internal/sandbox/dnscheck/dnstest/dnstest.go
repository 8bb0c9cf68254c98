// Package dnstest runs small in-process authoritative DNS servers on the
// loopback interface for tests of DNS domain validation.
package dnstest

import (
	"context"
	"net"
	"sort"
	"sync"
	"testing"

	"github.com/miekg/dns"

	"github.com/reseller-issuer/reseller-issuer/internal/dnsrecord"
)

// Server answers authoritatively from a map of records the test controls.
// A name without records is NXDOMAIN; a query for another type than a
// CNAME present at the name gets the CNAME (and the target's records of the
// asked type, when the server has them).
type Server struct {
	// Addr is the host:port the server listens on (UDP).
	Addr string

	mu      sync.Mutex
	records map[string][]dns.RR // canonical owner name -> records
	queries []string
}

// NewServer starts a Server on 127.0.0.1, UDP, stopped when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{records: map[string][]dns.RR{}}
	s.Addr = Serve(t, s, false)
	return s
}

// AddTXT adds one TXT record per value at name (values are raw text; long
// values are split into 255-byte character-strings).
func (s *Server) AddTXT(name string, values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	owner := dns.CanonicalName(name)
	for _, v := range values {
		rr := &dns.TXT{Hdr: header(owner, dns.TypeTXT), Txt: dnsrecord.SplitTXT(v)}
		s.records[owner] = append(s.records[owner], rr)
	}
}

// AddCNAME adds a CNAME record at name pointing to target.
func (s *Server) AddCNAME(name, target string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	owner := dns.CanonicalName(name)
	rr := &dns.CNAME{Hdr: header(owner, dns.TypeCNAME), Target: dns.Fqdn(target)}
	s.records[owner] = append(s.records[owner], rr)
}

// Remove deletes every record at name.
func (s *Server) Remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.records, dns.CanonicalName(name))
}

// Queries returns the questions received so far, as "TYPE name." strings
// with lowercased names, sorted.
func (s *Server) Queries() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]string(nil), s.queries...)
	sort.Strings(out)
	return out
}

// ServeDNS answers one query from the records.
func (s *Server) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		_ = w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	name := dns.CanonicalName(q.Name)
	s.mu.Lock()
	s.queries = append(s.queries, dns.TypeToString[q.Qtype]+" "+name)
	m.Answer = s.answer(name, q.Qtype, 0)
	if len(s.records[name]) == 0 {
		m.Rcode = dns.RcodeNameError
	}
	s.mu.Unlock()
	_ = w.WriteMsg(m)
}

// answer returns the records of name for qtype, following CNAMEs. Called
// with s.mu held.
func (s *Server) answer(name string, qtype uint16, depth int) []dns.RR {
	var out []dns.RR
	for _, rr := range s.records[name] {
		if rr.Header().Rrtype == qtype {
			out = append(out, dns.Copy(rr))
		}
	}
	if len(out) > 0 || qtype == dns.TypeCNAME || depth > 8 {
		return out
	}
	for _, rr := range s.records[name] {
		if c, ok := rr.(*dns.CNAME); ok {
			out = append(out, dns.Copy(c))
			return append(out, s.answer(dns.CanonicalName(c.Target), qtype, depth+1)...)
		}
	}
	return out
}

// Serve serves h on 127.0.0.1 over UDP, and also over TCP on the same port
// when withTCP is set, until the test ends. It returns the host:port.
func Serve(t testing.TB, h dns.Handler, withTCP bool) string {
	t.Helper()
	var lc net.ListenConfig
	for attempt := 0; ; attempt++ {
		pc, err := lc.ListenPacket(context.Background(), "udp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("dnstest: listening on UDP: %v", err)
		}
		addr := pc.LocalAddr().String()
		var ln net.Listener
		if withTCP {
			ln, err = lc.Listen(context.Background(), "tcp", addr)
			if err != nil {
				_ = pc.Close()
				if attempt < 10 {
					continue // the port is taken for TCP: try another one
				}
				t.Fatalf("dnstest: listening on TCP %s: %v", addr, err)
			}
		}
		start(t, &dns.Server{PacketConn: pc, Handler: h})
		if ln != nil {
			start(t, &dns.Server{Listener: ln, Handler: h})
		}
		return addr
	}
}

func start(t testing.TB, srv *dns.Server) {
	t.Helper()
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		err = srv.ActivateAndServe()
	}()
	select {
	case <-started:
	case <-done:
		t.Fatalf("dnstest: serving: %v", err)
	}
	t.Cleanup(func() {
		_ = srv.Shutdown()
		<-done
	})
}

func header(owner string, rrtype uint16) dns.RR_Header {
	return dns.RR_Header{Name: owner, Rrtype: rrtype, Class: dns.ClassINET, Ttl: 60}
}
