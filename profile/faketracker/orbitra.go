package faketracker

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// OrbitraBuild selects which Orbitra the fake is: the builds differ in how
// a click fills the offer URL's macros.
type OrbitraBuild string

// The builds.
const (
	// OrbitraNew resolves the offer URL with core/OfferUrl.php's
	// orbitraResolveOfferUrlMacros() (commit
	// 405dd3d288c495e6691f387b0a27c866dac77b6d): {clickid} and {subid} both
	// become the click id, {ip}, {country}, the click's parameters and
	// {offer_id} are filled, and any {macro} left is removed. Which
	// index.php first called it was not seen (UNCONFIRMED); the newest
	// code and Orbitra's own postback guide assume it.
	OrbitraNew OrbitraBuild = "new"
	// OrbitraOld fills macros as index.php does at commit
	// a7d89eb94c6e9f5529d81aaf50f708503b51b83a: {clickid} is the click id,
	// {subid} only an incoming ?subid= (like any kept parameter), {offer_id}
	// and {offer}; a macro without a value stays in the URL as it is.
	OrbitraOld OrbitraBuild = "old"
)

// OrbitraCampaign is one campaign of the fake Orbitra: an alias that
// redirects, through one regular stream, to one offer.
type OrbitraCampaign struct {
	// Alias is campaigns.alias, the click path /<alias> (or /r/<alias>).
	// It must be unique and a single path segment.
	Alias string
	// Name is campaigns.name, which the API joins in as campaign_name.
	Name string
	// OfferURL is offers.url, with macros such as {clickid} or {subid}.
	OfferURL string
}

// OrbitraOptions configures NewOrbitra. No field may change after the fake
// has started.
type OrbitraOptions struct {
	// Campaigns are the campaigns the fake answers clicks for.
	Campaigns []OrbitraCampaign
	// PostbackKey is the $postback_key of the postback path
	// /<PostbackKey>/postback: letters, digits, "-" and "_". Required.
	PostbackKey string
	// APIKey is the one user_api_keys key (read permission) api.php
	// accepts. Empty: every key is refused as invalid.
	APIKey string
	// Build is the Orbitra build; "" means OrbitraNew.
	Build OrbitraBuild
	// Broken makes the fake a broken twin:
	//   BrokenSum: conversions.payout is the amount sent with its cents
	//     dropped, or one less when it has none (10.50 is 10, 10 is 9).
	//   BrokenClickID: conversions.click_id is the click id with its last
	//     hex digit moved one on (…a → …b, …f → …0).
	Broken Broken
	// DBPath is where the SQLite database is created; it must not exist
	// yet. Empty: a file in a new temporary directory, removed by Close.
	// It must be empty when DB is set.
	DBPath string
	// DB, when set, is the database the fake keeps its tables in instead
	// of a SQLite file: it creates Orbitra's tables in DB's current schema
	// (PostgreSQL's search_path), which must not hold them yet. The caller
	// owns DB: Close neither closes it nor drops the tables, so give each
	// fake a schema (or database) of its own and drop it afterwards.
	DB *sql.DB
	// Dialect is DB's SQL dialect; "" means DialectSQLite. DialectPostgres
	// needs DB.
	Dialect OrbitraDialect
	// Now is the clock; nil means time.Now. The 2-second click debounce
	// reads it, so a test can step time instead of sleeping.
	Now func() time.Time
	// Rand is the source of click ids; nil means crypto/rand.
	Rand io.Reader
}

// Orbitra is an in-process fake of the parts of Orbitra a tracker profile
// uses: the campaign click /<alias>, the postback /<key>/postback, and
// api.php's conversion log, over a real SQLite database with Orbitra's
// clicks and conversions tables (or, with OrbitraOptions.DB and
// DialectPostgres, the same tables in PostgreSQL). It serves on 127.0.0.1 in the manner of
// net/http/httptest.Server and is safe for concurrent use.
type Orbitra struct {
	// URL is the base URL, "http://127.0.0.1:PORT", without a trailing slash.
	URL string

	opts    OrbitraOptions
	*server // Client, Requests, Close
	db      *sql.DB
	ownDB   bool // db was opened by the fake, so Close closes it
	dbPath  string
	tmpDir  string     // removed by Close when the fake made it
	mu      sync.Mutex // serialises requests, as SQLite's write lock does PHP's
	once    sync.Once  // makes Close idempotent
}

// postbackKeyPattern is what the fake accepts as a postback key; Orbitra's
// cli/generate_postback_key.php makes such keys.
var postbackKeyPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// NewOrbitra creates the fake's database and starts it on 127.0.0.1:0.
func NewOrbitra(opts OrbitraOptions) (*Orbitra, error) {
	if err := opts.Broken.validate(); err != nil {
		return nil, err
	}
	switch opts.Build {
	case "":
		opts.Build = OrbitraNew
	case OrbitraNew, OrbitraOld:
	default:
		return nil, fmt.Errorf("faketracker: Orbitra Build %q is not a build: use %q or %q", string(opts.Build), OrbitraNew, OrbitraOld)
	}
	if !postbackKeyPattern.MatchString(opts.PostbackKey) {
		return nil, fmt.Errorf("faketracker: Orbitra PostbackKey %q is not a key: use letters, digits, - and _, at least one", opts.PostbackKey)
	}
	aliases := map[string]int{}
	for i, c := range opts.Campaigns {
		where := fmt.Sprintf("faketracker: Orbitra Campaigns[%d]", i)
		if c.Alias == "" || strings.ContainsAny(c.Alias, "/?#") || c.Alias == opts.PostbackKey {
			return nil, fmt.Errorf("%s: Alias %q is not a campaign path: use one path segment without / ? #, other than the postback key", where, c.Alias)
		}
		if j, dup := aliases[c.Alias]; dup {
			return nil, fmt.Errorf("%s: Alias %q is already Campaigns[%d]'s", where, c.Alias, j)
		}
		aliases[c.Alias] = i
		if strings.TrimSpace(c.OfferURL) == "" {
			return nil, fmt.Errorf("%s: OfferURL is empty: a click needs an offer to go to", where)
		}
	}
	switch opts.Dialect {
	case "":
		opts.Dialect = DialectSQLite
	case DialectSQLite, DialectPostgres:
	default:
		return nil, fmt.Errorf("faketracker: Orbitra Dialect %q is not a dialect: use %q or %q", string(opts.Dialect), DialectSQLite, DialectPostgres)
	}
	switch {
	case opts.DB != nil && opts.DBPath != "":
		return nil, fmt.Errorf("faketracker: Orbitra DB and DBPath are both set: give one database, a SQLite file (DBPath) or an open one (DB)")
	case opts.DB == nil && opts.Dialect != DialectSQLite:
		return nil, fmt.Errorf("faketracker: Orbitra Dialect %q needs DB, a database opened by the caller (the fake makes only SQLite files)", string(opts.Dialect))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	o := &Orbitra{opts: opts, dbPath: opts.DBPath}
	if opts.DB != nil {
		o.db, o.ownDB = opts.DB, false
	} else if o.dbPath == "" {
		dir, err := os.MkdirTemp("", "faketracker-orbitra-")
		if err != nil {
			return nil, fmt.Errorf("faketracker: Orbitra database directory: %w", err)
		}
		o.tmpDir, o.dbPath = dir, filepath.Join(dir, "orbitra.sqlite")
	} else if _, err := os.Stat(o.dbPath); !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("faketracker: Orbitra DBPath %s already exists (or cannot be checked: %v): give a path to create", o.dbPath, err)
	}
	if err := o.openDB(opts.Campaigns); err != nil {
		o.cleanup()
		return nil, err
	}
	srv, err := startServer(http.HandlerFunc(o.route), opts.Now)
	if err != nil {
		o.cleanup()
		return nil, fmt.Errorf("faketracker: start Orbitra: %w", err)
	}
	o.server, o.URL = srv, srv.url
	return o, nil
}

// DBPath is the SQLite database file, for a profile that reads Orbitra's
// tables directly. Open it read-only; the fake keeps it in WAL mode. It is
// "" when the fake keeps its tables in OrbitraOptions.DB.
func (o *Orbitra) DBPath() string { return o.dbPath }

// q is a query of the fake in its database's dialect.
func (o *Orbitra) q(query string) string { return o.opts.Dialect.rebind(query) }

// Close stops the fake, waits for requests in flight, closes the database
// and removes the temporary directory it made. Calling it again does
// nothing.
func (o *Orbitra) Close() {
	o.once.Do(func() {
		o.server.close()
		o.cleanup()
	})
}

func (o *Orbitra) cleanup() {
	if o.db != nil && o.ownDB {
		o.db.Close()
	}
	if o.tmpDir != "" {
		os.RemoveAll(o.tmpDir)
	}
}

// route is the front controller: api.php, the postback path with the
// configured key (with or without a trailing slash), and everything else
// to the click handler, as the newest index.php routes them (and as nginx's
// try_files sends unknown paths to index.php).
func (o *Orbitra) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch path {
	case "/api.php":
		o.handleAPI(w, r)
	case "/" + o.opts.PostbackKey + "/postback", "/" + o.opts.PostbackKey + "/postback/":
		o.handlePostback(w, r)
	default:
		o.handleClick(w, r)
	}
}

// schemaOrbitra is the subset of Orbitra's SQLite schema the fake uses, as
// database.sql documents it (commit 009f41a816351319e973834847fdb80cc33826ed),
// with the language columns the newer click insert writes. Foreign keys to
// tables the fake does not create are left out.
const schemaOrbitra = `
CREATE TABLE offers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    url TEXT,
    redirect_type TEXT DEFAULT 'redirect',
    is_local INTEGER DEFAULT 0,
    payout_type TEXT DEFAULT 'cpa',
    payout_value REAL DEFAULT 0.00,
    state TEXT DEFAULT 'active',
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    is_archived INTEGER DEFAULT 0
);
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    alias TEXT NOT NULL UNIQUE,
    source_id INTEGER,
    uniqueness_method TEXT DEFAULT 'IP',
    uniqueness_hours INTEGER DEFAULT 24,
    rotation_type TEXT DEFAULT 'weight',
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    is_archived INTEGER DEFAULT 0
);
CREATE TABLE streams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL,
    offer_id INTEGER NOT NULL,
    weight INTEGER DEFAULT 100,
    is_active INTEGER DEFAULT 1,
    type TEXT DEFAULT 'regular',
    position INTEGER DEFAULT 0,
    filters_json TEXT,
    schema_type TEXT DEFAULT 'redirect',
    action_payload TEXT,
    schema_custom_json TEXT,
    FOREIGN KEY (campaign_id) REFERENCES campaigns(id) ON DELETE CASCADE,
    FOREIGN KEY (offer_id) REFERENCES offers(id) ON DELETE CASCADE
);
CREATE TABLE clicks (
    id TEXT PRIMARY KEY,
    campaign_id INTEGER NOT NULL,
    offer_id INTEGER NOT NULL,
    stream_id INTEGER,
    source_id INTEGER,
    landing_id INTEGER,
    ip TEXT NOT NULL,
    user_agent TEXT,
    referer TEXT,
    country TEXT,
    country_code TEXT,
    region TEXT,
    city TEXT,
    latitude REAL,
    longitude REAL,
    zipcode TEXT,
    timezone TEXT,
    device_type TEXT DEFAULT 'Unknown',
    os TEXT,
    browser TEXT,
    language TEXT,
    accept_language_raw TEXT,
    is_conversion INTEGER DEFAULT 0,
    revenue REAL DEFAULT 0.00,
    cost REAL DEFAULT 0.00,
    parameters_json TEXT,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (campaign_id) REFERENCES campaigns(id) ON DELETE CASCADE,
    FOREIGN KEY (offer_id) REFERENCES offers(id) ON DELETE CASCADE,
    FOREIGN KEY (stream_id) REFERENCES streams(id) ON DELETE SET NULL
);
CREATE TABLE conversions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    click_id TEXT NOT NULL,
    tid TEXT,
    status TEXT NOT NULL,
    original_status TEXT,
    payout REAL DEFAULT 0.00,
    currency TEXT DEFAULT 'USD',
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(click_id, tid),
    FOREIGN KEY (click_id) REFERENCES clicks(id) ON DELETE CASCADE
);
CREATE TABLE conversion_types (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    status_values TEXT NOT NULL,
    next_statuses TEXT,
    record_conversion INTEGER DEFAULT 1,
    record_revenue INTEGER DEFAULT 1,
    send_postback INTEGER DEFAULT 1,
    affect_cap INTEGER DEFAULT 1,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_clicks_campaign ON clicks(campaign_id);
CREATE INDEX idx_clicks_created ON clicks(created_at);
CREATE INDEX idx_clicks_ip ON clicks(ip);
CREATE INDEX idx_conversions_click ON conversions(click_id);
`

// openDB opens the SQLite file (unless DB was given), creates the tables,
// and one offer, campaign and regular redirect stream per configured
// campaign.
func (o *Orbitra) openDB(campaigns []OrbitraCampaign) error {
	where := o.dbPath
	if o.db == nil {
		db, err := sql.Open("sqlite", o.dbPath+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_txlock=immediate")
		if err != nil {
			return fmt.Errorf("faketracker: open Orbitra database %s: %w", o.dbPath, err)
		}
		db.SetMaxOpenConns(1)
		o.db, o.ownDB = db, true
	} else {
		where = "DB (" + string(o.opts.Dialect) + ")"
	}
	db := o.db
	ctx := context.Background()
	for _, stmt := range o.opts.Dialect.schema() {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("faketracker: create Orbitra tables in %s: %w", where, err)
		}
	}
	for i, c := range campaigns {
		name := c.Name
		if name == "" {
			name = c.Alias
		}
		var offerID, campaignID int64
		err := db.QueryRowContext(ctx, o.q(`INSERT INTO offers (name, url) VALUES (?, ?) RETURNING id`), name+" offer", c.OfferURL).Scan(&offerID)
		if err != nil {
			return fmt.Errorf("faketracker: Orbitra Campaigns[%d]: insert offer: %w", i, err)
		}
		err = db.QueryRowContext(ctx, o.q(`INSERT INTO campaigns (name, alias) VALUES (?, ?) RETURNING id`), name, c.Alias).Scan(&campaignID)
		if err != nil {
			return fmt.Errorf("faketracker: Orbitra Campaigns[%d]: insert campaign: %w", i, err)
		}
		if _, err := db.ExecContext(ctx, o.q(`INSERT INTO streams (campaign_id, offer_id) VALUES (?, ?)`), campaignID, offerID); err != nil {
			return fmt.Errorf("faketracker: Orbitra Campaigns[%d]: insert stream: %w", i, err)
		}
	}
	return nil
}

// sqliteTime is how the fake writes created_at: UTC, to the second, the
// form of SQLite's CURRENT_TIMESTAMP and datetime('now').
func sqliteTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }
