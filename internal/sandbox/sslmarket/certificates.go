package sslmarket

import (
	"bytes"
	"net/http"
)

// reissue answers POST /certificate/order_id/{id}/reissue {csr}.
func (s *Server) reissue(c call) (response, *apiError) {
	var req reissueRequest
	if aerr := decodeBody(c.r, &req); aerr != nil {
		return response{}, aerr
	}
	if req.CSR == "" {
		return response{}, missing("csr")
	}
	return s.withOrder(c, func(o *order) (response, *apiError) {
		if o.state != statePublished {
			return response{}, errorf(http.StatusConflict, ErrTypeInvalidState, "order %d cannot be reissued in state %s", o.id, o.state)
		}
		if !s.env.Now().Before(o.leaf.NotAfter) {
			return response{}, errorf(http.StatusConflict, ErrTypeInvalidState, "the certificate of order %d has expired", o.id)
		}
		if aerr := checkCSR("csr", req.CSR, o.names()); aerr != nil {
			return response{}, aerr
		}
		o.state = stateReissue
		o.reissueCSR = req.CSR
		o.reissueAt = s.env.Now()
		s.accounts[c.account].Reissues++
		s.env.Log.Info("sslmarket reissue requested", "account", c.account, "orderID", o.id)
		return emptyResponse(http.StatusAccepted), nil
	})
}

// cancelReissue answers PUT /certificate/order_id/{id}/cancel-reissue.
func (s *Server) cancelReissue(c call) (response, *apiError) {
	return s.withOrder(c, func(o *order) (response, *apiError) {
		if o.state != stateReissue {
			return response{}, errorf(http.StatusConflict, ErrTypeInvalidState, "order %d has no running reissue (state %s)", o.id, o.state)
		}
		o.state = statePublished
		o.reissueCSR = ""
		s.env.Log.Info("sslmarket reissue canceled", "account", c.account, "orderID", o.id)
		return emptyResponse(http.StatusAccepted), nil
	})
}

// resend answers PUT /certificate/order_id/{id}/resend: the validation
// e-mail is sent again for every name not yet validated, a new mail each
// (the earlier ones can still be approved).
func (s *Server) resend(c call) (response, *apiError) {
	return s.withOrder(c, func(o *order) (response, *apiError) {
		if !o.waitsForValidation() {
			return response{}, errorf(http.StatusConflict, ErrTypeInvalidState, "order %d is not waiting for validation (state %s)", o.id, o.state)
		}
		if o.method != dvAuthEmail {
			return response{}, invalid("dv_auth_method", "order %d uses %s validation, there is no e-mail to resend", o.id, o.method)
		}
		pending := o.pendingNames()
		if len(pending) == 0 {
			return response{}, errorf(http.StatusConflict, ErrTypeInvalidState, "every name of order %d is validated already, there is no e-mail to resend", o.id)
		}
		s.sendMails(o, pending)
		return emptyResponse(http.StatusAccepted), nil
	})
}

// revoke answers PUT /certificate/order_id/{id}/revoke. The document allows
// revocation for client certificate products only, which the sandbox does
// not sell.
func (s *Server) revoke(c call) (response, *apiError) {
	return s.withOrder(c, func(o *order) (response, *apiError) {
		return response{}, errorf(http.StatusBadRequest, ErrTypeNotSupported,
			"revocation is available for DigiCert Client Premium Class 1 and Class 2 only, order %d is %s", o.id, o.product.code)
	})
}

// download answers GET /certificate/order_id/{id}/format/{format}. The
// document gives text/plain for every format, P7B (binary DER) included.
func (s *Server) download(c call) (response, *apiError) {
	format := c.params[1]
	switch format {
	case formatPEMServer, formatPEMIntermediate, formatP7B:
	default:
		return response{}, invalid("format", "must be %s, %s or %s, got %q", formatPEMServer, formatPEMIntermediate, formatP7B, format)
	}
	return s.withOrder(c, func(o *order) (response, *apiError) {
		if o.leaf == nil {
			return response{}, errorf(http.StatusConflict, ErrTypeInvalidState, "the certificate of order %d is not issued yet (state %s)", o.id, o.state)
		}
		var body []byte
		switch format {
		case formatPEMServer:
			body = bytes.Clone(o.leafPEM)
		case formatPEMIntermediate:
			body = append(bytes.Clone(o.leafPEM), s.env.CA.IntermediatePEM()...)
		case formatP7B:
			var err error
			body, err = certsOnlyPKCS7(o.leaf.Raw, s.env.CA.Intermediate().Raw, s.env.CA.Root().Raw)
			if err != nil {
				return response{}, errorf(http.StatusInternalServerError, ErrTypeInternal, "encoding PKCS#7: %v", err)
			}
		}
		s.accounts[c.account].Downloads++
		return response{status: http.StatusOK, raw: body, contentType: "text/plain"}, nil
	})
}
