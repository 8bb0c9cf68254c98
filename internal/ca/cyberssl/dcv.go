package cyberssl

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// PKIValidationPath is the directory of HTTP(S) validation files when a
// link does not name one (Sectigo's convention; assumptions.go, 7).
const PKIValidationPath = "/.well-known/pki-validation/"

// DNS record types of a DNSRecord.
const (
	RecordCNAME = "CNAME"
	RecordTXT   = "TXT"
)

// FileOption is what must be served for one domain with http or https
// validation.
type FileOption struct {
	Filename string `json:"filename"`
	Content  string `json:"content"`
	Link     string `json:"link"`
}

// DNSOption is what must be published for one domain with dns validation:
// one zone-file line, e.g. "F50E….test.com. CNAME b056….comodoca.com."
type DNSOption struct {
	Record string `json:"record"`
}

// DVOptions is "dv_options": per method, per domain, what proves control.
// Empty PHP arrays ([]) decode as empty maps (assumptions.go, 6).
type DVOptions struct {
	HTTP  map[string]FileOption `json:"http,omitempty"`
	HTTPS map[string]FileOption `json:"https,omitempty"`
	DNS   map[string]DNSOption  `json:"dns,omitempty"`
	// Email lists the approver addresses per domain.
	Email map[string]StringList `json:"email,omitempty"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *DVOptions) UnmarshalJSON(b []byte) error {
	*o = DVOptions{}
	if isNothing(b) {
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("dv_options: %w", err)
	}
	var err error
	if o.HTTP, err = decodeMap[FileOption](raw[DVMethodHTTP]); err != nil {
		return fmt.Errorf("dv_options.http: %w", err)
	}
	if o.HTTPS, err = decodeMap[FileOption](raw[DVMethodHTTPS]); err != nil {
		return fmt.Errorf("dv_options.https: %w", err)
	}
	if o.DNS, err = decodeMap[DNSOption](raw[DVMethodDNS]); err != nil {
		return fmt.Errorf("dv_options.dns: %w", err)
	}
	if o.Email, err = decodeMap[StringList](raw[DVMethodEmail]); err != nil {
		return fmt.Errorf("dv_options.email: %w", err)
	}
	return nil
}

// IsEmpty reports that no method has options.
func (o DVOptions) IsEmpty() bool {
	return len(o.HTTP) == 0 && len(o.HTTPS) == 0 && len(o.DNS) == 0 && len(o.Email) == 0
}

// Challenge is what proves control of one domain with one method. Exactly
// one of File (http, https), Record (dns) and Emails (email) is set.
type Challenge struct {
	Domain string
	Method string
	File   *FileChallenge
	Record *DNSRecord
	Emails []string
}

// FileChallenge is an HTTP(S) validation file.
type FileChallenge struct {
	// URL is where the CA fetches the file (the option's link, or one
	// derived from the filename).
	URL string
	// Scheme is "http" or "https".
	Scheme string
	// Host is the host of URL (normally the domain), without port.
	Host string
	// Path is the absolute URL path to serve, from the link:
	// e.g. /.well-known/pki-validation/F50E098C713586FE9A.txt.
	Path string
	// Filename is the option's filename.
	Filename string
	// Content is the exact body to serve.
	Content string
}

// DNSRecord is a DNS validation record. Name and Value are absolute names
// without the trailing dot (Value is the text of a TXT record).
type DNSRecord struct {
	Name  string
	Type  string
	Value string
}

// Challenges returns, sorted by domain, the challenges of method
// (DVMethodHTTP, DVMethodHTTPS, DVMethodDNS, DVMethodEmail; an "email:..."
// dv_method counts as DVMethodEmail). An option that cannot be understood
// (no content, unusable link, unparsable DNS line) is an error wrapping
// rest.ErrMalformedResponse.
func (o DVOptions) Challenges(method string) ([]Challenge, error) {
	var out []Challenge
	switch normalizeMethod(method) {
	case DVMethodHTTP, DVMethodHTTPS:
		m := normalizeMethod(method)
		opts := o.HTTP
		if m == DVMethodHTTPS {
			opts = o.HTTPS
		}
		for _, d := range sortedKeys(opts) {
			f, err := opts[d].fileChallenge(m, d)
			if err != nil {
				return nil, err
			}
			out = append(out, Challenge{Domain: d, Method: m, File: f})
		}
	case DVMethodDNS:
		for _, d := range sortedKeys(o.DNS) {
			r, err := ParseDNSRecord(o.DNS[d].Record)
			if err != nil {
				return nil, fmt.Errorf("cyberssl: %w: dv_options.dns[%q]: %w", rest.ErrMalformedResponse, d, err)
			}
			out = append(out, Challenge{Domain: d, Method: DVMethodDNS, Record: &r})
		}
	case DVMethodEmail:
		for _, d := range sortedKeys(o.Email) {
			out = append(out, Challenge{Domain: d, Method: DVMethodEmail, Emails: append([]string(nil), o.Email[d]...)})
		}
	default:
		return nil, provider.InvalidArg("method", "must be %q, %q, %q or %q, got %q", DVMethodHTTP, DVMethodHTTPS, DVMethodDNS, DVMethodEmail, method)
	}
	return out, nil
}

// Challenge returns the challenge of one domain (compared
// case-insensitively); false if the options have none for it.
func (o DVOptions) Challenge(method, domain string) (Challenge, bool, error) {
	all, err := o.Challenges(method)
	if err != nil {
		return Challenge{}, false, err
	}
	want := strings.TrimSuffix(strings.ToLower(domain), ".")
	for _, c := range all {
		if strings.TrimSuffix(strings.ToLower(c.Domain), ".") == want {
			return c, true, nil
		}
	}
	return Challenge{}, false, nil
}

func normalizeMethod(m string) string {
	m = strings.ToLower(strings.TrimSpace(m))
	if strings.HasPrefix(m, DVMethodEmail+":") {
		return DVMethodEmail
	}
	return m
}

// fileChallenge derives the file to serve from an option. The path comes
// from the link; without a link it is PKIValidationPath + filename on the
// domain itself.
func (f FileOption) fileChallenge(scheme, domain string) (*FileChallenge, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("cyberssl: %w: dv_options.%s[%q]: %s", rest.ErrMalformedResponse, scheme, domain, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(f.Content) == "" {
		return nil, bad("no content")
	}
	fc := &FileChallenge{Scheme: scheme, Filename: f.Filename, Content: f.Content}
	link := strings.TrimSpace(f.Link)
	if link == "" {
		name := path.Base(strings.TrimSpace(f.Filename))
		if name == "" || name == "." || name == ".." || name == "/" {
			return nil, bad("neither link nor filename")
		}
		host := strings.TrimPrefix(strings.TrimSuffix(domain, "."), "*.")
		if host == "" {
			return nil, bad("no domain to serve %q on", name)
		}
		fc.Host = host
		fc.Path = PKIValidationPath + name
		fc.URL = scheme + "://" + host + fc.Path
		return fc, nil
	}
	u, err := url.Parse(link)
	if err != nil {
		return nil, bad("link %q: %v", link, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil, bad("link %q is not an absolute http(s) URL", link)
	}
	if u.Path == "" || strings.HasSuffix(u.Path, "/") {
		return nil, bad("link %q names no file", link)
	}
	fc.Scheme = u.Scheme
	fc.Host = strings.ToLower(u.Hostname())
	fc.Path = u.Path
	fc.URL = link
	return fc, nil
}

// ParseDNSRecord parses a dv_options dns "record": a zone-file line
// "<name> [ttl] [IN] CNAME <target>" (the document's form) or
// "<name> [ttl] [IN] TXT <text>" (assumptions.go, 7). Names lose their
// trailing dot and the owner name is lowercased; a TXT value loses its
// quotes.
func ParseDNSRecord(line string) (DNSRecord, error) {
	f := strings.Fields(line)
	if len(f) < 3 {
		return DNSRecord{}, fmt.Errorf("record %q: want \"<name> CNAME <target>\"", line)
	}
	typeAt := -1
	for i := 1; i < len(f) && i <= 3; i++ {
		if t := strings.ToUpper(f[i]); t == RecordCNAME || t == RecordTXT {
			typeAt = i
			break
		}
	}
	if typeAt < 0 {
		return DNSRecord{}, fmt.Errorf("record %q: no CNAME or TXT type", line)
	}
	for _, mid := range f[1:typeAt] { // optional TTL and class
		if !strings.EqualFold(mid, "IN") && strings.Trim(mid, "0123456789") != "" {
			return DNSRecord{}, fmt.Errorf("record %q: unexpected %q before the type", line, mid)
		}
	}
	r := DNSRecord{Name: strings.ToLower(strings.TrimSuffix(f[0], ".")), Type: strings.ToUpper(f[typeAt])}
	rest := f[typeAt+1:]
	switch {
	case len(rest) == 0:
		return DNSRecord{}, fmt.Errorf("record %q: no value", line)
	case r.Type == RecordCNAME:
		if len(rest) != 1 {
			return DNSRecord{}, fmt.Errorf("record %q: a CNAME has one target", line)
		}
		r.Value = strings.TrimSuffix(rest[0], ".")
	default:
		r.Value = strings.Trim(strings.Join(rest, " "), `"`)
	}
	if r.Name == "" || r.Value == "" || strings.ContainsAny(r.Name, "/:@") {
		return DNSRecord{}, fmt.Errorf("record %q: empty or invalid name or value", line)
	}
	return r, nil
}

// DVOptionsResponse is the answer to get_dv_options.
type DVOptionsResponse struct {
	Success   Bool      `json:"success"`
	OrderID   ID        `json:"order_id"`
	DVOptions DVOptions `json:"dv_options"`
}

// ChangeDVMethodRequest are the parameters of change_dv_method.
type ChangeDVMethodRequest struct {
	OrderID ID
	// Domain to change; "" means the order's primary domain.
	Domain string
	// DVMethod is DVMethodHTTP, DVMethodHTTPS, DVMethodDNS or DVMethodEmail.
	DVMethod string
	// Email is the approver address, required with DVMethodEmail.
	Email string
}

// ChangeDVMethodResponse is the answer to change_dv_method.
type ChangeDVMethodResponse struct {
	Success   Bool      `json:"success"`
	DVOptions DVOptions `json:"dv_options,omitzero"`
}

// UnmarshalJSON reads "dv_options", or, if absent, http/https/dns at the
// top level as the document's example shows them (assumptions.go, 6).
func (r *ChangeDVMethodResponse) UnmarshalJSON(b []byte) error {
	type plain ChangeDVMethodResponse
	if err := json.Unmarshal(b, (*plain)(r)); err != nil {
		return err
	}
	return topLevelOptions(b, &r.DVOptions)
}

// topLevelOptions fills an empty opts from http/https/dns/email keys at the
// top level of body; a body whose top level does not fit is ignored (the
// keys are only a fallback).
func topLevelOptions(body []byte, opts *DVOptions) error {
	if !opts.IsEmpty() {
		return nil
	}
	var top DVOptions
	if json.Unmarshal(body, &top) == nil {
		*opts = top
	}
	return nil
}

// DVOptions returns the validation options of an order (GET get_dv_options).
// method is DVMethodAll, DVMethodHTTP, DVMethodHTTPS, DVMethodDNS or
// DVMethodEmail.
func (c *Client) DVOptions(ctx context.Context, orderID ID, method string) (*DVOptionsResponse, error) {
	if err := provider.CheckID("orderID", int64(orderID)); err != nil {
		return nil, err
	}
	switch method {
	case DVMethodAll, DVMethodHTTP, DVMethodHTTPS, DVMethodDNS, DVMethodEmail:
	default:
		return nil, provider.InvalidArg("method", "must be one of all, http, https, dns, email, got %q", method)
	}
	var out DVOptionsResponse
	p := url.Values{"order_id": {orderID.String()}, "dv_method": {method}}
	if err := c.call(ctx, http.MethodGet, endpointDVOptions, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ChangeDVMethod switches the validation method of one domain of an order
// (POST change_dv_method) and returns the new options.
func (c *Client) ChangeDVMethod(ctx context.Context, req ChangeDVMethodRequest) (*ChangeDVMethodResponse, error) {
	if err := provider.CheckID("OrderID", int64(req.OrderID)); err != nil {
		return nil, err
	}
	p := url.Values{"order_id": {req.OrderID.String()}, "dv_method": {req.DVMethod}}
	if req.Domain != "" {
		if err := validateDomain("Domain", req.Domain); err != nil {
			return nil, err
		}
		p.Set("domain", req.Domain)
	}
	switch req.DVMethod {
	case DVMethodHTTP, DVMethodHTTPS, DVMethodDNS:
		if req.Email != "" {
			return nil, provider.InvalidArg("Email", "only allowed with %q", DVMethodEmail)
		}
	case DVMethodEmail:
		if err := provider.CheckEmail("Email", req.Email); err != nil {
			return nil, err
		}
		p.Set("email", req.Email)
	default:
		return nil, provider.InvalidArg("DVMethod", "must be one of http, https, dns, email, got %q", req.DVMethod)
	}
	var out ChangeDVMethodResponse
	if err := c.call(ctx, http.MethodPost, endpointChangeDVMethod, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Revalidate asks the CA to check domain control of one domain of an order
// again (GET revalidate).
func (c *Client) Revalidate(ctx context.Context, orderID ID, domain string) error {
	if err := provider.CheckID("orderID", int64(orderID)); err != nil {
		return err
	}
	if err := validateDomain("domain", domain); err != nil {
		return err
	}
	p := url.Values{"order_id": {orderID.String()}, "domain_name": {domain}}
	return c.call(ctx, http.MethodGet, endpointRevalidate, p, &SuccessResponse{})
}
