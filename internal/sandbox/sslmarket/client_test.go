package sslmarket

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
)

// wireClient calls the API as the document describes it, with the
// sandbox's wire types, so the tests see exactly what goes over the wire
// (the issuer's client is tested against the sandbox in its own package).
type wireClient struct {
	t     *testing.T
	url   string
	token string
}

// wireError is an answer outside 2xx.
type wireError struct {
	status int
	body   errorResponse
}

func (e *wireError) Error() string {
	return fmt.Sprintf("HTTP %d %s: %s", e.status, e.body.Error, e.body.Description)
}

// statusOf is the HTTP status of a wireError, 0 for any other error.
func statusOf(err error) int {
	var we *wireError
	if errors.As(err, &we) {
		return we.status
	}
	return 0
}

// errType is the error type of a wireError's body.
func errType(err error) string {
	var we *wireError
	if errors.As(err, &we) {
		return we.body.Error
	}
	return ""
}

// do sends body as JSON (if not nil) and decodes a 2xx answer into out (if
// not nil); raw, if not nil, receives the answer's bytes.
func (c *wireClient) do(ctx context.Context, method, path string, body, out any, raw *[]byte) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.url+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set(tokenHeader, c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		we := &wireError{status: resp.StatusCode}
		if err := json.Unmarshal(data, &we.body); err != nil {
			return fmt.Errorf("HTTP %d with a body that is not the error shape: %q", resp.StatusCode, data)
		}
		return we
	}
	if raw != nil {
		*raw = data
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func orderPath(id int64) string { return "/order/order_id/" + strconv.FormatInt(id, 10) }

func certPath(id int64, op string) string {
	return "/certificate/order_id/" + strconv.FormatInt(id, 10) + "/" + op
}

func (c *wireClient) Products(ctx context.Context) ([]productEntry, error) {
	var out productList
	err := c.do(ctx, http.MethodGet, "/product/list", nil, &out, nil)
	return out.Products, err
}

func (c *wireClient) PlaceOrder(ctx context.Context, product string, o orderRequest) (placeOrderResponse, error) {
	var out placeOrderResponse
	err := c.do(ctx, http.MethodPost, "/order/certificate/"+product, o, &out, nil)
	return out, err
}

func (c *wireClient) Orders(ctx context.Context) ([]orderSummary, error) {
	var out orderListResponse
	err := c.do(ctx, http.MethodGet, "/order/list", nil, &out, nil)
	return out.Orders, err
}

func (c *wireClient) Order(ctx context.Context, id int64) (*detailsResponse, error) {
	var out detailsResponse
	if err := c.do(ctx, http.MethodGet, orderPath(id), nil, &out, nil); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *wireClient) EditOrder(ctx context.Context, id int64, e orderEdit) error {
	return c.do(ctx, http.MethodPut, orderPath(id), e, nil, nil)
}

func (c *wireClient) Reissue(ctx context.Context, id int64, csr []byte) error {
	return c.do(ctx, http.MethodPost, certPath(id, "reissue"), reissueRequest{CSR: string(csr)}, nil, nil)
}

func (c *wireClient) CancelReissue(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodPut, certPath(id, "cancel-reissue"), nil, nil, nil)
}

func (c *wireClient) ResendDCVEmail(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodPut, certPath(id, "resend"), nil, nil, nil)
}

func (c *wireClient) Revoke(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodPut, certPath(id, "revoke"), nil, nil, nil)
}

func (c *wireClient) Download(ctx context.Context, id int64, format string) ([]byte, error) {
	var raw []byte
	err := c.do(ctx, http.MethodGet, certPath(id, "format/"+format), nil, nil, &raw)
	return raw, err
}

func (c *wireClient) DecodeCSR(ctx context.Context, csr []byte) (*decodedCSR, error) {
	var out decodedCSRResponse
	if err := c.do(ctx, http.MethodPost, "/tool/decoder/csr", csrRequest{CSR: string(csr)}, &out, nil); err != nil {
		return nil, err
	}
	return &out.CSR, nil
}

func (c *wireClient) DecodeCertificate(ctx context.Context, cert []byte) (*decodedCertificate, error) {
	var out decodedCertificateResponse
	if err := c.do(ctx, http.MethodPost, "/tool/decoder/certificate", certificateRequest{Certificate: string(cert)}, &out, nil); err != nil {
		return nil, err
	}
	return &out.Certificate, nil
}

func (c *wireClient) CheckOCSP(ctx context.Context, cert []byte) (*ocspResponse, error) {
	var out ocspResponse
	if err := c.do(ctx, http.MethodPost, "/tool/ocsp", certificateRequest{Certificate: string(cert)}, &out, nil); err != nil {
		return nil, err
	}
	return &out, nil
}
