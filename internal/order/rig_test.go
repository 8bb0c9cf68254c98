package order_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/reseller-issuer/reseller-issuer/api/v1alpha1"
	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/cyberssl"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslci"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/sslmarket"
	"github.com/reseller-issuer/reseller-issuer/internal/order"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/sandboxtest"
)

// The rig runs the one order protocol (order.Protocol over the real
// order.Journal on a fake API server) against each reseller's real calls
// and the real sandbox, in-process, with crashes injected at the journal.

const (
	token   = "rig-token"
	account = "rig"
	ns      = "shop"
	// paidCallBound makes an unanswered claim stale after a minute.
	paidCallBound = 40 * time.Second
)

var errCrash = errors.New("killed")

// reseller is one reseller in the rig: how to build its calls, and what
// the sandbox counts of what it sold.
type reseller struct {
	provider string
	years    int32
	calls    func(apiURL string, pub ca.Publisher, now func() time.Time) (order.Reseller, error)
	// paid counts the billable calls (orders, SSLCI finalizes); reissues
	// the free reissues.
	paid, reissues func(sandbox.Stats) int
	// place orders req at the reseller directly (nil: it cannot be
	// adopted, SSLCI) and returns the order id.
	place func(apiURL string, req ca.Request) (string, error)
}

var resellers = []reseller{
	{
		provider: v1alpha1.ProviderSSLCI,
		calls: func(apiURL string, pub ca.Publisher, now func() time.Time) (order.Reseller, error) {
			c, err := sslci.New(apiURL+sandbox.SSLCIPath, token)
			return &sslci.Reseller{Client: c, Method: sslci.MethodHTTP, Publisher: pub, Now: now}, err
		},
		paid:     func(s sandbox.Stats) int { return s.SSLCI[account].Finalizes },
		reissues: func(sandbox.Stats) int { return 0 },
	},
	{
		provider: v1alpha1.ProviderSSLMarket, years: 2,
		calls: func(apiURL string, pub ca.Publisher, now func() time.Time) (order.Reseller, error) {
			c, err := sslmarket.New(apiURL+sandbox.SSLmarketPath, token)
			return &sslmarket.Reseller{Client: c, ProductCode: "rapidssl-rapidssl-dv", Years: 2, DVAuthMethod: sslmarket.DVAuthFile, Contacts: sslmarketContacts(), Publisher: pub, Now: now}, err
		},
		paid:     func(s sandbox.Stats) int { return s.SSLmarket[account].Orders },
		reissues: func(s sandbox.Stats) int { return s.SSLmarket[account].Reissues },
		place: func(apiURL string, req ca.Request) (string, error) {
			c, err := sslmarket.New(apiURL+sandbox.SSLmarketPath, token)
			if err != nil {
				return "", err
			}
			resp, err := c.PlaceOrder(context.Background(), "rapidssl-rapidssl-dv", sslmarket.Order{
				Domain: req.DNSNames[0], DNSNames: req.DNSNames[1:], Years: 2, CSR: string(req.CSR), DVAuthMethod: sslmarket.DVAuthFile, Contacts: sslmarketContacts(),
			})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(resp.OrderID), nil
		},
	},
	{
		provider: v1alpha1.ProviderCyberSSL, years: 2,
		calls: func(apiURL string, pub ca.Publisher, now func() time.Time) (order.Reseller, error) {
			c, err := cyberssl.New(apiURL+sandbox.CyberSSLPath+"/", token)
			admin := cyberssl.Contact{FirstName: "Ada", LastName: "Admin", Phone: "+1 555 0100", Title: "Ops", Email: "ada@example.com"}
			return &cyberssl.Reseller{Client: c, ProductID: 1, Period: 2, DVMethod: cyberssl.DVMethodHTTP, Admin: admin, Publisher: pub, Now: now}, err
		},
		paid:     func(s sandbox.Stats) int { return s.CyberSSL[account].Orders },
		reissues: func(s sandbox.Stats) int { return s.CyberSSL[account].Reissues },
		place: func(apiURL string, req ca.Request) (string, error) {
			c, err := cyberssl.New(apiURL+sandbox.CyberSSLPath+"/", token)
			if err != nil {
				return "", err
			}
			admin := cyberssl.Contact{FirstName: "Ada", LastName: "Admin", Phone: "+1 555 0100", Title: "Ops", Email: "ada@example.com"}
			resp, err := c.AddOrder(context.Background(), cyberssl.OrderRequest{
				ProductID: 1, OrderType: cyberssl.OrderTypeNew, Period: 2, DVMethod: cyberssl.DVMethodHTTP, AddonDomains: req.DNSNames[1:], Admin: admin, CSR: string(req.CSR),
			})
			if err != nil {
				return "", err
			}
			return resp.OrderID.String(), nil
		},
	},
}

func sslmarketContacts() sslmarket.Contacts {
	return sslmarket.Contacts{
		OwnerName: "Acme s.r.o.", OwnerStreet: "Main 1", OwnerCity: "Praha", OwnerZip: "11000", OwnerCountry: "CZ", OwnerTel: "+420.123456789",
		AuthTitle: "Mr", AuthFirstname: "Jan", AuthLastname: "Novak", AuthTel: "+420.123456789", AuthEmail: "jan@example.com",
		TechTitle: "Ms", TechFirstname: "Eva", TechLastname: "Novakova", TechEmail: "eva@example.com", TechTel: "+420.123456789",
		InvoiceName: "Acme s.r.o.", InvoiceStreet: "Main 1", InvoiceCity: "Praha", InvoiceZip: "11000", InvoiceCountry: "CZ", InvoiceEmail: "billing@example.com",
	}
}

// notes counts what the protocol recorded through the journal.
type notes struct {
	mu               sync.Mutex
	adopted, unknown int
}

func (n *notes) Adopted(context.Context, string) { n.mu.Lock(); n.adopted++; n.mu.Unlock() }
func (n *notes) Unknown(context.Context, string) { n.mu.Lock(); n.unknown++; n.mu.Unlock() }

// crashJournal is the ledger's journal with a process that may die just
// before a save lands (before) or just after (after).
type crashJournal struct {
	*order.Journal
	before, after func(st *ca.State) error
}

func (c crashJournal) Save(ctx context.Context, st *ca.State) error {
	return c.around(st, func() error { return c.Journal.Save(ctx, st) })
}

func (c crashJournal) SaveOutcome(ctx context.Context, st *ca.State) error {
	return c.around(st, func() error { return c.Journal.SaveOutcome(ctx, st) })
}

func (c crashJournal) around(st *ca.State, save func() error) error {
	if c.before != nil {
		if err := c.before(st); err != nil {
			return err
		}
	}
	if err := save(); err != nil {
		return err
	}
	if c.after != nil {
		return c.after(st)
	}
	return nil
}

// env is one reseller's rig: the sandbox, the ledger on a fake API server,
// a web server publishing the order's open HTTP challenges, and one
// ResellerOrder claimed by a request.
type env struct {
	r        reseller
	sb       *sandbox.Sandbox
	apiURL   string
	k8s      client.Client
	ledger   *order.Ledger
	clock    *sandboxtest.Clock
	notes    *notes
	key      order.Key
	order    string
	request  v1alpha1.RequestReference
	protocol *order.Protocol
	// before and after inject crashes into every journal; afterCrash runs
	// after each crash.
	before, after func(st *ca.State) error
	afterCrash    func()
	// files are HTTP validation files served besides the order's
	// challenges, by host and path.
	files sync.Map
}

// rigConfig sets the sandbox's clock offset (the reseller's clock against
// ours), the zone it writes its times in (nil: UTC) and the size of its
// order lists' pages (0: whole lists).
type rigConfig struct {
	offset   time.Duration
	zone     *time.Location
	pageSize int
}

func newEnv(t *testing.T, r reseller, cfg rigConfig, names ...string) *env {
	t.Helper()
	scheme := runtime.NewScheme()
	require.NoError(t, v1alpha1.AddToScheme(scheme))
	e := &env{
		r:     r,
		k8s:   fake.NewClientBuilder().WithScheme(scheme).WithStatusSubresource(&v1alpha1.ResellerOrder{}).Build(),
		clock: sandboxtest.NewClock(time.Now().UTC().Truncate(time.Second)),
		notes: &notes{},
	}
	e.ledger = &order.Ledger{Client: e.k8s, Reader: e.k8s, Now: e.clock.Now}
	files := httptest.NewServer(http.HandlerFunc(e.serveChallenge))
	t.Cleanup(files.Close)
	sb, err := sandbox.New(sandbox.Config{
		Accounts:      map[string]string{token: account},
		HTTP01Address: strings.TrimPrefix(files.URL, "http://"),
		Now:           func() time.Time { return e.clock.Now().Add(cfg.offset) },
		Zones:         map[string]*time.Location{r.provider: cfg.zone},
		PageSize:      cfg.pageSize,
	})
	require.NoError(t, err)
	api := httptest.NewServer(sb.Handler())
	t.Cleanup(api.Close)
	e.sb, e.apiURL = sb, api.URL
	calls, err := r.calls(api.URL, publisher{}, e.clock.Now)
	require.NoError(t, err)
	e.protocol = &order.Protocol{Reseller: calls, Now: e.clock.Now, PaidCallBound: paidCallBound}
	e.key = order.NewKey(v1alpha1.IssuerReference{Kind: v1alpha1.KindResellerIssuer, Name: r.provider, SecretNamespace: ns}, r.provider, "", r.years, names)
	return e
}

// claim creates the key's order seq, claimed by request uid.
func (e *env) claim(t *testing.T, uid string, seq int) {
	t.Helper()
	e.request = v1alpha1.RequestReference{Group: "cert-manager.io", Kind: "CertificateRequest", Namespace: ns, Name: uid, UID: types.UID(uid)}
	o, err := e.ledger.Claim(context.Background(), ns, e.key, seq, v1alpha1.OrderClaim{Request: e.request}, "web", nil)
	require.NoError(t, err)
	e.order = o.Name
}

// read returns the ResellerOrder as the API server has it.
func (e *env) read(t *testing.T) *v1alpha1.ResellerOrder {
	t.Helper()
	o := &v1alpha1.ResellerOrder{}
	require.NoError(t, e.k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: e.order}, o))
	return o
}

// step is one reconcile: the order read live, a fresh journal, one Issue.
func (e *env) step(t *testing.T, req ca.Request) (*ca.Result, error) {
	t.Helper()
	o := e.read(t)
	j := &order.Journal{Client: e.k8s, Reader: e.k8s, Order: o, Request: e.request.Name, RequestUID: e.request.UID, Now: e.clock.Now, Notes: e.notes}
	res, err := e.protocol.Issue(context.Background(), req, order.StateOf(o), crashJournal{Journal: j, before: e.before, after: e.after})
	if errors.Is(err, errCrash) {
		return nil, err // what waited to be written dies with the process
	}
	if ferr := j.Flush(context.Background()); ferr != nil {
		return nil, ferr
	}
	return res, err
}

// drive runs reconciles, a second apart, until one does not wait.
func (e *env) drive(t *testing.T, req ca.Request) (*ca.Result, error) {
	t.Helper()
	for range 30 {
		res, err := e.step(t, req)
		if _, pending := ca.IsPending(err); !pending {
			return res, err
		}
		e.clock.Advance(time.Second)
	}
	t.Fatal("the protocol never finished")
	return nil, nil
}

func (e *env) stats() sandbox.Stats { return e.sb.Stats() }

// fill buys n certificates for another name before the claim, so that
// they come first in the reseller's order list.
func (e *env) fill(t *testing.T, n int) {
	t.Helper()
	const name = "other.example.net"
	other := request(t, name)
	if e.r.place != nil {
		for range n {
			_, err := e.r.place(e.apiURL, other)
			require.NoError(t, err)
		}
		return
	}
	// SSLCI: the name verified once, then finalized n times.
	ctx := context.Background()
	c, err := sslci.New(e.apiURL+sandbox.SSLCIPath, token)
	require.NoError(t, err)
	v, err := c.RequestVerification(ctx, name, sslci.MethodHTTP)
	require.NoError(t, err)
	e.files.Store(name+v.Verification.FilePath, v.Verification.Content)
	_, err = c.ConfirmVerification(ctx, name, v.OrderID, sslci.MethodHTTP)
	require.NoError(t, err)
	for range n {
		_, err := c.Finalize(ctx, []string{name}, other.CSR)
		require.NoError(t, err)
	}
}

// serveChallenge serves the order's open HTTP challenges by Host and path,
// as the responder does.
func (e *env) serveChallenge(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if content, ok := e.files.Load(host + r.URL.Path); ok {
		_, _ = w.Write([]byte(content.(string)))
		return
	}
	o := &v1alpha1.ResellerOrder{}
	if err := e.k8s.Get(r.Context(), client.ObjectKey{Namespace: ns, Name: e.order}, o); err == nil {
		for _, ch := range order.StateOf(o).OpenChallenges() {
			if ch.Type == ca.HTTP01 && ch.Name == host && ch.Path == r.URL.Path {
				_, _ = w.Write([]byte(ch.Content))
				return
			}
		}
	}
	http.NotFound(w, r)
}

// publisher publishes nothing itself: serveChallenge serves what the order
// holds.
type publisher struct{}

func (publisher) Present(context.Context, ca.Challenge) error       { return nil }
func (publisher) Ready(context.Context, ca.Challenge) (bool, error) { return true, nil }
func (publisher) Method(string) ca.Method                           { return ca.Method{} }

// request is a request for names with a new key.
func request(t *testing.T, names ...string) ca.Request {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: names[0]}, DNSNames: names}, key)
	require.NoError(t, err)
	return ca.Request{CSR: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), DNSNames: names}
}

// once returns a crash point that fires the first time when holds.
func once(when func(st *ca.State) bool) func(st *ca.State) error {
	var mu sync.Mutex
	fired := false
	return func(st *ca.State) error {
		mu.Lock()
		defer mu.Unlock()
		if fired || !when(st) {
			return nil
		}
		fired = true
		return errCrash
	}
}
