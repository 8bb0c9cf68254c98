package sslci

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

const statusPending = "pending"

// list answers GET /api: the account's certificates and pending orders.
// With a page size set, both lists are paged alike: the "page" asked for
// holds that page of each, oldest first.
func (s *Server) list(r *http.Request) (any, *apiError) {
	name, aerr := s.authenticate("", r)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := listResponse{Status: true, Certificates: []listedCert{}, PendingOrders: []pendingOrder{}}
	for _, c := range s.certs {
		if c.account == name {
			resp.Certificates = append(resp.Certificates, listedCert{
				CrtID:   c.id,
				Domains: strings.Join(c.domains, ","),
				AddTime: c.added.Unix(),
				EndTime: c.expires.Unix(),
			})
		}
	}
	for _, o := range s.orders {
		if o.account == name {
			resp.PendingOrders = append(resp.PendingOrders, pendingOrder{OrderID: o.id, Domains: o.domain, Status: statusPending})
		}
	}
	sort.Slice(resp.Certificates, func(i, j int) bool { return resp.Certificates[i].CrtID < resp.Certificates[j].CrtID })
	sort.Slice(resp.PendingOrders, func(i, j int) bool { return resp.PendingOrders[i].OrderID < resp.PendingOrders[j].OrderID })
	q := r.URL.Query()
	lo, hi, err := s.env.Page(q, len(resp.Certificates))
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "invalid parameter %v", err)
	}
	resp.Certificates = resp.Certificates[lo:hi]
	lo, hi, _ = s.env.Page(q, len(resp.PendingOrders))
	resp.PendingOrders = resp.PendingOrders[lo:hi]
	return resp, nil
}

// delete answers DELETE /api: a certificate (type ssl) or a pending order
// (type order) of the caller's account is removed.
func (s *Server) delete(r *http.Request) (any, *apiError) {
	var req deleteRequest
	if aerr := readRequest(r, &req); aerr != nil {
		return nil, aerr
	}
	name, aerr := s.authenticate(req.Token, r)
	if aerr != nil {
		return nil, aerr
	}
	switch req.Type {
	case "":
		return nil, errorf(http.StatusBadRequest, "missing parameter type")
	case deleteSSL, deleteOrder:
	default:
		return nil, errorf(http.StatusBadRequest, "invalid parameter type: must be %q or %q", deleteSSL, deleteOrder)
	}
	switch {
	case req.ID == 0:
		return nil, errorf(http.StatusBadRequest, "missing parameter id")
	case req.ID < 0:
		return nil, errorf(http.StatusBadRequest, "invalid parameter id: must be positive")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var msg string
	if req.Type == deleteSSL {
		c := s.certs[req.ID]
		switch {
		case c == nil:
			return nil, errorf(http.StatusBadRequest, "no certificate %d", req.ID)
		case c.account != name:
			return nil, errorf(http.StatusForbidden, "certificate %d does not belong to you", req.ID)
		}
		delete(s.certs, req.ID)
		msg = fmt.Sprintf("certificate %d deleted", req.ID)
	} else {
		o := s.orders[req.ID]
		switch {
		case o == nil:
			return nil, errorf(http.StatusBadRequest, "no pending order %d", req.ID)
		case o.account != name:
			return nil, errorf(http.StatusForbidden, "order %d does not belong to you", req.ID)
		}
		delete(s.orders, req.ID)
		msg = fmt.Sprintf("order %d canceled", req.ID)
	}
	s.env.Log.Info("sslci record deleted", "account", name, "type", req.Type, "id", req.ID)
	return deleteResponse{Status: true, Message: msg}, nil
}
