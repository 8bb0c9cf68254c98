package sslmarket

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
)

// noParams is the body of the calls the document lists "without input
// parameters" but with a JSON request format (assumption 4).
type noParams struct{}

// Reissue starts a reissue of the certificate of order id with a new CSR
// (POST /certificate/order_id/{id}/reissue, 202). The new certificate has
// the order's parameters and expiry; poll Order until it is issued again.
func (c *Client) Reissue(ctx context.Context, id int64, csrPEM []byte) error {
	if err := validateID(id); err != nil {
		return err
	}
	if err := validateCSR("csrPEM", csrPEM); err != nil {
		return err
	}
	r := request{op: opReissue, method: http.MethodPost, path: certificatePath(id, "reissue"), body: ReissueRequest{CSR: string(csrPEM)}}
	_, err := c.do(ctx, r, nil)
	return err
}

// CancelReissue cancels the running reissue of order id; the previous
// certificate stays issued (PUT /certificate/order_id/{id}/cancel-reissue,
// 202).
func (c *Client) CancelReissue(ctx context.Context, id int64) error {
	if err := validateID(id); err != nil {
		return err
	}
	_, err := c.do(ctx, request{op: opCancelReissue, method: http.MethodPut, path: certificatePath(id, "cancel-reissue"), body: noParams{}}, nil)
	return err
}

// ResendDCVEmail has the CA send the domain validation e-mail of order id
// again (PUT /certificate/order_id/{id}/resend, 202).
func (c *Client) ResendDCVEmail(ctx context.Context, id int64) error {
	if err := validateID(id); err != nil {
		return err
	}
	_, err := c.do(ctx, request{op: opResendDCVEmail, method: http.MethodPut, path: certificatePath(id, "resend"), body: noParams{}}, nil)
	return err
}

// Revoke permanently revokes the certificate of order id (PUT
// /certificate/order_id/{id}/revoke, 202). The document allows it only for
// DigiCert Client Premium Class 1 and Class 2.
func (c *Client) Revoke(ctx context.Context, id int64) error {
	if err := validateID(id); err != nil {
		return err
	}
	_, err := c.do(ctx, request{op: opRevoke, method: http.MethodPut, path: certificatePath(id, "revoke"), body: noParams{}}, nil)
	return err
}

// Download returns the issued certificate of order id in format
// (FormatPEMServer, FormatPEMIntermediate or FormatP7B) as the raw body
// (GET /certificate/order_id/{id}/format/{format}, text/plain). A PEM
// format whose body holds no "CERTIFICATE" block, or an empty P7B body,
// wraps ErrMalformedResponse.
func (c *Client) Download(ctx context.Context, id int64, format string) ([]byte, error) {
	if err := validateID(id); err != nil {
		return nil, err
	}
	switch format {
	case FormatPEMServer, FormatPEMIntermediate, FormatP7B:
	default:
		return nil, invalidArg("format", "must be %q, %q or %q, got %q", FormatPEMServer, FormatPEMIntermediate, FormatP7B, format)
	}
	r := request{op: opDownload, method: http.MethodGet, path: certificatePath(id, "format", format), accept: "text/plain, */*"}
	data, err := c.do(ctx, r, nil)
	if err != nil {
		return nil, err
	}
	endpoint := "GET /certificate/order_id/" + strconv.FormatInt(id, 10) + "/format/" + format
	if format == FormatP7B {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, c.malformed(http.StatusOK, endpoint, data, "empty body")
		}
		return data, nil
	}
	if !bytes.Contains(data, []byte("-----BEGIN CERTIFICATE-----")) {
		return nil, c.malformed(http.StatusOK, endpoint, data, fmt.Sprintf("no PEM certificate in %s", format))
	}
	return data, nil
}

func certificatePath(id int64, rest ...string) []string {
	return append([]string{"certificate", "order_id", strconv.FormatInt(id, 10)}, rest...)
}
