-- Campaigns: clicks on a campaign redirect to its offer URL.
CREATE TABLE campaigns (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	offer_url  TEXT NOT NULL,
	created_at INTEGER NOT NULL -- unix nanoseconds, UTC
);

-- Clicks: one row per GET /{campaign}; subs holds the click's query as JSON.
CREATE TABLE clicks (
	seq         INTEGER PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	campaign_id TEXT NOT NULL REFERENCES campaigns(id),
	created_at  INTEGER NOT NULL,
	subs        TEXT NOT NULL
);

-- Conversions: one row per recorded conversion. ordinal counts the
-- conversions of one (click_id, type) pair from 1; dedup_key is set for rows
-- that must stay unique under their duplicate mode (one per pair for
-- ignore/edit/add_payout, one per pair and event id for ignore_event_id).
CREATE TABLE conversions (
	seq              INTEGER PRIMARY KEY,
	id               TEXT NOT NULL UNIQUE,
	click_id         TEXT NOT NULL REFERENCES clicks(id),
	campaign_id      TEXT NOT NULL,
	type             TEXT NOT NULL,
	ordinal          INTEGER NOT NULL CHECK (ordinal >= 1),
	dedup_key        TEXT UNIQUE,
	status           TEXT NOT NULL,
	payout_cents     INTEGER NOT NULL CHECK (payout_cents >= 0),
	currency         TEXT NOT NULL,
	order_id         TEXT NOT NULL,
	event_id         TEXT NOT NULL,
	duplicate_status TEXT NOT NULL,
	params           TEXT NOT NULL,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL,
	UNIQUE (click_id, type, ordinal)
);
CREATE INDEX conversions_created_at ON conversions(created_at);

-- Rejections: every postback the tracker refused.
CREATE TABLE rejections (
	seq        INTEGER PRIMARY KEY,
	created_at INTEGER NOT NULL,
	query      TEXT NOT NULL,
	param      TEXT NOT NULL,
	error      TEXT NOT NULL,
	status     INTEGER NOT NULL
);
