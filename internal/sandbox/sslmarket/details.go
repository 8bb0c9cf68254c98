package sslmarket

import (
	"net/http"
	"strings"
	"time"
)

// orderDetails answers GET /order/order_id/{id}. Polling is what moves an
// order on: it is checked (DCV) and issued here.
func (s *Server) orderDetails(c call) (response, *apiError) {
	if aerr := s.advance(c); aerr != nil {
		return response{}, aerr
	}
	return s.withOrder(c, func(o *order) (response, *apiError) {
		return jsonResponse(http.StatusOK, s.details(o)), nil
	})
}

// details renders o. Call with s.mu held.
func (s *Server) details(o *order) detailsResponse {
	d := detailsResponse{
		orderItem:    o.item(),
		CSR:          o.csr,
		people:       o.contacts.people,
		Inserted:     s.formatTime(o.inserted),
		DVAuthMethod: o.method,
		State:        o.state,
	}
	if o.method == dvAuthFile || o.method == dvAuthDNS {
		d.DVAuthContent = o.content
	}
	if o.leaf != nil {
		d.CertificateSerialNumber = serialHex(o.leaf)
		d.Published = s.formatTime(o.published)
		d.Expired = s.formatDate(o.leaf.NotAfter)
	}
	if o.state == statePublished && o.leaf != nil {
		days := max(0, int((o.leaf.NotAfter.Sub(s.env.Now())+24*time.Hour-1)/(24*time.Hour)))
		d.DaysRemaining = &days
	}
	if o.years > 1 {
		auto := true
		d.AutoReissue = &auto
	}
	d.SandboxNote = o.note
	return d
}

// item is what o orders.
func (o *order) item() orderItem {
	return orderItem{
		ProductType:    o.product.productType,
		ProductCode:    o.product.code,
		Domain:         o.domain,
		DNSNames:       append([]string{}, o.dnsNames...),
		SANsOrderCount: len(o.dnsNames),
		Years:          o.years,
	}
}

// editOrder answers PUT /order/order_id/{id}: allowed until the
// certificate is issued.
func (s *Server) editOrder(c call) (response, *apiError) {
	var req orderEdit
	if aerr := decodeBody(c.r, &req); aerr != nil {
		return response{}, aerr
	}
	var method string
	if req.DVAuthMethod != "" {
		var aerr *apiError
		if method, aerr = dvAuthMethod(req.DVAuthMethod); aerr != nil {
			return response{}, aerr
		}
	}
	if aerr := checkContacts(&req.contacts); aerr != nil {
		return response{}, aerr
	}

	return s.withOrder(c, func(o *order) (response, *apiError) {
		if !o.waitsForValidation() {
			return response{}, errorf(http.StatusConflict, ErrTypeInvalidState, "order %d can no longer be edited (state %s)", o.id, o.state)
		}
		if method == dvAuthFile {
			for _, n := range o.names() {
				if strings.HasPrefix(n, "*.") {
					return response{}, invalid("dv_auth_method", "%s cannot validate the wildcard name %s", dvAuthFile, n)
				}
			}
		}
		if req.CSR != "" {
			if aerr := checkCSR("csr", req.CSR, o.names()); aerr != nil {
				return response{}, aerr
			}
			o.csr = req.CSR
		}
		if method != "" && method != o.method {
			o.method = method
			o.content = randomString()
			o.dcvGen++
			o.passed = map[string]bool{}
			o.validated = time.Time{}
			o.note = ""
			if method == dvAuthEmail {
				s.sendMails(o, o.names())
			} else {
				s.voidMails(o)
			}
		}
		// Set fields replace the stored ones.
		stored := o.contacts.fields()
		for i, f := range req.fields() {
			if *f.value != "" {
				*stored[i].value = *f.value
			}
		}
		s.env.Log.Info("sslmarket order edited", "account", c.account, "orderID", o.id, "dvAuthMethod", o.method)
		return emptyResponse(http.StatusOK), nil
	})
}
