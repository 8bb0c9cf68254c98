// Package sslmarket is a typed client for the SSLmarket REST API
// (https://www.sslmarket.co.uk/api, document: shared/seeds/sslmarket-api.txt).
// Every documented endpoint has a method:
//
//	GET  /product/list                                   Products
//	POST /order/certificate/{product_code}               PlaceOrder (201, paid)
//	GET  /order/list                                     Orders
//	GET  /order/order_id/{id}                            Order
//	PUT  /order/order_id/{id}                            EditOrder
//	POST /certificate/order_id/{id}/reissue              Reissue (202)
//	PUT  /certificate/order_id/{id}/cancel-reissue       CancelReissue (202)
//	PUT  /certificate/order_id/{id}/resend               ResendDCVEmail (202)
//	PUT  /certificate/order_id/{id}/revoke               Revoke (202)
//	GET  /certificate/order_id/{id}/format/{format}      Download
//	POST /tool/decoder/csr                               DecodeCSR
//	POST /tool/decoder/certificate                       DecodeCertificate
//	POST /tool/ocsp                                      CheckOCSP
//
// Order states are interpreted in one place, StateClass ("issued",
// "waiting", "final").
//
// Errors: an answer that is not a 2xx is an *APIError (StatusCode, Code:
// the error type, Message: its description; use IsBadRequest,
// IsUnauthorized, IsForbidden, IsNotFound, IsConflict, IsUnprocessable,
// IsServerError, IsTemporary, ErrorType);
// invalid arguments are an *InvalidArgumentError returned before anything
// is sent. The token never appears in an error string.
//
// # Assumptions
//
// The document is silent or ambiguous on the points below; this is what the
// client assumes. Change the code and this list together.
//
//  1. Authentication. The token goes in the X-Auth-Token header of every
//     request (documented), never in a URL. The API is not expected to
//     redirect: the default http.Client does not follow redirects (a 3xx
//     is an *APIError), because net/http forwards custom headers such as
//     X-Auth-Token to the redirect target, and a 301/302 would turn a paid
//     POST into a GET. Error strings are passed through rest.Redact anyway, in
//     case the server echoes the token.
//  2. Paths. Endpoints are relative to the base URL, which ends in /api
//     (the document's example request is "GET /api/order/list"). They are
//     joined with BaseURL.JoinPath; ids are decimal, product codes are
//     limited to letters, digits, '-' and '_' (all documented codes are).
//  3. Error body. "The type of error (string) and its description" is
//     assumed to be {"error": "<type>", "description": "<text>"}
//     (ErrorResponse). Leniently, {"type": ..., "description": ...},
//     {"error": {"type": ..., "description": ...}} and "message" are also
//     understood. Any other body (an HTML page of a proxy, plain text) is
//     reported as its first 200 bytes with control characters stripped.
//     Content-Type is not trusted. 5xx bodies are read the same way. The
//     document names no status codes beyond 2XX and 4XX: 404 (unknown
//     order or product), 409 (call not allowed in the order's state) and
//     422 get helpers but are not relied upon.
//  4. Request encoding. JSON, as documented ("Request data format:
//     application/json"); revocation names no format and is sent as JSON
//     too. Calls documented "without input parameters" (resend,
//     cancel-reissue, revoke) send the body {}. GETs send no body.
//  5. Responses. Any 2xx is success, not only the documented code. The
//     bodies of edit (200), reissue, cancel-reissue, resend and revoke
//     (202) are ignored (documented empty for resend and cancel-reissue).
//     A 2xx of a JSON endpoint whose body is empty or not JSON, an insert
//     answer without a positive order_id and an OCSP answer without status
//     wrap rest.ErrMalformedResponse, which IsTemporary reports. Beware: after
//     PlaceOrder such an error (like a timeout) means the order may have
//     been placed and paid; look for it with Orders before ordering again.
//  6. Lenient numbers. The document's example sends int fields as strings
//     ("min_san_values": "0") and csr_required as the string "true", so
//     Int, Bool and Text accept numbers, numeric strings, booleans and
//     null. order_id and other ids are positive and fit in int64.
//  7. Domain control validation (DigiCert's conventions; the document only
//     says dv_auth_content is a "unique value to verify the domain
//     owner"). FILE: the body of
//     http://<name>/.well-known/pki-validation/fileauth.txt (DCVFilePath)
//     is dv_auth_content, on the domain and on every dns_name. DNS: a TXT
//     record at the name itself (for *.example.com at example.com) holds
//     dv_auth_content. Email (the API's default): the CA mails admin@,
//     administrator@, hostmaster@, postmaster@ and webmaster@ of the
//     domain (documented under resend); nothing to publish.
//  8. States. The document names only "published" (the issued state).
//     The others are assumed: new, processing, reissue (waiting), and
//     StateCancelled, rejected, revoked, expired (final); see States and
//     StateClass. An unknown state is "waiting": the order may be paid for,
//     so it is never abandoned, nor downloaded, on a guess.
//  9. Names. domain is the certificate's main name (the CSR's common name)
//     and dns_names the additional names; sans_order_count counts the
//     additional names, which is what a product's min_san_values and
//     max_san_values limit. domain is not repeated in dns_names.
//  10. Download. The body is returned as is (documented text/plain).
//     pem_server is the leaf, pem_intermediate the leaf followed by its
//     intermediate (no root), p7b binary DER PKCS#7 with leaf,
//     intermediate and root despite the documented text/plain. A PEM
//     format without a CERTIFICATE block wraps rest.ErrMalformedResponse.
//  11. Time. The formats of "datetime" and "date" fields are not
//     documented; ParseTime accepts RFC 3339, "2006-01-02 15:04:05",
//     "2006-01-02" and a few more, and takes a value without a zone as UTC.
//     The server may well use Czech local time (UTC+1/+2): recovery
//     compares "inserted" with our clock within ca.ClockSkew (14 h, the
//     one clock-skew constant of all resellers) and matches on names first
//     (OrderSummary.HasNames).
//  12. No cancellation. The document has no endpoint to cancel an order:
//     an order whose id was lost cannot be undone through the API, only
//     found again in the order list.
//  13. Reissue. Assumed free within a paid (multi-year) order, as the
//     document implies ("for the reissue if it is free"); the new
//     certificate keeps the order's expiry. While it runs the state is
//     assumed to be "reissue" and the previous certificate stays
//     downloadable: after Reissue, download only when the state is issued
//     again and check that the leaf's key is the new CSR's. A multi-year
//     order reports auto_reissue: SSLmarket is assumed to reissue it by
//     itself, with the order's CSR, 30 days before its certificate ends
//     (when is not documented); only then does a reissue give a later
//     expiry. A reissued certificate expiring no later than the one it
//     replaces is never handed out: the renewal orders anew (README,
//     "What renewals cost").
//  14. Revocation is documented for DigiCert Client Premium Class 1 and 2
//     only; the client does not enforce that, the API answers.
//  15. Decoders and OCSP. The document's "array" is a JSON object (a PHP
//     associative array); "alghoritm" is spelled as documented. Its pkey in
//     the certificate decoder has no documented shape and is kept raw.
//     CSRs and certificates ("in Base64") are sent as PEM text.
//  16. Size. Bodies above 1 MiB are not read; a 2xx that large wraps
//     rest.ErrResponseTooLarge (not temporary), a non-2xx is an *APIError whose
//     description says the body was truncated. 429 and 408, undocumented,
//     are temporary.
//  17. Local checks. PlaceOrder requires every contact field the document
//     marks mandatory, two-letter country codes and e-mail addresses with
//     '@'; csr is optional ("depends on the type of certificate"). Domain
//     names are sent as given (no lowercasing, no IDN conversion).
//  18. Wildcards. The product list has no wildcard field: a product allows
//     wildcard names when its code or title contains "wildcard" (true of
//     every wildcard product in the document's list).
//  19. Recovery. An order whose id was lost is found in GET /order/list by
//     its set of names, its product, a state that is not final and an
//     insertion time no earlier than ca.ClockSkew (14 h) before the intent
//     (the server's time zone is unknown), and is adopted only if its CSR
//     carries the request's key; of several, the one inserted last.
//  20. Paging. The document's GET /order/list "lists the orders in the
//     given customer account" and names no paging parameter, page size or
//     total. Orders asks for page 1 as the document does, then for
//     "page=2", "page=3", ... (assumed; an API that does not know the
//     parameter ignores it) until a page brings no order not seen before
//     (an empty page past the last, or the whole list again). No page size
//     is assumed. Within the page bound: the client reads at most rest.DefaultMaxPages (200)
//     pages (Client.MaxPages) and past them fails with
//     rest.ErrTooManyPages naming the list, never treating what it did not
//     read as absent. Assumed too: pages hold the oldest entries first, so
//     an order placed while the list is read lands on a later page rather
//     than shifting the others; an entry removed meanwhile can shift one
//     past a page boundary unseen (no document offers a cursor against it).
package sslmarket
