// Package sslci is a typed client for the SSLCI REST API
// (https://www.sslci.com/api, document: shared/seeds/sslci-api.txt):
//
//	GET    /api                   List                 certificates and pending orders
//	POST   /api                   RequestVerification  HTTP/DNS challenge for one domain
//	PUT    /api                   ConfirmVerification  check the published challenge
//	POST   /api action=finalize   Finalize             issue a certificate for verified domains
//	DELETE /api                   Delete               delete a certificate / cancel an order
//
// Errors: an API answer that is not a success is an *APIError (use
// IsUnauthorized, IsForbidden, IsBadRequest, IsMethodNotAllowed,
// IsServerError, IsTemporary); invalid arguments are an
// *InvalidArgumentError returned before anything is sent. The token never
// appears in an error string.
//
// # Assumptions
//
// The document is silent or ambiguous on the points below; this is what the
// client assumes. Change the code and this list together.
//
//  1. Authentication. The document says the token can be sent "in 3 ways"
//     but lists none. We do what its curl examples do: field "token" in the
//     JSON body for POST, PUT and DELETE, and query parameter "token" for
//     GET. No header is used. Because the GET token is in the URL, every
//     error (including *url.Error from net/http) is passed through rest.Redact.
//  2. One URL. Every operation is the base URL itself (no trailing slash),
//     told apart by method and, for finalize, by "action". The API is not
//     expected to redirect: the default http.Client does not follow
//     redirects (a 3xx is an *APIError), so a GET token never leaves for
//     another host and a POST is never turned into a GET.
//  3. Error body. Errors use the documented status codes (400, 401, 403,
//     405, 500) with body {"status": false, "message": "..."}
//     (ErrorResponse). A body that is not such JSON (HTML error page of a
//     proxy, plain text) is reported as its first 200 bytes with control
//     characters stripped. Content-Type is not trusted either way.
//  4. 2xx with "status": false is an error: *APIError with the 2xx code and
//     the body's message. A 2xx body that is not JSON or has no "status"
//     wraps rest.ErrMalformedResponse and counts as temporary (most likely a
//     proxy or maintenance page). 429 and 408, undocumented, are temporary.
//  5. Size. Bodies above 1 MiB are not read; a 2xx that large wraps
//     rest.ErrResponseTooLarge (not temporary), a non-2xx is an *APIError whose
//     message says the body was truncated.
//  6. PUT response. Undocumented; assumed {"status": true, "domain": ...,
//     "order_id": ..., "verified": true, "message": ...} (ConfirmResponse).
//     "status": true only means the request was accepted; callers should
//     check Verified. A failed check is assumed to be "status": false
//     (an *APIError, 400 or 200).
//  7. PUT defaults. order_id 0 and an empty method are omitted from the
//     body; the document says the order is then found automatically and
//     the method defaults to http.
//  8. POST verification requires method (no default is documented). The
//     challenge looks like ACME (/.well-known/acme-challenge/, content
//     "token.thumbprint"), so ACME rules are assumed: a wildcard name
//     (*.example.com) needs dns. For dns the response is assumed to have
//     the same shape, with Content the TXT value (record name
//     _acme-challenge.<domain>) and FilePath/URL empty.
//  9. Finalize. The action is "finalize" (the curl example; the parameter
//     table's "finalized" is taken as a typo). "csr" (PEM CERTIFICATE
//     REQUEST) is our addition so that the private key stays with the
//     caller; it is sent only when non-empty. The API may ignore it and
//     return its own "key": the caller must accept the certificate only if
//     the leaf's public key is the CSR's (this package does not check).
//     A "status": true answer without "crt" wraps rest.ErrMalformedResponse. The
//     "key" is never put into an error.
//  10. Finalize needs every domain verified within the last 29 days; the
//     client does not track that, the API is assumed to answer 400.
//     Domains are sent in the given order; duplicates are rejected locally.
//  11. DELETE response. Undocumented; assumed {"status": true, "message":
//     ...} (DeleteResponse). An empty 2xx body (e.g. 204) is success.
//  12. List. "domains" of a certificate or order is a single string; for a
//     multi-name certificate it is assumed comma-separated ("a.com,b.com"
//     or "a.com, b.com"), see SplitDomains. Pending order "status" values
//     other than "pending" are passed through unchanged.
//  13. Time. add_time and end_time are Unix seconds (the example values
//     are); details.valid_from / valid_to ("2006-01-02 15:04:05") are
//     assumed UTC and are left as strings.
//  14. IDs (crt_id, order_id) are positive integers that fit in int64.
//  15. Domain names are sent as given: ASCII/punycode, no lowercasing, no
//     trailing dot handling beyond rejecting empty labels.
//  16. Money. Verification orders (POST) are free; finalize is the paid
//     call. The flow therefore guards only finalize with an intent, and
//     deletes a verification order whose id it failed to save.
//  17. Recovery. SSLCI has no download endpoint: a certificate bought by a
//     finalize whose answer was lost (crash, dropped connection) shows up in
//     GET /api but cannot be fetched. The flow never buys a second one: the
//     request fails naming the crt_id, for a human to decide. A
//     certificate's add_time counts as the finalize's when it is within
//     ca.ClockSkew (14 h, the one clock-skew constant of all resellers) of
//     the intent; the same slack shortens the 29 days a verification is
//     reused.
//  18. Paging. The document says GET /api "lists all your SSL certificates
//     and pending orders" and shows no paging parameter, page size or total.
//     A long account may still be paged: List asks for page 1 as the
//     document does, then for "page=2", "page=3", ... (the parameter
//     assumed; one an API does not know is ignored) until a page brings no
//     certificate or pending order not seen before (an empty page past the
//     last, or the whole list again from an API that does not page). No
//     page size is assumed. Health checks read page 1 only. Within
//     the page bound: the client reads at most rest.DefaultMaxPages (200)
//     pages (Client.MaxPages) and past them fails with
//     rest.ErrTooManyPages naming the list, never treating what it did not
//     read as absent. Assumed too: pages hold the oldest entries first, so
//     an order placed while the list is read lands on a later page rather
//     than shifting the others; an entry removed meanwhile can shift one
//     past a page boundary unseen (no document offers a cursor against it).
package sslci
