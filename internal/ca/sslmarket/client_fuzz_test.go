package sslmarket

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
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
const fuzzToken = "fuzz+c4n4ry/t0k=n&x<y>\"q"

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

func fuzzJSONEscaped(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a string always encodes
	}
	return strings.Trim(string(b), `"`)
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
		"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n",
		"0\x82\x01\x00\x06\x09*\x86H\x86\xf7\r\x01\x07\x02",
		`null`,
		`[]`,
		`true`,
		`{}`,
		`{"orders":null,"products":null}`,
		`{"orders":[],"products":[]}`,
		`{"orders":{},"products":"none"}`,
		`{"orders":[null,{"order_id":null,"years":"","dns_names":null,"inserted":"13.05.2026"}]}`,
		`{"orders":[{"order_id":"6.0","sans_order_count":"6.5"}]}`,
		`{"orders":[{"order_id":1e400}]}`,
		`{"orders":[{"order_id":99999999999999999999999}]}`,
		`{"order_id":-1}`,
		`{"order_id":"123456"}`,
		`{"order_id":9223372036854775807}`,
		`{"order_id":[1]}`,
		`{"products":[{"csr_required":"maybe","max_years":true,"min_san_values":{},"max_san_values":-9223372036854775808}]}`,
		`{"state":null,"days_remaining":"","auto_reissue":"yes","dns_names":"www.example.com"}`,
		`{"status":null}`,
		`{"status":""}`,
		`{"status":"revoked","this_update":1}`,
		`{"csr":{"pkey":{"length":{},"alghoritm":[1]}}}`,
		`{"certificate":{"length":2048,"alghoritm":true,"serial_number":123456789012345678901234567890,"pkey":null}}`,
		`{"orders":` + nested + `}`,
		nested,
		`{"error":{"type":"unauthorized","description":"bad ` + fuzzToken + `"}}`,
		`{"error":"unauthorized","description":"invalid X-Auth-Token ` + fuzzToken + `"}`,
		`{"error":"unauthorized","description":"invalid X-Auth-Token ` + fuzzJSONEscaped(fuzzToken) + `"}`,
		`{"type":null,"message":["a","b"],"error":7}`,
		`<html><body>X-Auth-Token: ` + fuzzToken + `</body></html>`,
		`{"status":"good","this_update":"` + strings.Repeat("x", 300) + fuzzToken,
	} {
		f.Add(ok, []byte(body))
		f.Add(fuzzStatusIndex(f, http.StatusInternalServerError), []byte(body))
	}
	f.Add(fuzzStatusIndex(f, http.StatusUnauthorized), []byte(`{"error":"unauthorized","description":"invalid X-Auth-Token `+fuzzToken+`"}`))
	f.Add(fuzzStatusIndex(f, http.StatusTooManyRequests), []byte(`{"error":"rate_limited"}`))
	f.Add(fuzzStatusIndex(f, http.StatusAccepted), []byte(`{"order_id":5}`))
}

// FuzzClientResponses serves the fuzzed body with a fuzzed status to every
// call that parses a response.
func FuzzClientResponses(f *testing.F) {
	addFuzzSeeds(f)
	s := newFuzzServer(f)
	c := s.client(f)
	ctx := context.Background()
	// The client checks only the PEM type of what it sends.
	csr := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte{0x30, 0x00}})
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0x00}})
	order := Order{
		Domain: "example.com", DNSNames: []string{"www.example.com"}, Years: 1, CSR: string(csr), DVAuthMethod: DVAuthFile,
		Contacts: Contacts{
			OwnerName: "Example Ltd", OwnerStreet: "1 High Street", OwnerCity: "London", OwnerZip: "SW1A 1AA",
			OwnerCountry: "GB", OwnerTel: "+44.123456789",
			AuthTitle: "Mr", AuthFirstname: "John", AuthLastname: "Smith", AuthTel: "+44.123456789", AuthEmail: "john@example.com",
			TechTitle: "Ms", TechFirstname: "Jane", TechLastname: "Doe", TechEmail: "jane@example.com", TechTel: "+44.987654321",
			InvoiceName: "Example Ltd", InvoiceStreet: "1 High Street", InvoiceCity: "London", InvoiceZip: "SW1A 1AA",
			InvoiceCountry: "GB", InvoiceEmail: "billing@example.com",
		},
	}
	names := []string{"example.com", "www.example.com"}

	f.Fuzz(func(t *testing.T, code uint8, body []byte) {
		status := fuzzStatuses[int(code)%len(fuzzStatuses)]
		s.reply.Store(&fuzzReply{status: status, body: body})
		check := fuzzChecker{t: t, status: status, body: body}

		products, err := c.Products(ctx)
		check.result("Products", products != nil, err, true)
		if p, ok := FindProduct(products, "rapidssl-rapidssl-dv"); ok {
			_, _ = p.IsSSL(), p.AllowsSANs(len(names)-1)
		}

		orders, err := c.Orders(ctx)
		check.result("Orders", orders != nil, err, true)
		for _, o := range orders {
			_, _ = o.Names(), o.HasNames(names)
			_, _ = o.InsertedAt()
			_ = StateClass(o.State)
		}

		details, err := c.Order(ctx, 123456)
		check.result("Order", details != nil, err, true)
		if details != nil {
			_ = details.Names()
			_, _ = details.InsertedAt()
			_ = StateClass(details.State)
		}

		placed, err := c.PlaceOrder(ctx, "rapidssl-rapidssl-dv", order)
		check.result("PlaceOrder", placed != nil, err, true)
		if placed != nil && placed.OrderID <= 0 {
			t.Fatalf("PlaceOrder succeeded with order_id %d", placed.OrderID)
		}

		chain, err := c.Download(ctx, 123456, FormatPEMIntermediate)
		check.result("Download pem", chain != nil, err, false)
		if chain != nil && !bytes.Contains(chain, []byte("-----BEGIN CERTIFICATE-----")) {
			t.Fatalf("Download pem succeeded without a certificate: %q", chain)
		}
		p7b, err := c.Download(ctx, 123456, FormatP7B)
		check.result("Download p7b", len(p7b) > 0, err, false)

		ocsp, err := c.CheckOCSP(ctx, cert)
		check.result("CheckOCSP", ocsp != nil, err, true)
		if ocsp != nil && ocsp.Status == "" {
			t.Fatalf("CheckOCSP succeeded without a status")
		}
		decCSR, err := c.DecodeCSR(ctx, csr)
		check.result("DecodeCSR", decCSR != nil, err, true)
		decCert, err := c.DecodeCertificate(ctx, cert)
		check.result("DecodeCertificate", decCert != nil, err, true)

		check.errorOnly("Reissue", c.Reissue(ctx, 123456, csr))
	})
}

// fuzzChecker holds the invariants of one answer.
type fuzzChecker struct {
	t      *testing.T
	status int
	body   []byte
}

// errorOnly checks a call that returns only an error (and ignores a 2xx
// body) like result.
func (k fuzzChecker) errorOnly(call string, err error) {
	k.t.Helper()
	k.result(call, err == nil, err, false)
}

// result checks one call: an error or a result, never both or neither; an
// error for every non-2xx; no transport error (the server always answers);
// no token in the error; the documented classification of non-2xx
// answers; success only for a JSON body (when wantJSON).
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
