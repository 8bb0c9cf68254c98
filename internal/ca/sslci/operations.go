package sslci

import "github.com/reseller-issuer/reseller-issuer/internal/ca"

// The operation of each endpoint, for the reseller-call metrics
// (ca.StartCall): the paid finalize and the free verifications differ.
const (
	opList     = ca.OpList     // GET /api
	opVerify   = ca.OpVerify   // POST /api {domain, method}
	opConfirm  = ca.OpConfirm  // PUT /api {domain, order_id, method}
	opFinalize = ca.OpFinalize // POST /api {action: finalize} (paid)
	opDelete   = ca.OpCancel   // DELETE /api {type, id}
)
