package sslci

// Wire types of the SSLCI REST API (../shared/seeds/sslci-api.txt). The
// sandbox has its own, written from the same document: the two meet only
// on the wire.

// Verification methods accepted by POST and PUT /api.
const (
	MethodHTTP = "http"
	MethodDNS  = "dns"
)

// Record types accepted by DELETE /api.
const (
	DeleteSSL   = "ssl"
	DeleteOrder = "order"
)

// ListResponse is the body of GET /api.
type ListResponse struct {
	Status        bool           `json:"status"`
	Certificates  []Certificate  `json:"certificates"`
	PendingOrders []PendingOrder `json:"pending_orders"`
}

// Certificate is one issued certificate in the list. Domains is a single
// string in the document's example ("example.com"); for several names we
// assume a comma-separated list (see assumptions.go).
type Certificate struct {
	CrtID   int64  `json:"crt_id"`
	Domains string `json:"domains"`
	AddTime int64  `json:"add_time"`
	EndTime int64  `json:"end_time"`
}

// PendingOrder is one open verification order in the list.
type PendingOrder struct {
	OrderID int64  `json:"order_id"`
	Domains string `json:"domains"`
	Status  string `json:"status"`
}

// VerificationRequest is the body of POST /api (one domain).
type VerificationRequest struct {
	Token  string `json:"token"`
	Domain string `json:"domain"`
	Method string `json:"method"`
}

// VerificationResponse is the answer to POST /api.
type VerificationResponse struct {
	Status       bool         `json:"status"`
	Domain       string       `json:"domain"`
	OrderID      int64        `json:"order_id"`
	Verification Verification `json:"verification"`
}

// Verification is what must be published for one domain.
type Verification struct {
	Method   string `json:"method"`
	Token    string `json:"token"`
	Content  string `json:"content"`
	FilePath string `json:"file_path"`
	URL      string `json:"url"`
}

// ConfirmRequest is the body of PUT /api.
type ConfirmRequest struct {
	Token   string `json:"token"`
	Domain  string `json:"domain"`
	OrderID int64  `json:"order_id,omitempty"`
	Method  string `json:"method,omitempty"`
}

// ConfirmResponse is the answer to PUT /api. The document does not show it;
// we assume {"status": true, "domain": ..., "order_id": ..., "verified": true}.
type ConfirmResponse struct {
	Status   bool   `json:"status"`
	Domain   string `json:"domain"`
	OrderID  int64  `json:"order_id"`
	Verified bool   `json:"verified"`
	Message  string `json:"message,omitempty"`
}

// FinalizeRequest is the body of POST /api with action=finalize. CSR is our
// addition (assumptions.go): the private key must stay in the cluster.
type FinalizeRequest struct {
	Token   string   `json:"token"`
	Action  string   `json:"action"`
	Domains []string `json:"domains"`
	CSR     string   `json:"csr,omitempty"`
}

// ActionFinalize is the constant action of the finalize call.
const ActionFinalize = "finalize"

// FinalizeResponse is the answer to finalize.
type FinalizeResponse struct {
	Status  bool            `json:"status"`
	Key     string          `json:"key,omitempty"`
	CSR     string          `json:"csr"`
	CRT     string          `json:"crt"`
	CA      string          `json:"ca"`
	Details FinalizeDetails `json:"details"`
}

// FinalizeDetails describes the issued certificate.
type FinalizeDetails struct {
	Subject struct {
		CN string `json:"CN"`
	} `json:"subject"`
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
	SAN       string `json:"san"`
}

// DeleteRequest is the body of DELETE /api.
type DeleteRequest struct {
	Token string `json:"token"`
	Type  string `json:"type"`
	ID    int64  `json:"id"`
}

// DeleteResponse is the answer to DELETE /api (undocumented; assumed).
type DeleteResponse struct {
	Status  bool   `json:"status"`
	Message string `json:"message,omitempty"`
}

// ErrorResponse is the body of every error (assumed: {"status": false,
// "message": "..."} with the documented HTTP status code).
type ErrorResponse struct {
	Status  bool   `json:"status"`
	Message string `json:"message"`
}
