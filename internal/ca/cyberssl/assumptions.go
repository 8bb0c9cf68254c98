// Package cyberssl is a typed client for the CyberSSL reseller API
// (live LiveBaseURL, test SandboxBaseURL; document:
// shared/seeds/cyberssl-api.txt). Every documented method is covered:
//
//	GET  auth                     Authenticate       session token (automatic)
//	GET  list_products            Products           products of the account
//	POST add_ssl_order            AddOrder           place and pay an order
//	POST reissue_ssl_order        Reissue            new CSR within the period
//	POST validate_csr             ValidateCSR        decode / check a CSR
//	GET  get_dv_options           DVOptions          what proves domain control
//	POST change_dv_method         ChangeDVMethod     switch DCV method of a domain
//	GET  order_status             OrderStatus        status, certificate, chain
//	GET  get_ssl_product_price    Price              price for period / domains
//	GET  get_balance              Balance            account balance
//	GET  my_orders                Orders             the account's orders
//	GET  ssl_certificates         Certificates       product catalog
//	GET  order_extra_domains      OrderExtraDomains  buy more SAN slots
//	GET  get_ssl_product_details  ProductDetails     one product
//	GET  revalidate               Revalidate         re-check DCV of a domain
//
// Errors: an answer that is not a success is an *APIError (IsAuth,
// IsNotFound, IsInsufficientFunds, IsTemporary); invalid arguments are an
// *InvalidArgumentError returned before anything is sent. Neither the API
// key nor a session token ever appears in an error string.
//
// Order statuses are sorted by StatusClass into "issued"
// (StatusActivated), "final" (StatusRejected, StatusCancelled,
// StatusDuplicateCertificate, StatusExpired) and "waiting" (everything
// else). DVOptions.Challenges turns dv_options into
// per-domain HTTP files or DNS records.
//
// # Assumptions
//
// The document is silent or ambiguous on the points below; this is what the
// client assumes. Change the code and this list together.
//
//  1. Transport (facts from the vendor's PHP client, cyberssl/api-php):
//     each method is a path below the base URL (BaseURL.JoinPath); GET
//     parameters go in the query string, POST parameters in an
//     application/x-www-form-urlencoded body; every answer is JSON. The
//     PHP client reads only the body, never the HTTP status, so a failure
//     may come with 200. The API key (auth) and the session token (GET)
//     travel in URLs: every error, including *url.Error from net/http and
//     API messages that quote them, is passed through redaction (the key,
//     the current token, the last replaced tokens, and a "token" found in
//     the body being reported). Redirects are not followed (a 3xx is an
//     *APIError).
//  2. Sessions. auth?apikey= returns "token"; it is cached in the Client
//     and sent as "token" with every other method (query on GET, form field
//     on POST). Its lifetime is not documented, so the client renews it
//     only when refused: IsAuth is HTTP 401, error_code "401" (CodeAuth),
//     or an error_message mentioning the token, API key, session or
//     authorization (the document names no code, and missing a session
//     expiry would fail orders); any non-temporary failure of auth itself
//     also counts. On such a refusal of a token that was cached before the
//     call, the client authenticates once and repeats the call once. A
//     refused request is assumed not to have been executed, so repeating
//     even add_ssl_order does not buy twice. Concurrent callers share one
//     renewal.
//  3. Errors. A body with "success": false is an *APIError carrying
//     error_code (Code) and error_message (Message) and the HTTP status
//     (2xx included). A non-2xx answer is an *APIError too, with the
//     body's error fields or, if it has none, its first 200 bytes with
//     control characters stripped. 5xx, 429 and 408 are temporary;
//     Retry-After is kept. A 2xx body that is not JSON or lacks "success"
//     wraps rest.ErrMalformedResponse and is temporary (most likely a proxy
//     page). Bodies above 1 MiB are not read (rest.ErrResponseTooLarge for a
//     2xx, not temporary).
//  4. Scalars. PHP's json_encode may write numbers as strings and booleans
//     as 1/"1"/"": ids (ID), counts (Int), money (Amount, kept as decimal
//     text), flags (Bool) and a few free texts (Text) accept every such
//     form. Other strings (PEM, status, domains, dates) are JSON strings or
//     null.
//  5. error_code may be a number or a string; APIError.Code is its text.
//     error_message may also be a list or object (several messages): its
//     compact JSON is used.
//  6. PHP arrays. Lists may arrive as JSON arrays or as objects keyed by
//     index or id; maps that are empty arrive as []. Both are accepted
//     everywhere a list or map is expected. dv_options is read from the
//     "dv_options" key; the examples of add_ssl_order, reissue_ssl_order
//     and change_dv_method print the http/https/dns arrays without it, so
//     if the key is absent they are also looked for at the top level.
//  7. DCV shapes (print_r dumps in the document): dv_options is
//     {"http": {domain: {filename, content, link}}, "https": {same},
//     "dns": {domain: {record}}, "email": {domain: [addresses]}}. For
//     http/https the file is served at the path of "link" on the link's
//     host (the document's example links sit at the web root, Sectigo's
//     usual place is /.well-known/pki-validation/); without a link, at
//     PKIValidationPath + filename on the domain; the body is "content"
//     exactly. For dns, "record" is one zone-file line
//     "<name> CNAME <target>" with absolute, dot-terminated names (an
//     optional TTL and class IN, or a TXT record, are tolerated); the
//     record is published as a CNAME at <name> pointing to <target>.
//     email: an approver must click a link; nothing to publish.
//  8. certificate and certificate_chain of order_status are PEM.
//     certificate_chain holds the intermediates and possibly the root; the
//     caller verifies and splits it. An Activated answer without a
//     certificate wraps rest.ErrMalformedResponse (temporary).
//  9. Statuses are the eight documented strings, compared case-insensitively
//     (the US spelling "Canceled" counts as StatusCancelled). An unknown status is
//     "waiting": a paid order never fails because of a status this client
//     does not know.
//  10. ssl_products (list_products, ssl_certificates) holds products shaped
//     like the "product" of get_ssl_product_details.
//  11. Reissue keeps the order id (the answer's order_id, if any, is
//     reported; if absent the request's id is used) and moves the order
//     back to validation; order_status then shows the new certificate once
//     Activated. Reissue is free within the period.
//  12. my_orders: the elements of ssl_orders are assumed to carry the
//     order_status fields order_id, status, primary_domain,
//     domains_included, period, amount, valid_from, valid_till, dv_method,
//     partner_order_id, plus product_id and date_created
//     ("YYYY-MM-DD HH:MM:SS", UTC; RFC 3339, a bare date or Unix seconds are
//     also read). OrderList.Matching finds a lost order by names and a
//     date_created no earlier than ca.ClockSkew (14 h, the one clock-skew
//     constant of all resellers) before the intent: "UTC" is the vendor's
//     word, the sandbox's clock was minutes off. An order without a
//     readable date never matches a time bound.
//     domains_included is one comma-separated string or a list.
//  13. ssl_certificates documents no parameter, not even token: it is
//     called without a session.
//  14. Money. add_ssl_order and order_extra_domains are the paid calls.
//     Neither is ever retried by this package except after an auth
//     refusal (2). An AddOrder answer without order_id wraps
//     rest.ErrMalformedResponse: the order may exist, look in Orders first.
//  15. valid_from / valid_till are dates (YYYY-MM-DD), taken as UTC; a
//     server writing its local day instead is a day off at most.
//  16. validate_csr's csr.san is a comma-separated string or a list.
//  17. Contacts. The tech_* fields are sent only when Tech is given (the
//     API then copies admin_*). org_* are sent only when Org is given, all
//     eight then required. csr_department and csr_email are required only
//     for a reissue with a generated CSR, as documented.
//  18. Domain names and CSRs are sent as given (ASCII/punycode); addon
//     domains are joined with "," and must not contain commas or blanks.
//  19. Balance. get_balance answers an amount without a currency; the
//     CyberSSL site prices everything in US dollars, so BalanceCurrency is
//     "USD". An order the balance does not cover is refused with HTTP 402
//     or error_code "402" (IsInsufficientFunds) and is not placed.
//  20. Paging. my_orders answers "List of your ssl orders" and the
//     document names no paging parameter, page size or total. Orders asks
//     for page 1 as the document does, then for "page=2", "page=3", ...
//     (assumed; an API that does not know the parameter ignores it) until
//     a page brings no order not seen before (an empty page past the last,
//     or the whole list again). No page size is assumed. Within
//     the page bound: the client reads at most rest.DefaultMaxPages (200)
//     pages (Client.MaxPages) and past them fails with
//     rest.ErrTooManyPages naming the list, never treating what it did not
//     read as absent. Assumed too: pages hold the oldest entries first, so
//     an order placed while the list is read lands on a later page rather
//     than shifting the others; an entry removed meanwhile can shift one
//     past a page boundary unseen (no document offers a cursor against it).
package cyberssl

// BalanceCurrency is the currency of get_balance (assumption 19).
const BalanceCurrency = "USD"
