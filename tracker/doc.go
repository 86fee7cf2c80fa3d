// Package tracker is cbsim's reference tracker: a RedTrack-compatible
// server-to-server postback receiver with a durable SQLite store (pure Go,
// modernc.org/sqlite, so it builds with CGO_ENABLED=0).
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
// # HTTP surface (JSON everywhere)
//
//	GET  /healthz                     200 {"status":"ok"}
//	POST /api/campaigns?api_key=K     {"name":..,"offer_url":..} → 201 {"id":..,"name":..,"offer_url":..}
//	GET  /api/campaigns?api_key=K     {"items":[{"id","name","offer_url"}],"total":N}
//	GET  /{campaign}                  a click (campaign id or name): 302 to the offer URL, {clickid} replaced
//	GET  /{campaign}?format=json      a click: 200 {"clickid":"<24 hex>"}
//	GET  /postback?clickid=&sum=&type=&status=&currency=&rdtk_event_id=&ptoken=&…
//	     200 {"status":"ok","conversion_id":..,"duplicate_status":"new|repeated","action":"created|updated|ignored"}
//	GET  /conversions?api_key=K[&date_from=YYYY-MM-DD&date_to=YYYY-MM-DD&clickid=&type=&page=&per=]
//	     {"items":[{"id","clickid","campaign","type","status","payout","currency","order","event_id",
//	                "created_at","updated_at","duplicate_status","params":{..}}],"total":N}
//	GET  /tracks?api_key=K[&clickid=&page=&per=]
//	     {"items":[{"clickid","campaign","created_at","subs":{..}}],"total":N}
//	GET  /rejections?api_key=K[&page=&per=]
//	     {"items":[{"created_at","query","param","error","status"}],"total":N}
//
// Errors are {"error":"<reason>","param":"<name>"} (param omitted when none)
// with the status of their code: invalid 400, unauthorized 401, forbidden
// 403, not_found 404, conflict 409, internal 500.
//
// # Clicks
//
// A click gets a 24-character lowercase hex id (ObjectId style) and keeps
// every query parameter except format as its subs (first value of each).
//
// # Postbacks
//
// The parameters clickid, sum, type, status, currency, rdtk_event_id and
// ptoken are the postback's own; every other parameter (eventid, zip,
// order_id, …) is stored with the conversion as params, first value of each.
// The conversion's order is order_id, else order. Defaults: type
// DefaultType (InitialPurchase; the first configured type when that is not
// configured), status "other", currency "USD", sum 0. An empty value counts
// as absent (an unexpanded-to-empty macro).
//
// A postback is rejected, checked in this order, for: a query longer than
// MaxQueryBytes (8 KiB), a malformed query, a parameter name longer than 128
// bytes or a value longer than MaxValueBytes (1024 bytes) (400, param
// "query" or the parameter); a missing or wrong ptoken when
// Config.PostbackToken is set (403); a missing clickid (400); a type that is
// not configured, compared case-sensitively (400); a sum that is not a
// non-negative decimal or is 10^11 or more (400); a status other than
// approved, pending, declined, other (400); a currency that is not three
// letters (400, upper-cased when accepted); an unknown click id (404). Every
// rejection is kept in the rejections log with its time, raw query (cut at
// 8 KiB), parameter, reason and status.
//
// Money is kept in integer cents. A sum with more than two decimals is
// rounded half up to the cent ("0.125" → 0.13); payouts print with two
// decimals, as JSON numbers (12.50).
//
// # Duplicates
//
// A duplicate is judged per (click id, type). The mode of a type is its own
// ConversionType.Mode or else Config.DuplicateMode (DefaultMode: new). Under
// new_marked the stored conversions carry duplicate_status "new" for the
// first and "repeated" after; other modes store "". The reply's
// duplicate_status always says whether the pair had a conversion before.
// Ignored duplicates are answered 200 with action "ignored" and the id of the
// conversion they duplicate, as RedTrack answers them. Under
// ignore_event_id a postback without rdtk_event_id always creates a
// conversion.
//
// Writes go through one goroutine that commits concurrent writes together
// in one transaction (group commit) on a single connection; unique indexes
// on the conversions table back the modes up, so concurrent identical
// postbacks produce exactly the count the mode says.
//
// # Reporting
//
// The reporting and campaign API require api_key = Config.APIKey (any key
// when it is empty); a wrong or missing key is 401 {"error":..}. Lists are in
// creation order; page counts from 1, per defaults to DefaultPerPage (100)
// and is at most MaxPerPage (1000). date_from and date_to are UTC calendar
// days, both inclusive, each optional. Times are RFC 3339 in UTC, to the
// second.
package tracker
