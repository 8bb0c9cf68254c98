package sslci

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// List returns all certificates and pending orders of the account
// (GET /api?token=...).
func (c *Client) List(ctx context.Context) (*ListResponse, error) {
	var out ListResponse
	if err := c.do(ctx, opList, http.MethodGet, nil, url.Values{"token": {c.token}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
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
