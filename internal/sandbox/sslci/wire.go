package sslci

// Wire types of the SSLCI REST API, written from its document
// (shared/seeds/sslci-api.txt; the examples are in testdata/ and
// wire_test.go decodes them). The issuer's client has its own; the two
// meet only on the wire.

// Verification methods of POST and PUT /api ("http or dns").
const (
	methodHTTP = "http"
	methodDNS  = "dns"
)

// Record types of DELETE /api ("ssl or order").
const (
	deleteSSL   = "ssl"
	deleteOrder = "order"
)

// actionFinalize is the constant "action" of the finalize call.
const actionFinalize = "finalize"

// listResponse is the answer to GET /api.
type listResponse struct {
	Status        bool           `json:"status"`
	Certificates  []listedCert   `json:"certificates"`
	PendingOrders []pendingOrder `json:"pending_orders"`
}

// listedCert is one certificate of the list: times are Unix seconds; the
// document's example lists one domain, several are comma-joined (assumed).
type listedCert struct {
	CrtID   int64  `json:"crt_id"`
	Domains string `json:"domains"`
	AddTime int64  `json:"add_time"`
	EndTime int64  `json:"end_time"`
}

// pendingOrder is one pending verification order of the list.
type pendingOrder struct {
	OrderID int64  `json:"order_id"`
	Domains string `json:"domains"`
	Status  string `json:"status"`
}

// verificationRequest is the body of POST /api (one domain).
type verificationRequest struct {
	Token  string `json:"token"`
	Domain string `json:"domain"`
	Method string `json:"method"`
}

// verificationResponse is the answer to POST /api.
type verificationResponse struct {
	Status       bool         `json:"status"`
	Domain       string       `json:"domain"`
	OrderID      int64        `json:"order_id"`
	Verification verification `json:"verification"`
}

// verification is what to publish for one domain.
type verification struct {
	Method   string `json:"method"`
	Token    string `json:"token"`
	Content  string `json:"content"`
	FilePath string `json:"file_path"`
	URL      string `json:"url"`
}

// confirmRequest is the body of PUT /api; order_id is optional ("found
// automatically") and method defaults to http.
type confirmRequest struct {
	Token   string `json:"token"`
	Domain  string `json:"domain"`
	OrderID int64  `json:"order_id"`
	Method  string `json:"method"`
}

// confirmResponse is the answer to PUT /api. The document shows none; the
// sandbox answers {"status": true, "domain", "order_id", "verified": true}.
type confirmResponse struct {
	Status   bool   `json:"status"`
	Domain   string `json:"domain"`
	OrderID  int64  `json:"order_id"`
	Verified bool   `json:"verified"`
}

// finalizeRequest is the body of POST /api with action=finalize. csr is
// the sandbox's addition (see the package doc): without it a key is
// generated and returned, as documented.
type finalizeRequest struct {
	Token   string   `json:"token"`
	Action  string   `json:"action"`
	Domains []string `json:"domains"`
	CSR     string   `json:"csr"`
}

// finalizeResponse is the answer to finalize. key is left out when the
// caller sent its CSR.
type finalizeResponse struct {
	Status  bool            `json:"status"`
	Key     string          `json:"key,omitempty"`
	CSR     string          `json:"csr"`
	CRT     string          `json:"crt"`
	CA      string          `json:"ca"`
	Details finalizeDetails `json:"details"`
}

// finalizeDetails describes the issued certificate.
type finalizeDetails struct {
	Subject   subject `json:"subject"`
	ValidFrom string  `json:"valid_from"`
	ValidTo   string  `json:"valid_to"`
	SAN       string  `json:"san"`
}

type subject struct {
	CN string `json:"CN"`
}

// deleteRequest is the body of DELETE /api.
type deleteRequest struct {
	Token string `json:"token"`
	Type  string `json:"type"`
	ID    int64  `json:"id"`
}

// deleteResponse is the answer to DELETE /api (not documented; assumed).
type deleteResponse struct {
	Status  bool   `json:"status"`
	Message string `json:"message"`
}

// errorResponse is the body of every error (not documented; assumed) with
// the documented status code.
type errorResponse struct {
	Status  bool   `json:"status"`
	Message string `json:"message"`
}
