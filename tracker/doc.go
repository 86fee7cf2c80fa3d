// Package tracker is cbsim's reference tracker: a RedTrack-compatible
// server-to-server postback receiver, and a receiver of ClickBank's Instant
// Notifications, with a durable SQLite store (pure Go, modernc.org/sqlite,
// so it builds with CGO_ENABLED=0).
//
// It behaves like RedTrack on the receiving side (docs/clickbank.md §7) and
// shares no code with the simulator: they meet only over HTTP.
//
// # In process
//
// NewServer has the net/http/httptest feel: it starts on 127.0.0.1:0 and
// exposes URL, Client and Close. Open returns a Tracker whose Handler, or
// Serve on a listener, the CLI ("cbsim tracker") puts on an address.
//
// # Server limits
//
// Serve holds every connection to Config.Server (ServerLimits), each field
// defaulting to its Default… constant: headers read within 10 s, a whole
// request within 30 s (a trickling body is cut off), a reply written
// within 60 s, a keep-alive connection closed after 60 s idle, request
// line and headers of at most 64 KiB (431 past it), a body of at most
// 64 KiB (400 past it), and at most 1024 connections open at once (more
// wait in the listen backlog). A request refused for its api_key is
// answered at once, without reading its body, and its connection closed.
//
// # HTTP surface (JSON everywhere)
//
// The reporting and campaign paths are RedTrack's as its Swagger 2.0
// description gives them (host api.redtrack.io; vendored as swagger.json in
// the public repository pijusz/mcp-redtrack); what the reference tracker
// adds is under a key named "cbsim", which is not RedTrack's.
//
//	GET  /healthz                     200 {"status":"ok"}
//	POST /campaigns?api_key=K         models.Campaign {"title":..,"cbsim":{"offer_url":..}}
//	                                  → 201 {"id","title","status":1,"created_at","updated_at","cbsim":{"offer_url"}}
//	GET  /campaigns?api_key=K[&title=&ids=&page=&per=]  [models.Campaign, …]
//	GET  /{campaign}                  a click (campaign id or title): 302 to the offer URL, {clickid} replaced
//	GET  /{campaign}?format=json      a click: 200 {"clickid":"<24 hex>"}
//	GET  /postback?clickid=&sum=&type=&status=&currency=&rdtk_event_id=&ptoken=&…
//	     200 {"status":"ok","conversion_id":..,"duplicate_status":"new|repeated","action":"created|updated|ignored"}
//	GET  /conversions?api_key=K&date_from=YYYY-MM-DD&date_to=YYYY-MM-DD[&clickid=&type=&campaign_id=&page=&per=]
//	     {"items":[models.ConversionView + "cbsim":{"params":{..},"updated_at"}],"total":N}
//	GET  /tracks?api_key=K&date_from=YYYY-MM-DD&date_to=YYYY-MM-DD[&clickid=&campaign_id=&page=&per=]
//	     {"items":[models.TrackView + "cbsim":{"subs":{..}}],"total":N}
//	GET  /rejections?api_key=K[&page=&per=]   (cbsim's own)
//	     {"items":[{"created_at","path","query","param","error","status"}],"total":N,"dropped":D}
//	POST /ins                         ClickBank's INS envelope {"notification":..,"iv":..} (Config.INSSecret)
//	     200 {"status":"ok","action":"created|reversed|ignored|test","conversion_id":..,"duplicate_status":"new|repeated","reason":..}
//	POST /api/campaigns?api_key=K     deprecated: {"name":..,"offer_url":..} → 201 {"id":..,"name":..,"offer_url":..}
//	GET  /api/campaigns?api_key=K     deprecated: {"items":[{"id","name","offer_url"}],"total":N}
//
// Errors are RedTrack's api.Err, {"error":"<reason>"}, plus "param":"<name>"
// (cbsim's addition, omitted when none), with the status of their code:
// invalid 400, unauthorized 401, forbidden 403, not_found 404, method 405,
// conflict 409, internal 500.
//
// HEAD, which net/http routes to GET patterns, is refused 405 with
// "Allow: GET" on /postback and /{campaign}, whose GET records something;
// elsewhere it answers as GET without a body. A parameter given more than
// once is refused 400 naming it ("given 2 times") on /postback and on the
// reporting and campaign API; a click keeps the first value of each.
//
// # Clicks
//
// A click's query is held to a postback's limits: at most MaxQueryBytes
// (8 KiB), names of at most 128 bytes, values of at most MaxValueBytes
// (1024 bytes); past them, or malformed, it is refused 400 naming the
// parameter ("query" for the whole) and nothing is recorded.
//
// A click gets a 24-character lowercase hex id, the form of RedTrack's
// (a MongoDB ObjectId), made of 96 bits from crypto/rand: a click id is all
// a postback without a token needs, and one is handed to every buyer, so no
// click id tells anything about another. Conversion and campaign ids keep
// the ObjectId layout (time, store, counter); they grant nothing.
//
// What a postback's reply reveals: with Config.PostbackToken set, a
// postback without the right token is refused 403 before its click id is
// looked at, so a caller without the token learns nothing about clicks.
// Without a token, a well-formed postback for a click id that was never
// issued is 404 ("unknown click id"), the same reply for every such id: it
// tells whether an id exists, which at 96 random bits cannot be searched.
// The replies of a recorded postback (conversion_id, duplicate_status) go
// only to a caller that holds the click id.
//
// # Postbacks
//
// The parameters clickid, sum, type, status, currency, rdtk_event_id and
// ptoken are the postback's own; every other parameter (eventid, zip,
// order_id, …) is stored with the conversion. The conversion's order is
// order_id, else order; its event id rdtk_event_id, else eventid (the
// ClickBank template's Event ID parameter), or only Config.EventIDParam when
// set. Defaults: type DefaultType
// (InitialPurchase; the first configured type when that is not configured),
// status "other", currency "USD", sum 0. An empty value counts as absent (an
// unexpanded-to-empty macro).
//
// A postback is rejected, checked in this order, for: a query longer than
// MaxQueryBytes (8 KiB), a malformed query, a parameter name longer than 128
// bytes or a value longer than MaxValueBytes (1024 bytes) (400, param
// "query" or the parameter); a parameter given twice (400); a missing or
// wrong ptoken when
// Config.PostbackToken is set (403); a missing clickid (400); a type that is
// not configured, compared case-sensitively (400); a sum that is not a
// non-negative decimal or is 10^11 or more (400); a status other than
// approved, pending, declined, other (400); a currency that is not three
// letters (400, upper-cased when accepted); an unknown click id (404). The
// rejections log keeps the latest Config.MaxRejections
// (DefaultMaxRejections, 10,000) with their time, raw query (cut at 8 KiB;
// the values of ptoken and api_key replaced by ***), parameter, reason and
// status; older ones roll off and are counted in
// GET /rejections' "dropped", which survives restarts.
//
// Money is kept in integer cents. A sum with more than two decimals is
// rounded half up to the cent ("0.125" → 0.13); payouts print with two
// decimals, as JSON numbers (12.50).
//
// # Duplicates
//
// A duplicate is judged per (click id, type). The mode of a type is its own
// ConversionType.Mode or else Config.DuplicateMode (DefaultMode: new). Under
// new_marked the stored conversions are marked new for the first and
// repeated after (duplicate_status 1 and 2 in the report); other modes leave
// them unmarked (0). The postback reply's duplicate_status always says
// whether the pair had a conversion before. Ignored duplicates are answered
// 200 with action "ignored" and the id of the conversion they duplicate, as
// RedTrack answers them. Under ignore_event_id a postback without an event
// id always creates a conversion.
//
// Writes go through one goroutine that commits concurrent writes together
// in one transaction (group commit) on a single connection; unique indexes
// on the conversions table back the modes up, so concurrent identical
// postbacks produce exactly the count the mode says.
//
// # Instant Notifications (INS)
//
// With Config.INSSecret set (cbsim tracker --ins-secret), POST /ins takes
// ClickBank's Instant Notifications (docs/clickbank.md §6): the INS URL of
// a vendor or affiliate account whose tracker this is. The tracker opens
// the envelope with its own reader (insenvelope.go, written from §6 and
// §6.1, sharing no code with the simulator's sealer): AES-256-CBC under
// the first 32 characters of the lowercase hex SHA-1 of the secret, the
// IV from the envelope, PKCS#7 padding or 6.0's zero padding; the
// plaintext must be a JSON object. Without a secret, POST /ins is 404
// ("INS is not enabled"); GET and HEAD /ins are 405 (Allow: POST), and
// "ins" is a reserved campaign name.
//
// What each transactionType does:
//
//   - SALE, BILL: a conversion of type "INS:SALE" or "INS:BILL" (INSTypePrefix;
//     a configured postback type cannot contain ':', so the two never mix)
//     on the click named by the first entry of trackingCodes that is a
//     click id of this tracker (the TID or vtid the sale carried); payout
//     totalAccountAmount, status approved, currency USD (account amounts
//     are USD, §5; the order's currency is kept as order_currency), order
//     the receipt. A notification without tracking codes goes on the click
//     of the sale it follows: a rebill RECEIPT-B002 on that of RECEIPT, an
//     upsell on that of its upsell.upsellOriginalReceipt (same role).
//   - TEST_SALE, TEST_BILL: the same under "INS:TEST_SALE"/"INS:TEST_BILL",
//     status other, so that a test purchase is attributed but pays nothing.
//   - RFND, CGBK (TEST_RFND for test purchases): the conversion of that
//     receipt, role and SALE or BILL (TEST_SALE or TEST_BILL) is declined
//     (status declined; its payout kept), and cbsim.reversal says by what,
//     for how much (the notification's totalAccountAmount, negative) and
//     when. A second reversal of the same conversion is ignored.
//   - TEST (the "Test IPN" button): 200, action test, nothing recorded.
//   - Any other type (INSF, CANCEL-REBILL, …): 200, action ignored, with the
//     reason; nothing recorded.
//
// Each role's notification counts on its own: a tracker receives the
// VENDOR or the AFFILIATE notification (or, when both accounts point at
// it, both), and a conversion is unique per (receipt, transactionType,
// role), so a delivery ClickBank retries with attemptCount up is answered
// 200 "ignored" with the first one's conversion_id, and a refund reverses
// only its own role's conversion. The notification's receipt,
// transaction_type, role, vendor, affiliate, version, attempt_count (the
// first delivery's), line_item_types, upsell_original_receipt and
// order_currency are reported under cbsim.params, and
// "RECEIPT/TRANSACTIONTYPE/ROLE" as deduplicate_token; the customer's
// details are never stored.
//
// Refusals, each in the rejections log with path /ins and, once the
// notification decrypted, its transactionType, receipt, role and
// attemptCount as the query: a body that is not the JSON envelope, a
// notification or iv that is not base64, an iv that is not 16 bytes, a
// ciphertext that is not whole AES blocks, one that does not decrypt to a
// JSON object (a wrong secret), a field of the wrong JSON type, no
// transactionType, no receipt, a role other than VENDOR, AFFILIATE,
// JV_UPSELL, a totalAccountAmount that is not an amount (or negative on a
// SALE or BILL), empty tracking codes with nothing to follow (400); tracking
// codes none of which is a click of this tracker, a reversal of a receipt
// not recorded for that role (404). ClickBank retries whatever is not 2xx,
// so a refund delivered before its sale is refused and reverses the sale
// on a later attempt.
//
// # Reporting
//
// The reporting and campaign API require api_key = Config.APIKey (any key
// when it is empty); a wrong or missing key is 401 {"error":..}. The logs
// (/conversions, /tracks) require date_from and date_to, UTC calendar days,
// both inclusive, of when a conversion or click was recorded; a missing or
// malformed one is 400. Any day from 0001-01-01 to 9999-12-31 is accepted;
// the store holds times from 1677-09-21 to 2262-04-11 (int64 nanoseconds),
// and a range reaching past them covers every row. Lists are in creation
// order; page counts from 1 (any page past the end, however large its
// number, is empty), per defaults to DefaultPerPage (100) and is at most
// MaxPerPage (10000). Times are RFC 3339 in UTC, to the second. A page is
// read from the store 256 rows at a time and written item by item, never
// built whole; a row recorded while a page is being sent may appear at its
// end, and a store failure midway cuts the reply short.
//
// A conversion row carries every property of models.ConversionView with its
// documented type, filled as conversionView says: the postback's order in
// order, its event id in deduplicate_token, the click's sub1…sub20 in
// sub1…sub20, and the offer source's additional parameters
// (Config.PostbackParams, by default the ClickBank template's eventid, zip,
// order_id) in p_sub1, p_sub2, …; the postback's other parameters are under
// cbsim.params. A click row carries models.TrackView: its id is the click id.
// Campaigns are models.Campaign; their offer URL is under cbsim.offer_url
// (RedTrack keeps it on an offer). A rejection's path is /postback or /ins.
package tracker
