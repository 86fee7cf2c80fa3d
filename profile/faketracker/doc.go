// Package faketracker holds in-process fakes of other trackers' HTTP
// surfaces for testing tracker profiles, in the manner of
// net/http/httptest: NewProsper202, NewOrbitra, NewKeitaro, NewBinom,
// NewVoluum and NewEverflow each start a fake on 127.0.0.1:0 with a URL, a
// Client that does not follow redirects, a log of the Requests received,
// and a Close that releases everything.
//
// Prosper202 and Orbitra are open source, and their fakes (below) are
// built from that source. Keitaro, Binom, Voluum and Everflow are not:
// their fakes are built from each tracker's public documentation (and,
// where the documentation stops, public client code), each behaviour
// citing its page at the top of keitaro.go, binom.go, voluum.go and
// everflow.go, with UNCONFIRMED where nothing public settles it. A test per
// read endpoint (keitaro_api_test.go, voluum_report_test.go,
// everflow_report_test.go) sends the documented request shape built by
// hand, so a fake and its profile cannot agree only by construction.
// Binom fakes no read API: the one Binom 2 lists does not show which
// column carries the click id (binom.go).
//
// Each fake is built from the tracker's public source (read through stored
// copies of tracking202/prosper202 and fenjo26/Orbitra.link; see
// docs/trackers-research.md), not from any profile, so that a profile
// that misdescribes a tracker fails against its fake as it would against
// the tracker. Each has broken twins (Broken) that record a wrong sum or
// an altered click id, so a suite can prove it notices. Where the source
// could not settle a behaviour, the fake follows the newest code found and
// says UNCONFIRMED at that place. The fakes imitate PHP where it shows on
// the wire: is_numeric, truthiness ("0" is false), (int) casts,
// urlencode/rawurlencode, and json_encode's escapes and floats ("10.0").
//
// # Prosper202 (PHP/MySQL; in memory here, and optionally in SQL)
//
// Sources, in tracking202/prosper202: tracking202/redirect/dl.php @0286f4de
// (click); 202-config/functions-tracking202.php, PHP 8 version, index id
// 32517642889 (tokens); tracking202/static/gpb.php @03d619e1 (postback);
// 202-config/static-endpoint-helpers.php, index id 56685569988, and
// 202-config/Conversion/MysqlConversionRepository.php, index id 56725144228
// (the conversion writer gpb uses); api/v3/index.php @02bf86ec, api/V3/
// Auth.php @07db174c, api/V3/Bootstrap.php @a8271e7a, api/V3/Controllers/
// ConversionsController.php @04abf603 and ClicksController.php @087ef1c5
// (REST API). Full hashes are on the handlers.
//
//	GET /tracking202/redirect/dl.php?t202id=N[&c1..c4=&t202kw=&gclid=&utm_*=]
//	    non-numeric or unknown t202id: 200, empty body, no click (die()).
//	    Else the subid is the next auto-increment id (DefaultFirstClickID202
//	    first); click_payout is the campaign's payout; IP is
//	    X-Forwarded-For as sent, else REMOTE_ADDR; an IP already seen in
//	    the last 24 h (202_last_ips) gives click_filtered=1 but the click
//	    is still recorded and redirected; 302 to the offer URL with the
//	    known [[tokens]] (case-insensitive; [[subid]], [[c1]], [[payout]]
//	    = "25.00000", …) rawurlencoded or blanked, unknown [[x]] kept.
//	GET /tracking202/static/gpb.php?subid=N&amount=X[&txid=T]   (or sid=N)
//	    no numeric subid or sid: 404 application/json
//	    {"error":true,"code":404,"msg":"SubID not found"}; subid=0: the
//	    newest click from REMOTE_ADDR in 30 days, else the same 404;
//	    unknown numeric subid: 200 empty, nothing visible. Else 200 empty:
//	    click_lead=1, click_filtered=0, a truthy numeric amount OVERWRITES
//	    the click's click_payout, and a 202_conversion_logs row is added
//	    on every call — no dedup — unless a transaction id (txid,
//	    transaction_id, transactionid, order_id, orderid, oid) repeats one
//	    of the click's. A row's click_payout is the amount that postback
//	    sent (else the click's payout): after amounts 10 then 20 the rows
//	    say 10 and 20, GET /clicks says 20.
//	GET /api/v3/conversions[?limit=&offset=&campaign_id=&time_from=&time_to=]
//	GET /api/v3/conversions/{id}, /api/v3/clicks[?…], /api/v3/clicks/{id}
//	    "Authorization: Bearer <key>"; none: 401 "API key required. Pass
//	    via Authorization: Bearer <key> header."; wrong: 401 "Invalid API
//	    key."; errors {"error":true,"message":…,"status":N}. Lists are
//	    {"data":[…],"pagination":{"total","limit","offset"}}, limit 1-500
//	    (clamped) default 50, newest first (conv_time / click_time).
//	    Conversion fields: conv_id, click_id, transaction_id (null when
//	    none), campaign_id, click_payout (a number), user_id, click_time,
//	    conv_time, deleted, aff_campaign_name. Click fields include
//	    click_id, aff_campaign_id, click_payout and click_cpc (DECIMAL
//	    strings, "20.00000"), click_lead, click_filtered, click_time.
//
// With Prosper202Options.DB the fake also writes 202_clicks and
// 202_conversion_logs, shaped as the installer makes them
// (202-config/functions-install.php @067f7ee3), into that database:
// SQLite (Prosper202SQLite) or MySQL/MariaDB (Prosper202MySQL). A click is
// inserted as dl.php does; a postback runs as record() does, in one
// transaction: the click read (FOR UPDATE in MySQL), the (click,
// transaction id) lookup, the log row with its own click_payout, then the
// click's update. The API still serves from memory, which the tables
// follow; a profile's SQL reader reads the tables.
//
// # Orbitra (PHP/SQLite; a real SQLite file here, DBPath, or PostgreSQL)
//
// Sources, in fenjo26/Orbitra.link: index.php @a7d89eb9 (click);
// core/OfferUrl.php @405dd3d2 (newer macros); postback.php, newest stored
// text, index id 69038725498 (postback); router.php @1e895ca2 and
// docs/qa-tasks/ORB-010 @3d35cb62 (routing); api.php, index id
// 59672175976 (API keys), and @009f41a8 (logs); database.sql @009f41a8
// (tables).
//
//	GET /<alias> or /r/<alias>[?redirect=0&subid=&sub_id_N=&…]
//	    a UUID v4 click id; IP is the first public address of Client-Ip,
//	    X-Forwarded-For, …, else REMOTE_ADDR; 302 to the offer URL with
//	    macros filled by Build (OrbitraNew: {clickid} and {subid} are the
//	    click id, unresolved {macros} removed; OrbitraOld: {clickid} only,
//	    {subid} left literal unless ?subid= was sent); ?redirect=0: 200
//	    {"status":"ok","click_id":…,"url":…}. Unknown alias: 200 "Campaign
//	    not found.". Debounce: the same IP on the same campaign within 2 s
//	    (by the injected clock, to the second) is NOT stored but still
//	    redirected, with a fresh id the postback will not find.
//	GET /<PostbackKey>/postback?subid=&status=&payout=&currency=&tid=
//	    400 "Missing subid." · 400 "Ignored: Missing status." · 404 "Click
//	    ID not found in database." · 200 "Postback recorded successfully."
//	    (payout, else revenue, else profit; currency default USD). With a
//	    tid: upsert on (click_id, tid). Without: one row per click with
//	    tid NULL, a repeat overwrites its status and payout. A wrong key is
//	    not a postback: index.php answers 200 "Campaign not specified."
//	    and records nothing.
//	GET /api.php?action=conversions[&page=&per_page=&status=&campaign_id=&date_from=&date_to=]
//	    X-Api-Key: <key> or Authorization: Bearer <key>; wrong: 401
//	    {"status":"error","message":"Invalid API key"}; none: 401
//	    {"status":"error","message":"Unauthorized"}. 200
//	    {"status":"success","data":[{id, click_id, tid, status, …, payout,
//	    currency, campaign_name, …, created_at}],"pagination":{"total",
//	    "page","per_page","total_pages"}} (UNCONFIRMED server side; see
//	    handleAPI). Also action=logs&type=postbacks.
//
// The database holds offers, campaigns, streams, clicks, conversions and
// conversion_types with Orbitra's columns; created_at is UTC
// "YYYY-MM-DD HH:MM:SS" by the fake's clock. With OrbitraOptions.DB and
// DialectPostgres the same tables live in PostgreSQL (in DB's current
// schema), so a SQL-read profile can be tested against a database server;
// DialectPostgres says what differs. The package's Postgres tests run
// when CBSIM_POSTGRES_DSN is set (`.ci/postgres` prints it) and fail
// without it when CBSIM_REQUIRE_POSTGRES=1.
package faketracker
