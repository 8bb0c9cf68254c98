package sslmarket

import "github.com/reseller-issuer/reseller-issuer/internal/ca"

// The operation of each endpoint, for the reseller-call metrics
// (ca.StartCall): a paid order and a free status poll are told apart.
const (
	opPlaceOrder        = ca.OpPlaceOrder // POST /order/certificate/{product_code} (paid)
	opOrderList         = ca.OpList       // GET /order/list
	opOrder             = ca.OpPoll       // GET /order/order_id/{id}
	opEditOrder         = ca.OpEditOrder  // PUT /order/order_id/{id}
	opReissue           = ca.OpReissue    // POST /certificate/order_id/{id}/reissue
	opCancelReissue     = ca.OpCancel     // PUT /certificate/order_id/{id}/cancel-reissue
	opResendDCVEmail    = ca.OpDCV        // PUT /certificate/order_id/{id}/resend
	opRevoke            = ca.OpRevoke     // PUT /certificate/order_id/{id}/revoke
	opDownload          = ca.OpDownload   // GET /certificate/order_id/{id}/format/{format}
	opProducts          = ca.OpProducts   // GET /product/list
	opDecodeCSR         = ca.OpTools      // POST /tool/decoder/csr
	opDecodeCertificate = ca.OpTools      // POST /tool/decoder/certificate
	opCheckOCSP         = ca.OpTools      // POST /tool/ocsp
)
