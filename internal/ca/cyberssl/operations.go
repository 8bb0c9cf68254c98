package cyberssl

import "github.com/reseller-issuer/reseller-issuer/internal/ca"

// operations names what each endpoint does, for the reseller-call metrics
// (ca.StartCall): a paid order and a free status poll are told apart.
var operations = map[string]ca.Operation{
	endpointAuth:           ca.OpAuth,
	endpointListProducts:   ca.OpProducts,
	endpointAddOrder:       ca.OpPlaceOrder,
	endpointReissue:        ca.OpReissue,
	endpointValidateCSR:    ca.OpTools,
	endpointDVOptions:      ca.OpDCV,
	endpointChangeDVMethod: ca.OpDCV,
	endpointOrderStatus:    ca.OpPoll,
	endpointPrice:          ca.OpProducts,
	endpointBalance:        ca.OpBalance,
	endpointMyOrders:       ca.OpList,
	endpointCertificates:   ca.OpProducts,
	endpointExtraDomains:   ca.OpExtraDomains,
	endpointProductDetails: ca.OpProducts,
	endpointRevalidate:     ca.OpDCV,
}

// operation is the operation of endpoint; ca.OpOther for one not listed.
func operation(endpoint string) ca.Operation {
	if op, ok := operations[endpoint]; ok {
		return op
	}
	return ca.OpOther
}
