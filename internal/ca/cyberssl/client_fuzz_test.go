package cyberssl

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// fuzzStatuses are the HTTP statuses the fuzzed server answers with; the
// fuzzer picks one by index.
var fuzzStatuses = []int{200, 201, 202, 400, 401, 403, 404, 429, 500, 502}

// The canaries: neither may appear in an error. They need escaping in a
// query string, a form body and JSON.
const (
	fuzzAPIKey = "fuzz+4p1k3y/c4n4ry=&x<y>"
	fuzzToken  = "fuzz+s3ss10n/t0k3n=&x<y>"
)

// fuzzReply is what the server answers to the next requests. auth: the
// auth method answers it too; otherwise auth opens a session with
// fuzzToken.
type fuzzReply struct {
	status int
	body   []byte
	auth   bool
}

// fuzzServer is one httptest server per fuzz target whose answer is swapped
// for every input.
type fuzzServer struct {
	srv   *httptest.Server
	hc    *http.Client
	reply atomic.Pointer[fuzzReply]
}

func newFuzzServer(f *testing.F) *fuzzServer {
	f.Helper()
	s := &fuzzServer{}
	s.reply.Store(&fuzzReply{status: http.StatusOK})
	session, err := json.Marshal(map[string]any{"success": true, "token": fuzzToken})
	if err != nil {
		f.Fatal(err)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		rp := s.reply.Load()
		status, body := rp.status, rp.body
		if !rp.auth && strings.HasSuffix(r.URL.Path, "/"+endpointAuth) {
			status, body = http.StatusOK, session
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	f.Cleanup(s.srv.Close)
	s.hc = &http.Client{
		Transport:     s.srv.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s
}

// client returns a new client (without a session).
func (s *fuzzServer) client(t *testing.T) *Client {
	t.Helper()
	c, err := New(s.srv.URL+"/v1/", fuzzAPIKey, rest.WithHTTPClient(s.hc))
	if err != nil {
		t.Fatal(err)
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

// addFuzzSeeds adds every testdata fixture (with 200, error fixtures also
// with 401 or 502) and malformed bodies.
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
		switch base := filepath.Base(file); {
		case base == "error_auth.json":
			f.Add(fuzzStatusIndex(f, http.StatusUnauthorized), b)
		case base == "error_param.json":
			f.Add(fuzzStatusIndex(f, http.StatusBadRequest), b)
		case base == "error_502.html":
			f.Add(fuzzStatusIndex(f, http.StatusBadGateway), b)
		case strings.HasSuffix(base, ".json"):
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
		`{}`,
		`{"success":null}`,
		`{"success":"1"}`,
		`{"success":"maybe"}`,
		`{"success":true}`,
		`{"success":true,"token":null}`,
		`{"success":true,"token":12345}`,
		`{"success":true,"token":false}`,
		`{"success":true,"token":["a"]}`,
		`{"success":true,"ssl_products":{"17":{"product_id":"17"},"2":{"product_id":2}}}`,
		`{"success":true,"ssl_products":"none","ssl_orders":false}`,
		`{"success":true,"ssl_orders":[null,{"order_id":null,"domains_included":{"b":"x.com","a":"y.com"},"date_created":"1715000000"}]}`,
		`{"success":true,"ssl_orders":[{"order_id":"5.0","period":"5.5","amount":{}}]}`,
		`{"success":true,"order_id":1e400}`,
		`{"success":true,"order_id":99999999999999999999999}`,
		`{"success":true,"order_id":9007199254740993.0}`,
		`{"success":true,"order_id":-1}`,
		`{"success":true,"order_id":"0x10"}`,
		`{"success":true,"order_id":5,"dv_options":{"http":{"a.com":{"content":"c","link":"http://[::1"}},"dns":{"a.com":{"record":"a.com. 300 IN TXT \"v\""}}}}`,
		`{"success":true,"order_id":5,"dv_options":{"https":{"a.com":{"content":"c","filename":"../../x"}},"dns":{"a.com":{"record":"IN CNAME"}},"email":{"a.com":"x@a.com; y@a.com"}}}`,
		`{"success":true,"order_id":5,"dv_options":"none"}`,
		// Regressions: a derived path "/.well-known/pki-validation/..", a
		// challenge without a host.
		`{"success":true,"order_id":5,"dv_options":{"http":{"a.com":{"content":"c","filename":"x/.."}}}}`,
		`{"success":true,"order_id":5,"dv_options":{"http":{"":{"content":"c","filename":"x"}},"https":{"*.":{"content":"c","filename":"x"}}}}`,
		`{"success":true,"status":"  activated ","certificate":""}`,
		`{"success":true,"status":"Activated","certificate":null}`,
		`{"success":true,"status":["Activated"]}`,
		`{"success":true,"status":"Processing","contacts":"","domains_included":null,"valid_from":"2026-13-45"}`,
		`{"success":true,"balance":"1e400","amount":true}`,
		`{"success":true,"csr":{"san":[1,true,null,"a.com,b.com"],"keysize":"2048.0"}}`,
		`{"success":true,"product":[]}`,
		`{"success":true,"ssl_orders":` + nested + `}`,
		nested,
		`{"success":false}`,
		`{"success":false,"error_code":null,"error_message":null}`,
		`{"success":false,"error_code":{"a":1},"error_message":["session expired","retry"]}`,
		`{"success":false,"error_code":401,"error_message":"Invalid token ` + fuzzToken + `"}`,
		`{"success":false,"error_code":401,"error_message":"Invalid API key ` + fuzzJSONEscaped(fuzzAPIKey) + `"}`,
		`{"success":false,"error_code":"401","error_message":"GET /v1/auth?apikey=` + url.QueryEscape(fuzzAPIKey) + `"}`,
		`{"success":false,"token":"leaked-session-token","error_message":"refused leaked-session-token"}`,
		`<html><body>token=` + fuzzToken + ` apikey=` + fuzzAPIKey + `</body></html>`,
		`{"success":true,"order_id":"` + strings.Repeat("x", 300) + fuzzAPIKey,
	} {
		f.Add(ok, []byte(body))
		f.Add(fuzzStatusIndex(f, http.StatusInternalServerError), []byte(body))
	}
	f.Add(fuzzStatusIndex(f, http.StatusUnauthorized), []byte(`{"success":false,"error_code":401,"error_message":"Invalid token `+fuzzToken+`"}`))
	f.Add(fuzzStatusIndex(f, http.StatusForbidden), []byte(`{"success":false,"error_message":"session expired"}`))
	f.Add(fuzzStatusIndex(f, http.StatusTooManyRequests), []byte(`{"success":false,"error_message":"slow down"}`))
	f.Add(fuzzStatusIndex(f, http.StatusCreated), []byte(`{"success":true,"token":"abc"}`))
}

// FuzzClientResponses serves the fuzzed body with a fuzzed status first to
// auth, then (with a working session) to every other call that parses a
// response.
func FuzzClientResponses(f *testing.F) {
	addFuzzSeeds(f)
	s := newFuzzServer(f)
	ctx := context.Background()
	// The client checks only the PEM type of what it sends.
	csr := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte{0x30, 0x00}}))
	order := OrderRequest{
		ProductID: 17, OrderType: OrderTypeNew, Period: 1, DVMethod: DVMethodHTTP, AddonDomains: []string{"www.test.com"},
		Admin: Contact{FirstName: "John", LastName: "Smith", Phone: "0042321313", Title: "IT manager", Email: "admin@test.com"},
		CSR:   csr,
	}
	names := []string{"test.com", "www.test.com"}
	since := time.Date(2026, 5, 13, 0, 0, 0, 0, time.UTC)

	f.Fuzz(func(t *testing.T, code uint8, body []byte) {
		status := fuzzStatuses[int(code)%len(fuzzStatuses)]
		// auth itself: the client knows only the API key.
		check := fuzzChecker{t: t, status: status, body: body, secrets: []string{fuzzAPIKey}}
		s.reply.Store(&fuzzReply{status: status, body: body, auth: true})
		err := s.client(t).Authenticate(ctx)
		check.result("Authenticate", err == nil, err)
		if err == nil && strings.TrimSpace(tokenIn(body)) == "" {
			t.Fatalf("Authenticate succeeded without a token")
		}

		// Every other call, with a session opened before: a refusal
		// renews it once.
		s.reply.Store(&fuzzReply{status: http.StatusOK, body: body})
		c := s.client(t)
		if err := c.Authenticate(ctx); err != nil {
			t.Fatal(err)
		}
		s.reply.Store(&fuzzReply{status: status, body: body})
		check.secrets = []string{fuzzAPIKey, fuzzToken}

		products, err := c.Products(ctx)
		check.result("Products", products != nil, err)
		if products != nil {
			if p, ok := products.Find(17); ok {
				a, _ := p.PriceFor(1)
				_, _ = a.Float64()
			}
		}
		certs, err := c.Certificates(ctx)
		check.result("Certificates", certs != nil, err)

		orders, err := c.Orders(ctx)
		check.result("Orders", orders != nil, err)
		if orders != nil {
			for _, o := range orders.SSLOrders.Matching(names, since) {
				_, _ = o.Names(), o.OrderID.String()
				_, _ = o.CreatedAt()
			}
		}

		added, err := c.AddOrder(ctx, order)
		check.result("AddOrder", added != nil, err)
		if added != nil {
			if added.OrderID <= 0 {
				t.Fatalf("AddOrder succeeded with order_id %d", added.OrderID)
			}
			fuzzChallenges(t, added.DVOptions)
		}
		reissued, err := c.Reissue(ctx, ReissueRequest{OrderID: 9999, DVMethod: DVMethodDNS, CSR: csr})
		check.result("Reissue", reissued != nil, err)
		if reissued != nil {
			fuzzChallenges(t, reissued.DVOptions)
		}

		st, err := c.OrderStatus(ctx, 9999)
		check.result("OrderStatus", st != nil, err)
		if st != nil {
			if st.Class() == ClassIssued && strings.TrimSpace(st.Certificate) == "" {
				t.Fatalf("OrderStatus %q without a certificate", st.Status)
			}
			_, _ = st.Names(), st.Contacts.Admin()
			_, _ = st.ValidFromTime()
			_, _ = st.ValidTillTime()
		}

		opts, err := c.DVOptions(ctx, 9999, DVMethodAll)
		check.result("DVOptions", opts != nil, err)
		if opts != nil {
			fuzzChallenges(t, opts.DVOptions)
		}
		changed, err := c.ChangeDVMethod(ctx, ChangeDVMethodRequest{OrderID: 9999, Domain: "test.com", DVMethod: DVMethodEmail, Email: "admin@test.com"})
		check.result("ChangeDVMethod", changed != nil, err)
		if changed != nil {
			fuzzChallenges(t, changed.DVOptions)
		}

		valid, err := c.ValidateCSR(ctx, ValidateCSRRequest{CSR: csr, ProductID: 17, AddonDomains: names[1:]})
		check.result("ValidateCSR", valid != nil, err)
		details, err := c.ProductDetails(ctx, 17)
		check.result("ProductDetails", details != nil, err)
		price, err := c.Price(ctx, 17, 1, 2)
		check.result("Price", price != nil, err)
		if price != nil {
			_, _ = price.Amount.Float64()
		}
		balance, err := c.Balance(ctx)
		check.result("Balance", balance != nil, err)
		extra, err := c.OrderExtraDomains(ctx, 9999, 1)
		check.result("OrderExtraDomains", extra != nil, err)
		err = c.Revalidate(ctx, 9999, "test.com")
		check.result("Revalidate", err == nil, err)
	})
}

// fuzzChallenges derives the challenges of every method, as the flow does,
// and checks what Challenges promises: a usable file (content, host, an
// absolute path; a derived one without dot segments) or DNS record.
func fuzzChallenges(t *testing.T, o DVOptions) {
	t.Helper()
	for _, m := range []string{DVMethodHTTP, DVMethodHTTPS, DVMethodDNS, DVMethodEmail} {
		all, err := o.Challenges(m)
		if err != nil {
			continue
		}
		for _, ch := range all {
			switch f, r := ch.File, ch.Record; {
			case f != nil && (strings.TrimSpace(f.Content) == "" || f.Host == "" || !strings.HasPrefix(f.Path, "/")):
				t.Fatalf("unusable %s challenge for %q: %#v", m, ch.Domain, f)
			case f != nil && strings.TrimSpace(fuzzOptionLink(o, m, ch.Domain)) == "" && path.Clean(f.Path) != f.Path:
				t.Fatalf("%s challenge for %q: derived path %q has dot segments", m, ch.Domain, f.Path)
			case r != nil && (r.Name == "" || r.Value == "" || (r.Type != RecordCNAME && r.Type != RecordTXT)):
				t.Fatalf("unusable dns challenge for %q: %#v", ch.Domain, r)
			}
		}
		_, _, _ = o.Challenge(m, "test.com")
	}
}

// fuzzOptionLink is the link of the file option of domain.
func fuzzOptionLink(o DVOptions, method, domain string) string {
	if method == DVMethodHTTPS {
		return o.HTTPS[domain].Link
	}
	return o.HTTP[domain].Link
}

// fuzzChecker holds the invariants of one answer.
type fuzzChecker struct {
	t      *testing.T
	status int
	body   []byte
	// secrets the client holds.
	secrets []string
}

// result checks one call: an error or a result, never both or neither; an
// error for every non-2xx; no transport error (the server always answers);
// no secret in the error; the documented classification of non-2xx
// answers; success only for a JSON body.
func (k fuzzChecker) result(call string, hasResult bool, err error) {
	k.t.Helper()
	ok2xx := k.status >= 200 && k.status <= 299
	switch {
	case err == nil && !hasResult:
		k.t.Fatalf("%s: HTTP %d: neither a result nor an error", call, k.status)
	case err != nil && hasResult:
		k.t.Fatalf("%s: HTTP %d: both a result and the error %v", call, k.status, err)
	case err == nil && !ok2xx:
		k.t.Fatalf("%s: HTTP %d answered without an error", call, k.status)
	case err == nil && !json.Valid(k.body):
		k.t.Fatalf("%s: HTTP %d: a body that is not JSON was accepted", call, k.status)
	case err == nil:
		return
	}
	var te *rest.TransportError
	if errors.As(err, &te) {
		k.t.Fatalf("%s: HTTP %d: the server answered, yet: %v", call, k.status, err)
	}
	msg := err.Error()
	for _, secret := range k.secrets {
		for _, form := range []string{secret, url.QueryEscape(secret), fuzzJSONEscaped(secret)} {
			if strings.Contains(msg, form) {
				k.t.Fatalf("%s: HTTP %d: a secret (as %q) is in the error %q", call, k.status, form, msg)
			}
		}
	}
	if ok2xx {
		return
	}
	if temp := k.status >= 500 || k.status == http.StatusTooManyRequests; IsTemporary(err) != temp {
		k.t.Fatalf("%s: HTTP %d: IsTemporary = %v for %v", call, k.status, !temp, err)
	}
	if k.status == http.StatusUnauthorized && !IsAuth(err) {
		k.t.Fatalf("%s: HTTP 401: IsAuth = false for %v", call, err)
	}
	if ae, ok := asAPIError(err); !ok || ae.StatusCode != k.status {
		k.t.Fatalf("%s: HTTP %d: error is not an APIError with that status: %v", call, k.status, err)
	}
}
