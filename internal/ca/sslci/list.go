package sslci

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// List returns all certificates and pending orders of the account: every
// page of GET /api (assumption 18), read until a page brings nothing new.
func (c *Client) List(ctx context.Context) (*ListResponse, error) {
	first, entries, err := rest.ReadAnswerPages(ctx, "sslci GET /api", c.MaxPages, c.ListPage, (*ListResponse).entries, listEntry.key)
	if err != nil {
		return nil, err
	}
	out := *first
	out.Certificates, out.PendingOrders = []Certificate{}, []PendingOrder{}
	for _, e := range entries {
		if e.cert != nil {
			out.Certificates = append(out.Certificates, *e.cert)
		} else {
			out.PendingOrders = append(out.PendingOrders, *e.order)
		}
	}
	return &out, nil
}

// ListPage returns one page of the account's certificates and pending
// orders (GET /api?token=...&page=n); page 1 is asked for without the
// parameter, as the document's call.
func (c *Client) ListPage(ctx context.Context, page int) (*ListResponse, error) {
	q := url.Values{"token": {c.token}}
	if page > 1 {
		q.Set(rest.PageParam, strconv.Itoa(page))
	}
	var out ListResponse
	if err := c.do(ctx, opList, http.MethodGet, nil, q, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// listEntry is a certificate or a pending order of a page of the list.
type listEntry struct {
	cert  *Certificate
	order *PendingOrder
}

// entries are a page's certificates, then its pending orders.
func (l *ListResponse) entries() []listEntry {
	var out []listEntry
	for i := range l.Certificates {
		out = append(out, listEntry{cert: &l.Certificates[i]})
	}
	for i := range l.PendingOrders {
		out = append(out, listEntry{order: &l.PendingOrders[i]})
	}
	return out
}

func (e listEntry) key() string {
	if e.cert != nil {
		return "crt " + strconv.FormatInt(e.cert.CrtID, 10)
	}
	return "order " + strconv.FormatInt(e.order.OrderID, 10)
}

// DomainNames splits Domains (assumed comma-separated for multi-name
// certificates) into names.
func (c Certificate) DomainNames() []string { return SplitDomains(c.Domains) }

// AddedAt is add_time as a time (assumed Unix seconds).
func (c Certificate) AddedAt() time.Time { return time.Unix(c.AddTime, 0).UTC() }

// ExpiresAt is end_time as a time (assumed Unix seconds).
func (c Certificate) ExpiresAt() time.Time { return time.Unix(c.EndTime, 0).UTC() }

// DomainNames splits Domains like Certificate.DomainNames.
func (o PendingOrder) DomainNames() []string { return SplitDomains(o.Domains) }

// SplitDomains splits a "domains" string of the list on commas and blanks,
// dropping empty parts: "a.com, b.com" -> [a.com b.com].
func SplitDomains(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	if len(f) == 0 {
		return nil
	}
	return f
}
