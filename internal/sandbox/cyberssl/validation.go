package cyberssl

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/miekg/dns"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnscheck"
	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/dnsname"
)

// pkiValidationPath is the directory of http and https validation files
// (Sectigo's convention; the document's example links sit at the root).
const pkiValidationPath = "/.well-known/pki-validation/"

// dcv is the validation of one name.
type dcv struct {
	method    string // http, https, dns, email
	email     string
	mail      string // id of the mail that can validate an email name
	filename  string
	content   string
	dnsHash   string
	validated bool
}

// dvOptions answers GET get_dv_options.
func (s *Server) dvOptions(r *http.Request, p url.Values) (any, *apiError) {
	id, aerr := orderIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	method, aerr := oneOfParam(p, "dv_method", dvAll, dvHTTP, dvHTTPS, dvDNS, dvEmail)
	if aerr != nil {
		return nil, aerr
	}
	return s.withOrder(accountOf(r), id, func(o *order) (any, *apiError) {
		return dvOptionsResponse{Success: true, OrderID: o.id, DVOptions: o.options(method, nil)}, nil
	})
}

// changeDVMethod answers POST change_dv_method.
func (s *Server) changeDVMethod(r *http.Request, p url.Values) (any, *apiError) {
	id, aerr := orderIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	method, aerr := oneOfParam(p, "dv_method", dvHTTP, dvHTTPS, dvDNS, dvEmail)
	if aerr != nil {
		return nil, aerr
	}
	if method == dvEmail {
		if p.Get("email") == "" {
			return nil, missing("email")
		}
		if aerr := emailParam("email", p.Get("email")); aerr != nil {
			return nil, aerr
		}
	}
	return s.withOrder(accountOf(r), id, func(o *order) (any, *apiError) {
		return s.changeMethod(o, method, p)
	})
}

// changeMethod changes the validation method of one name of o to method.
// Called with s.mu held.
func (s *Server) changeMethod(o *order, method string, p url.Values) (any, *apiError) {
	id := o.id
	domain := o.primary
	if v := p.Get("domain"); v != "" {
		var aerr *apiError
		if domain, aerr = domainParam("domain", v); aerr != nil {
			return nil, aerr
		}
	}
	d := o.dcv[domain]
	if d == nil {
		return nil, invalid("domain", "%s is not a domain of order %d", domain, id)
	}
	if o.status != statusValidating {
		return nil, errorf(codeConflict, "order %d is %s: the validation method can only change while awaiting validation", id, o.status)
	}
	if dnsname.IsWildcard(domain) && (method == dvHTTP || method == dvHTTPS) {
		return nil, invalid("dv_method", "%s validation is not available for the wildcard name %s", method, domain)
	}
	d.method, d.email, d.validated = method, p.Get("email"), false
	if domain == o.primary {
		o.dvMethod = method
	}
	o.generation++
	s.voidMails(o, domain, fmt.Sprintf("change_dv_method set the method of %s to %s", domain, method))
	if method == dvEmail {
		s.sendMail(o, domain)
	}
	s.env.Log.Info("cyberssl validation method changed", "account", o.account, "orderID", o.id, "domain", domain, "dvMethod", method)
	resp := changeDVMethodResponse{Success: true}
	if method != dvEmail {
		opts := o.options(dvPublishable, []string{domain})
		resp.DVOptions = &opts
	}
	return resp, nil
}

// revalidate answers GET revalidate: the http file or dns record of one
// name is checked at once; the outcome shows in order_status.
func (s *Server) revalidate(r *http.Request, p url.Values) (any, *apiError) {
	id, aerr := orderIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	domain, aerr := domainParam("domain_name", p.Get("domain_name"))
	if aerr != nil {
		return nil, aerr
	}
	name := accountOf(r)
	s.mu.Lock()
	o, aerr := s.ownOrder(name, id)
	if aerr == nil && o.dcv[domain] == nil {
		aerr = invalid("domain_name", "%s is not a domain of order %d", domain, id)
	}
	s.mu.Unlock()
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.checkDCV(r.Context(), name, id, domain); aerr != nil {
		return nil, aerr
	}
	return successResponse{Success: true}, nil
}

// dcvCheck is one pending http or dns validation, taken out of the lock.
type dcvCheck struct {
	domain, method string
	path, content  string // http: the file's path and content
	record, target string // dns: the CNAME record's name and target
	generation     int
}

// checkDCV checks the http file or dns record of every unvalidated http or
// dns name of an order awaiting validation (only domain, if set) and
// records successes.
func (s *Server) checkDCV(ctx context.Context, account string, id int64, domain string) *apiError {
	s.mu.Lock()
	o, aerr := s.ownOrder(account, id)
	if aerr != nil {
		s.mu.Unlock()
		return aerr
	}
	var checks []dcvCheck
	if o.status == statusValidating {
		for _, n := range o.names {
			d := o.dcv[n]
			if d.validated || (domain != "" && n != domain) {
				continue
			}
			c := dcvCheck{domain: n, method: d.method, generation: o.generation}
			switch d.method {
			case dvHTTP:
				c.path, c.content = pkiValidationPath+d.filename, d.content
			case dvDNS:
				c.record, c.target = dnsRecord(n, d)
			default:
				continue
			}
			checks = append(checks, c)
		}
	}
	s.mu.Unlock()

	for _, c := range checks {
		var err error
		if c.method == dvDNS {
			err = dnscheck.Check(ctx, s.env.DNSServer, c.record, dns.TypeCNAME, c.target)
		} else {
			err = s.env.Web.Check(ctx, c.domain, c.path, c.content)
		}
		s.mu.Lock()
		if err == nil && o.generation == c.generation && o.status == statusValidating {
			o.dcv[c.domain].validated = true
		}
		s.mu.Unlock()
		if err != nil {
			s.env.Log.Info("cyberssl validation failed", "account", account, "orderID", id, "domain", c.domain, "reason", err.Error())
		} else {
			s.env.Log.Info("cyberssl domain validated", "account", account, "orderID", id, "domain", c.domain)
		}
	}
	return nil
}

// dvPublishable asks options for what add_ssl_order, reissue_ssl_order
// and change_dv_method answer: "dv_options - provided only if
// http/https/dns dv_method", and the document's examples show those three.
const dvPublishable = "publishable"

// options returns dv_options of method (all, http, https, dns, email or
// dvPublishable) for names (nil: every name of the order). Called with
// s.mu held.
func (o *order) options(method string, names []string) dvOptions {
	if names == nil {
		names = o.names
	}
	var out dvOptions
	want := func(m string) bool {
		return method == dvAll || method == m || (method == dvPublishable && m != dvEmail)
	}
	for _, n := range names {
		d := o.dcv[n]
		base := strings.TrimPrefix(n, "*.")
		if !dnsname.IsWildcard(n) {
			file := fileOption{Filename: d.filename, Content: d.content}
			if want(dvHTTP) {
				file.Link = "http://" + n + pkiValidationPath + d.filename
				out.HTTP = setOption(out.HTTP, n, file)
			}
			if want(dvHTTPS) {
				file.Link = "https://" + n + pkiValidationPath + d.filename
				out.HTTPS = setOption(out.HTTPS, n, file)
			}
		}
		if want(dvDNS) {
			name, target := dnsRecord(n, d)
			out.DNS = setOption(out.DNS, n, dnsOption{Record: name + ". CNAME " + target + "."})
		}
		if want(dvEmail) {
			var addrs []string
			for _, local := range []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"} {
				addrs = append(addrs, local+"@"+base)
			}
			out.Email = setOption(out.Email, n, addrs)
		}
	}
	return out
}

// dnsRecord returns the owner name and target (without trailing dots) of
// the CNAME record that validates name n: "<32 HEX>.<base name>" pointing
// to "<content>.dcv.cyberssl-sandbox.invalid". The dv_options dns line is
// made of them, and dns validation looks for exactly that record.
func dnsRecord(n string, d *dcv) (name, target string) {
	return d.dnsHash + "." + strings.TrimPrefix(n, "*."), d.content + "." + dnsSuffix
}

func setOption[T any](m map[string]T, k string, v T) map[string]T {
	if m == nil {
		m = map[string]T{}
	}
	m[k] = v
	return m
}

// newDCV creates the validation state of names; emails are the approver
// addresses of an email method (one for all names, or one per name).
func newDCV(names []string, method string, emails []string) (map[string]*dcv, *apiError) {
	if method == dvEmail && len(emails) != 1 && len(emails) != len(names) {
		return nil, invalid("dv_method", "give one email address, or one per domain (%d)", len(names))
	}
	out := make(map[string]*dcv, len(names))
	for i, n := range names {
		if dnsname.IsWildcard(n) && (method == dvHTTP || method == dvHTTPS) {
			return nil, invalid("dv_method", "%s validation is not available for the wildcard name %s: use dns or email", method, n)
		}
		d := &dcv{
			method:   method,
			filename: strings.ToUpper(randomHex(16)) + ".txt",
			content:  randomHex(20),
			dnsHash:  strings.ToUpper(randomHex(16)),
		}
		if method == dvEmail {
			d.email = emails[min(i, len(emails)-1)]
		}
		out[n] = d
	}
	return out, nil
}
