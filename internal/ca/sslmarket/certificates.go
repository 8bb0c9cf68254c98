package sslmarket

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/reseller-issuer/reseller-issuer/internal/ca"
	"github.com/reseller-issuer/reseller-issuer/internal/ca/rest"
)

// noParams is the body of the calls the document lists "without input
// parameters" but with a JSON request format (assumption 4).
type noParams struct{}

// Reissue starts a reissue of the certificate of order id with a new CSR
// (POST /certificate/order_id/{id}/reissue, 202). The new certificate has
// the order's parameters and expiry; poll Order until it is issued again.
func (c *Client) Reissue(ctx context.Context, id int64, csrPEM []byte) error {
	if err := provider.CheckID("id", id); err != nil {
		return err
	}
	if err := provider.CheckCSR("csrPEM", csrPEM); err != nil {
		return err
	}
	r := rest.Request{Op: opReissue, Method: http.MethodPost, Path: certificatePath(id, "reissue"), JSON: ReissueRequest{CSR: string(csrPEM)}}
	_, err := c.Do(ctx, r, nil)
	return err
}

// CancelReissue cancels the running reissue of order id; the previous
// certificate stays issued (PUT /certificate/order_id/{id}/cancel-reissue,
// 202).
func (c *Client) CancelReissue(ctx context.Context, id int64) error {
	return c.certificateAction(ctx, opCancelReissue, id, "cancel-reissue")
}

// ResendDCVEmail has the CA send the domain validation e-mail of order id
// again (PUT /certificate/order_id/{id}/resend, 202).
func (c *Client) ResendDCVEmail(ctx context.Context, id int64) error {
	return c.certificateAction(ctx, opResendDCVEmail, id, "resend")
}

// Revoke permanently revokes the certificate of order id (PUT
// /certificate/order_id/{id}/revoke, 202). The document allows it only for
// DigiCert Client Premium Class 1 and Class 2.
func (c *Client) Revoke(ctx context.Context, id int64) error {
	return c.certificateAction(ctx, opRevoke, id, "revoke")
}

// Download returns the issued certificate of order id in format
// (FormatPEMServer, FormatPEMIntermediate or FormatP7B) as the raw body
// (GET /certificate/order_id/{id}/format/{format}, text/plain). A PEM
// format whose body holds no "CERTIFICATE" block, or an empty P7B body,
// wraps rest.ErrMalformedResponse.
func (c *Client) Download(ctx context.Context, id int64, format string) ([]byte, error) {
	if err := provider.CheckID("id", id); err != nil {
		return nil, err
	}
	switch format {
	case FormatPEMServer, FormatPEMIntermediate, FormatP7B:
	default:
		return nil, provider.InvalidArg("format", "must be %q, %q or %q, got %q", FormatPEMServer, FormatPEMIntermediate, FormatP7B, format)
	}
	r := rest.Request{Op: opDownload, Method: http.MethodGet, Path: certificatePath(id, "format", format), Accept: "text/plain, */*"}
	data, err := c.Do(ctx, r, nil)
	if err != nil {
		return nil, err
	}
	endpoint := "GET /certificate/order_id/" + strconv.FormatInt(id, 10) + "/format/" + format
	if format == FormatP7B {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, c.Malformed(endpoint, data, "empty body")
		}
		return data, nil
	}
	if !bytes.Contains(data, []byte("-----BEGIN CERTIFICATE-----")) {
		return nil, c.Malformed(endpoint, data, "no PEM certificate in %s", format)
	}
	return data, nil
}

// certificateAction asks for action on the certificate of order id
// (PUT /certificate/order_id/{id}/{action}, without input parameters).
func (c *Client) certificateAction(ctx context.Context, op ca.Operation, id int64, action string) error {
	if err := provider.CheckID("id", id); err != nil {
		return err
	}
	_, err := c.Do(ctx, rest.Request{Op: op, Method: http.MethodPut, Path: certificatePath(id, action), JSON: noParams{}}, nil)
	return err
}

func certificatePath(id int64, rest ...string) []string {
	return append([]string{"certificate", "order_id", strconv.FormatInt(id, 10)}, rest...)
}
