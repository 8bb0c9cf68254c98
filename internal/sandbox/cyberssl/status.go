package cyberssl

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// orderStatus answers GET order_status: it checks pending http and dns
// validations, advances the order and reports it.
func (s *Server) orderStatus(r *http.Request, p url.Values) (any, *apiError) {
	id, aerr := orderIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	name := accountOf(r)
	if aerr := s.checkDCV(r.Context(), name, id, ""); aerr != nil {
		return nil, aerr
	}
	return s.withOrder(name, id, func(o *order) (any, *apiError) {
		if aerr := s.advance(o); aerr != nil {
			return nil, aerr
		}
		return o.statusResponse(s.env.Zone), nil
	})
}

// advance moves an order on: all names validated -> Processing; IssueDelay
// after that -> Activated (signed); past its NotAfter -> Expired. Called
// with s.mu held.
func (s *Server) advance(o *order) *apiError {
	now := s.env.Now()
	if o.status == statusValidating {
		done := true
		for _, d := range o.dcv {
			done = done && d.validated
		}
		if done {
			o.status, o.validatedAt = statusProcessing, now
			s.env.Log.Info("cyberssl order validated", "account", o.account, "orderID", o.id)
		}
	}
	if o.status == statusProcessing && !now.Before(o.validatedAt.Add(s.env.IssueDelay)) {
		if s.env.CA == nil {
			return errorf(codeInternal, "the sandbox has no certificate authority")
		}
		validity := s.env.NotAfter(now, o.subEnd).Sub(now)
		if validity <= 0 {
			o.status = statusExpired
			return nil
		}
		leafPEM, leaf, err := s.env.CA.SignAt(now, []byte(o.csrPEM), o.names, validity)
		if err != nil {
			return errorf(codeInternal, "signing certificate: %v", err)
		}
		o.status, o.cert, o.chain = statusActivated, string(leafPEM), string(s.env.CA.IntermediatePEM())
		o.notBefore, o.notAfter = leaf.NotBefore, leaf.NotAfter
		s.env.Log.Info("cyberssl certificate issued", "account", o.account, "orderID", o.id, "names", o.names)
	}
	if o.status == statusActivated && now.After(o.notAfter) {
		o.status = statusExpired
	}
	return nil
}

// statusResponse is order_status's answer, its dates in zone.
func (o *order) statusResponse(zone *time.Location) orderStatusResponse {
	out := orderStatusResponse{
		Success: true, OrderID: o.id, Status: o.status, Amount: money(o.amount), PrimaryDomain: o.primary,
		Period: o.period, CSR: o.csrPEM, Certificate: o.cert, CertificateChain: o.chain,
		DomainsIncluded: strings.Join(o.names, ","), DVMethod: o.dvMethod,
		Contacts: o.contacts, OrderLink: fmt.Sprintf(orderLinkFmt, o.id),
	}
	if !o.notAfter.IsZero() {
		out.ValidFrom = o.notBefore.In(zone).Format(dateLayout)
		out.ValidTill = o.notAfter.In(zone).Format(dateLayout)
	}
	return out
}
