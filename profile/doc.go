// Package profile describes how cbsim drives and reads one tracker, in a
// small declarative file: how a visitor's click yields a click id, where
// postbacks go and under which parameter names, how to read back what the
// tracker recorded (an HTTP reporting API or a SQL query), what it answers
// when it refuses a postback, how visitors must look to it, and what it can
// do. docs/profiles.md is the user's guide; this comment is the reference.
//
// Load gives a bundled profile by name (Bundled lists them: redtrack, the
// default; cbsim, the reference tracker; prosper202 and orbitra, built
// from their source; voluum, keitaro, binom and everflow, templates from
// public docs, verified: false) or parses a file. Bind joins a Profile with
// the user's values (Config: --tracker, --api, --api-key, --campaign
// ROLE=ID, --set NAME=VALUE) into a Tracker, which clicks (Click), names
// postbacks (Rename, RenameQuery, PostbackURL, PostbackBase), tells a
// refusal (Refused), reads (Conversions, ClickKept) and says what the
// tracker can do (Features). Check probes a bound tracker part by part and
// says what to change.
//
// The package imports none of the harness, the simulator, the reference
// tracker or the RedTrack client: it meets trackers over HTTP and SQL only.
// It does not link SQL drivers either; a program with SQL readers imports
// package profile/sqldriver.
//
// # Logical fields
//
// The harness speaks of a postback's fields by logical name; a profile maps
// each to the tracker's wire name, or leaves it out (the tracker has no
// such parameter). RedTrack's spelling is the canonical one the harness's
// postback templates use (Canonical):
//
//	click_id        clickid        the click id
//	sum             sum            the amount
//	type            type           the conversion type (InitialPurchase, UpsellPurchase …)
//	status          status         approved, pending, declined, other
//	currency        currency       three letters
//	event_id        rdtk_event_id  the event id a tracker deduplicates by
//	transaction_id  txid           a transaction or order id a tracker deduplicates by
//	token           ptoken         the postback protection token
//
// A reader maps these (but token) from a row, plus order, duplicate_status
// and time.
//
// # The file
//
// YAML (so JSON too), one document, no anchors or aliases. Parse is strict:
// an unknown key, a missing required key, a value of the wrong kind or
// outside its set, a duplicate key, or a template using a placeholder that
// is neither built in for that place nor a declared setting is an error
// "file:line: key.path: what is wrong; what is allowed" (*ParseError; up to
// 20 in one errors.Join). A declared setting no template uses is an error
// too.
//
// Top level:
//
//	name       required  lowercase letters, digits, _ and -; what --profile takes
//	title      required  one line for people
//	verified   false     true only once checked against a real deployment
//	doc        ""        setup notes for people
//	sources    []        where each fact came from: "repo@commit path — fact" or a documentation URL
//	settings   {}        NAME: {doc, secret, default}
//	click      required  see below
//	campaigns  none      how to find or create a campaign per role when none is given
//	visitors   defaults  how visitors look to the tracker
//	postback   required  where postbacks go and under which names
//	ins        none      where ClickBank's Instant Notifications go; none: the tracker takes none
//	read       none      how to read what the tracker recorded; none: Conversions is ErrNotSupported
//	features   defaults  what the tracker can do
//
// settings.NAME: a value the user gives (--set NAME=VALUE; api_key also
// with --api-key). doc (required) says what it is; secret: true keeps its
// value out of every message (Redact); default gives a value when the user
// gives none. A setting without a default is required when a template in
// use refers to it. Names: lowercase letters, digits and _, none of the
// built-in placeholders.
//
// click:
//
//	url              required  template: {tracker} {api} {campaign} {role}, settings
//	id_from          location  location: the click id is a query parameter of the redirect's Location;
//	                           json: a field of a JSON reply
//	clickbank        tid/vtid  {affiliate: NAME, vendor: vtid}: the ClickBank link parameter that carries
//	                           the click id, and so the postback macro that brings it back. affiliate: tid,
//	                           or a unique click id ClickBank keeps up to 256 characters with '-' (extclid,
//	                           fbclid, gclid, contact_id, unique_aff_sub1…5); the steps then replace {tid}
//	                           in affiliate templates with {NAME}. vendor: only vtid, whose rule allows
//	                           letters, digits and _ (docs/clickbank.md §2 and §3)
//	param            clickbank the Location's parameter carrying the click id: one name, or
//	                           {affiliate: NAME, vendor: NAME}
//	json             —         with id_from json: {id: PATH, landing: PATH}
//	offer_url_macro  ""        what the user puts in the offer URL for the tracker to fill ([[subid]],
//	                           {clickid}); names the fix in errors and goes into offer URLs of created campaigns
//	not_kept         ""        when the tracker silently drops a click; shown by Check
//
// Clicks are never followed: the Location is read. A click whose Location
// still carries the macro is an error ("the tracker did not replace it").
//
// campaigns (optional; without it a click URL with {campaign} needs
// --campaign affiliate=ID and --campaign vendor=ID):
//
//	title   "cbsim-{role}"  template: {role}, settings
//	find    —  {url, list, title_field: title, id_field: id}: GET url; the array at list (the reply itself
//	           when omitted); the item whose title_field equals the title gives id_field
//	create  —  {url, body, id_field: id}: POST body (JSON template: {role} {title} {offer_url},
//	           settings) to url; a 409 is found again. url templates: {tracker} {api} {role} {title}, settings
//
// visitors: each Click is a new visitor with its own address and user
// agent, from a seeded sequence (Config.Seed): the same seed, the same
// visitors.
//
//	ip_header    X-Forwarded-For  header carrying the address; none sends none
//	ip_ranges    RFC 5737         CIDR ranges (DefaultIPRanges: 198.51.100.0/24, 203.0.113.0/24,
//	                              192.0.2.0/24, 762 addresses before any repeats); IPv6 allowed
//	user_agents  rotate           rotate (UserAgents: current browsers), none, or a list
//
// postback:
//
//	url      required  template: {tracker} {api}, settings; may have a query of its own
//	fields   required  logical field → wire name; click_id required; one wire name per field
//	extra    {}        wire name → fixed value (template: {tracker} {api}, settings), added when the
//	                   postback has no parameter of that name (--postback-extra style overrides: Config.PostbackExtra)
//	refused  ≥ 400     {status: [codes], body_contains: [texts]}: a reply with one of the statuses, or
//	                   whose body contains one of the texts (some trackers refuse with 200), is a refusal
//
// ins (optional): the tracker's receiver of ClickBank's Instant
// Notifications (docs/clickbank.md §6), which the INS steps send to.
//
//	url             required  template: {tracker} {api}, settings
//	secret_setting  required  the setting (declared, secret: true) holding the secret key the
//	                          notifications are sealed with; it may have a default ("" = not given)
//
// The values ins: uses are optional at Bind: Tracker.INS says, wrapping
// ErrNotSupported, which one is missing, and the INS scenarios are skipped
// with that reason.
//
// read: conversions (required) and clicks (optional), each a reader with
// http:, sql: or both; prefer (http) picks where both exist, Config.Reader
// overrides, and the clicks reader follows the conversions reader's kind
// (left out when it has none of that kind). Reader templates may use
// {tracker} {api} {click_id} {date_from} {date_to} (YYYY-MM-DD, UTC)
// {time_from} {time_to} (Unix seconds) and settings; the window runs from
// the earlier of Config.EventTime and now minus a day to the later plus a
// day.
//
// read.*.http:
//
//	url          required  template (percent-encoded values)
//	method       GET       GET or POST
//	body         —         POST only: a template whose values are JSON-string-escaped
//	auth         —         {header: NAME, value: TEMPLATE} or {query: NAME, value: TEMPLATE}
//	query        {}        name → template, added to the URL's query
//	paging       none      {style: none|page|offset, page_param, offset_param, size_param,
//	                       page_size: 100, first_page: 1 (0 or 1), max_pages: 100 (at most 10000)};
//	                       page sends page_param = first_page, first_page+1 …; offset sends the rows read
//	                       so far; size_param (if any) sends page_size. Reading stops at an empty page,
//	                       at total, or at a page shorter than page_size when size_param is sent;
//	                       past max_pages it is an error. page_size must not exceed the server's cap
//	list         reply     path of the array of rows
//	total        —         path of the row count
//	params_from  —         path of an object whose entries become Conversion.Params
//
// read.*.sql:
//
//	driver  required  sqlite (modernc.org/sqlite), mysql (MySQL, MariaDB), postgres (pgx)
//	dsn     required  template, settings only; unused when Config.DB is given
//	query   required  takes the click id as its one parameter: ? for sqlite and mysql, $1 for postgres
//
// Both readers:
//
//	fields    required  logical field → path (JSON) or column (SQL, matched exactly, else ignoring case);
//	                    click_id required
//	values    {}        logical field → {raw value: value}, e.g. duplicate_status: {"1": new, "2": repeated}
//	params    {}        param name → path or column, into Conversion.Params (empty values left out)
//	money     decimal   decimal: the sum in currency units (12.34); cents: in cents (1234)
//	rounding  exact     exact: a non-zero digit past the cent is an error naming the field;
//	                    half_up: rounded half away from zero (12.345 → 12.35)
//
// Money is read without floating point: a JSON number as written, a string,
// a SQL DECIMAL as text, a SQL REAL by its shortest decimal form (0.1 →
// "0.1"). Rows whose click id differs are left out, whatever the server's
// own filter did. A row without its click id is an error; another field
// may be missing from some rows, but one missing from every row of a read
// is an error naming the fields the rows have.
//
// A path is keys joined by dots (pagination.total, cbsim.params); a number
// indexes an array; "" is the whole reply.
//
// features:
//
//	conversion_types  false  the tracker tells Initial from Upsell by a type parameter
//	statuses          false  it keeps a conversion status
//	dedup             none   none | transaction_id | event_id | click | configurable
//	payout_per_click  many   many | last (a repeat overwrites) | first
//	restart           false  the harness can restart it and what it recorded survives
//	postback_token    false  postbacks can carry a protection token
//
// # Templates
//
// A template is text with {name} placeholders; "{{" is a literal "{". A
// "{" that does not open a name of letters, digits, "_", "-" or "." closed
// by "}" is literal, so JSON bodies need no escaping. Values are escaped for
// their place: percent-encoded in URLs (but "/", and {tracker} and {api},
// which are bases), JSON-string-escaped in bodies, as they are elsewhere.
package profile
