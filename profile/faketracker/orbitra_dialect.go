package faketracker

import (
	"strconv"
	"strings"
)

// OrbitraDialect is the SQL dialect of the database the fake Orbitra keeps
// its tables in. Orbitra itself runs on SQLite only; the Postgres tables
// have the same names, columns and constraints, so that one SQL-read
// profile, its query written in each dialect, can be tested against a
// real database server.
type OrbitraDialect string

// The dialects.
const (
	// DialectSQLite is Orbitra's own: database.sql as it is, in a SQLite
	// file (the default) or in OrbitraOptions.DB opened with the "sqlite"
	// driver.
	DialectSQLite OrbitraDialect = "sqlite"
	// DialectPostgres is PostgreSQL through OrbitraOptions.DB (opened with
	// the "pgx" driver): BIGSERIAL for INTEGER PRIMARY KEY AUTOINCREMENT,
	// TIMESTAMP(0) for DATETIME, DOUBLE PRECISION for REAL, $N placeholders,
	// and no foreign keys — SQLite does not enforce them unless asked (PRAGMA
	// foreign_keys), and BrokenClickID stores a click id no click has. A
	// value SQLite would keep as text in a numeric column (a payout such as
	// "abc") is refused by Postgres: the postback answers 500; so are a
	// date_from that is not a date and a negative limit (SQLite: no limit)
	// in api.php's queries.
	DialectPostgres OrbitraDialect = "postgres"
)

// rebind writes a query's ? placeholders as the dialect wants them: as
// they are for SQLite, $1, $2, … for Postgres. The fake's queries hold no
// ? inside a literal.
func (d OrbitraDialect) rebind(query string) string {
	if d != DialectPostgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// schema is the statements that create the fake's tables.
func (d OrbitraDialect) schema() []string {
	src := schemaOrbitra
	if d == DialectPostgres {
		src = schemaOrbitraPostgres
	}
	var out []string
	for _, s := range strings.Split(src, ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// schemaOrbitraPostgres is schemaOrbitra in PostgreSQL's dialect (see
// DialectPostgres for what differs).
const schemaOrbitraPostgres = `
CREATE TABLE offers (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT,
    redirect_type TEXT DEFAULT 'redirect',
    is_local INTEGER DEFAULT 0,
    payout_type TEXT DEFAULT 'cpa',
    payout_value DOUBLE PRECISION DEFAULT 0.00,
    state TEXT DEFAULT 'active',
    created_at TIMESTAMP(0) DEFAULT CURRENT_TIMESTAMP,
    is_archived INTEGER DEFAULT 0
);
CREATE TABLE campaigns (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    alias TEXT NOT NULL UNIQUE,
    source_id INTEGER,
    uniqueness_method TEXT DEFAULT 'IP',
    uniqueness_hours INTEGER DEFAULT 24,
    rotation_type TEXT DEFAULT 'weight',
    created_at TIMESTAMP(0) DEFAULT CURRENT_TIMESTAMP,
    is_archived INTEGER DEFAULT 0
);
CREATE TABLE streams (
    id BIGSERIAL PRIMARY KEY,
    campaign_id INTEGER NOT NULL,
    offer_id INTEGER NOT NULL,
    weight INTEGER DEFAULT 100,
    is_active INTEGER DEFAULT 1,
    type TEXT DEFAULT 'regular',
    position INTEGER DEFAULT 0,
    filters_json TEXT,
    schema_type TEXT DEFAULT 'redirect',
    action_payload TEXT,
    schema_custom_json TEXT
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
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    zipcode TEXT,
    timezone TEXT,
    device_type TEXT DEFAULT 'Unknown',
    os TEXT,
    browser TEXT,
    language TEXT,
    accept_language_raw TEXT,
    is_conversion INTEGER DEFAULT 0,
    revenue DOUBLE PRECISION DEFAULT 0.00,
    cost DOUBLE PRECISION DEFAULT 0.00,
    parameters_json TEXT,
    created_at TIMESTAMP(0) DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE conversions (
    id BIGSERIAL PRIMARY KEY,
    click_id TEXT NOT NULL,
    tid TEXT,
    status TEXT NOT NULL,
    original_status TEXT,
    payout DOUBLE PRECISION DEFAULT 0.00,
    currency TEXT DEFAULT 'USD',
    created_at TIMESTAMP(0) DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(click_id, tid)
);
CREATE TABLE conversion_types (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    status_values TEXT NOT NULL,
    next_statuses TEXT,
    record_conversion INTEGER DEFAULT 1,
    record_revenue INTEGER DEFAULT 1,
    send_postback INTEGER DEFAULT 1,
    affect_cap INTEGER DEFAULT 1,
    created_at TIMESTAMP(0) DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_clicks_campaign ON clicks(campaign_id);
CREATE INDEX idx_clicks_created ON clicks(created_at);
CREATE INDEX idx_clicks_ip ON clicks(ip);
CREATE INDEX idx_conversions_click ON conversions(click_id);
`

// directIDComparable says whether ?campaign_id= can be compared with
// campaigns.id: always in SQLite, where text that is not an integer just
// matches nothing; in Postgres only an integer, which would otherwise make
// the query fail instead of finding no campaign.
func (o *Orbitra) directIDComparable(id string) bool {
	if o.opts.Dialect != DialectPostgres {
		return true
	}
	_, err := strconv.ParseInt(id, 10, 64)
	return err == nil
}
