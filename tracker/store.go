package tracker

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"sort"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// store is the SQLite implementation of the tracker's storage. All writes
// go through w, a pool of exactly one connection whose transactions begin
// IMMEDIATE, so writes are serialized; the unique constraints on
// conversions back the duplicate modes up regardless.
type store struct {
	w   *sql.DB          // the single writer connection
	r   *sql.DB          // readers; the same pool as w for in-memory databases
	now func() time.Time // clock for created_at / updated_at
	// stmts are the writer's prepared statements by SQL text; set by
	// prepare at open, read-only after.
	stmts map[string]*sql.Stmt
	ids   *idGen        // conversion and campaign ids (click ids: newClickID)
	reqs  chan writeReq // to the writer goroutine; unbuffered
	quit  chan struct{} // closed by close to stop the writer
	done  chan struct{} // closed when the writer has stopped
}

// pragmas applied to every connection.
const pragmas = "_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)"

// openStore opens (creating if needed) the database at path, or a private
// in-memory database for ":memory:", and runs the embedded migrations.
func openStore(ctx context.Context, path string, now func() time.Time) (*store, error) {
	s := &store{now: now, ids: newIDGen()}
	if path == ":memory:" {
		db, err := sql.Open("sqlite", ":memory:?_txlock=immediate&"+pragmas)
		if err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		// Every connection to ":memory:" is a database of its own: keep one.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
		s.w, s.r = db, db
	} else {
		w, err := sql.Open("sqlite", path+"?_txlock=immediate&_pragma=journal_mode(WAL)&_pragma=cache_size(-65536)&"+pragmas)
		if err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxIdleTime(0)
		s.w = w
		// Make sure the file exists and is in WAL mode before readers open it.
		if err := w.PingContext(ctx); err != nil {
			w.Close()
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
		r, err := sql.Open("sqlite", path+"?_pragma=query_only(1)&"+pragmas)
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
		r.SetMaxOpenConns(4)
		r.SetMaxIdleConns(4)
		s.r = r
	}
	if err := s.migrate(ctx); err != nil {
		s.close()
		return nil, err
	}
	if err := s.prepare(ctx); err != nil {
		s.close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.startWriter()
	return s, nil
}

// close closes both pools.
func (s *store) close() error {
	s.stopWriter()
	var err error
	for _, st := range s.stmts {
		err = errors.Join(err, st.Close())
	}
	err = errors.Join(err, s.w.Close())
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// migrate applies the embedded migrations newer than PRAGMA user_version,
// each in its own transaction.
func (s *store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	var version int
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	for i, name := range names {
		if i < version {
			continue
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		err = s.ownTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

// ownTx runs fn in a transaction of its own, committing when fn returns nil.
// Only migrate uses it, before the writer starts.
func (s *store) ownTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// ---- campaigns ----

// createCampaign stores a new campaign; a taken name is EConflict.
func (s *store) createCampaign(ctx context.Context, c Campaign) (Campaign, error) {
	if err := c.validate(); err != nil {
		return Campaign{}, err
	}
	c.createdAt = s.now().UTC()
	c.ID = s.ids.next(c.createdAt)
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO campaigns(id, name, offer_url, created_at) VALUES (?, ?, ?, ?)`,
			c.ID, c.Name, c.OfferURL, c.createdAt.UnixNano())
		return err
	})
	if isUniqueViolation(err) {
		return Campaign{}, errorf(EConflict, "name", "campaign %q already exists", c.Name)
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("create campaign %s: %w", c.Name, err)
	}
	return c, nil
}

// putCampaign creates the campaign or, when its name exists, sets its offer URL.
func (s *store) putCampaign(ctx context.Context, c Campaign) (Campaign, error) {
	if err := c.validate(); err != nil {
		return Campaign{}, err
	}
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO campaigns(id, name, offer_url, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT(name) DO UPDATE SET offer_url = excluded.offer_url RETURNING id`,
			s.ids.next(s.now()), c.Name, c.OfferURL, s.now().UnixNano()).Scan(&c.ID)
	})
	if err != nil {
		return Campaign{}, fmt.Errorf("put campaign %s: %w", c.Name, err)
	}
	return c, nil
}

// campaign finds a campaign by id or, failing that, by name.
func (s *store) campaign(ctx context.Context, idOrName string) (Campaign, error) {
	var c Campaign
	err := s.r.QueryRowContext(ctx, `SELECT id, name, offer_url FROM campaigns WHERE id = ?1 OR name = ?1
		ORDER BY id = ?1 DESC LIMIT 1`, idOrName).Scan(&c.ID, &c.Name, &c.OfferURL)
	if errors.Is(err, sql.ErrNoRows) {
		return Campaign{}, errorf(ENotFound, "campaign", "unknown campaign %q", idOrName)
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("find campaign %s: %w", idOrName, err)
	}
	return c, nil
}

// campaigns lists every campaign in creation order.
func (s *store) campaigns(ctx context.Context) ([]Campaign, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, offer_url, created_at FROM campaigns ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	defer rows.Close()
	out := []Campaign{}
	for rows.Next() {
		var c Campaign
		var at int64
		if err := rows.Scan(&c.ID, &c.Name, &c.OfferURL, &at); err != nil {
			return nil, fmt.Errorf("list campaigns: %w", err)
		}
		c.createdAt = time.Unix(0, at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	return out, nil
}

// validate checks a campaign's name and offer URL.
func (c Campaign) validate() error {
	switch {
	case c.Name == "":
		return errorf(EInvalid, "name", "campaign name is empty")
	case len(c.Name) > 100:
		return errorf(EInvalid, "name", "campaign name is longer than 100 bytes")
	case reservedPath(c.Name):
		return errorf(EInvalid, "name", "campaign name %q is a reserved path", c.Name)
	}
	for _, r := range c.Name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return errorf(EInvalid, "name", "campaign name %q may hold letters, digits, '-', '_' and '.' only", c.Name)
		}
	}
	u, err := url.Parse(c.OfferURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errorf(EInvalid, "offer_url", "offer URL %q is not an absolute http(s) URL", c.OfferURL)
	}
	return nil
}

// reservedPath reports whether name is one of the tracker's own paths,
// which a campaign cannot take.
func reservedPath(name string) bool {
	switch name {
	case "api", "postback", "ins", "conversions", "tracks", "rejections", "campaigns", "healthz", ".", "..":
		return true
	}
	return false
}

// ---- clicks ----

// click is one recorded click.
type click struct {
	ID         string
	Campaign   string // the campaign's name
	CampaignID string
	CreatedAt  time.Time
	Subs       map[string]string // the click's query parameters but format
}

// createClick records a click on the campaign with the given subs.
func (s *store) createClick(ctx context.Context, c Campaign, subs map[string]string) (click, error) {
	subsJSON, err := json.Marshal(subs)
	if err != nil {
		return click{}, fmt.Errorf("create click: %w", err)
	}
	now := s.now().UTC()
	k := click{ID: newClickID(), Campaign: c.Name, CampaignID: c.ID, CreatedAt: now, Subs: subs}
	err = s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, sqlInsertClick,
			k.ID, c.ID, now.UnixNano(), string(subsJSON))
		return err
	})
	if err != nil {
		return click{}, fmt.Errorf("create click on %s: %w", c.Name, err)
	}
	return k, nil
}

// countClicks counts the clicks f selects, on every page.
func (s *store) countClicks(ctx context.Context, f logFilter) (int, error) {
	where, args := f.where("k", "id")
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM clicks k`+where, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count clicks: %w", err)
	}
	return total, nil
}

// eachClick calls emit with each click of f's page in creation order,
// reading listChunk at a time (see chunks).
func (s *store) eachClick(ctx context.Context, f logFilter, emit func(click) error) error {
	where, args := f.where("k", "id")
	return chunks(f.Page, emit, func(after int64, limit int, offset int64) ([]click, []int64, error) {
		rows, err := s.r.QueryContext(ctx, `SELECT k.seq, k.id, c.name, c.id, k.created_at, k.subs FROM clicks k
			JOIN campaigns c ON c.id = k.campaign_id`+where+` AND k.seq > ? ORDER BY k.seq LIMIT ? OFFSET ?`,
			append(args, after, limit, offset)...)
		if err != nil {
			return nil, nil, fmt.Errorf("list clicks: %w", err)
		}
		defer rows.Close()
		var out []click
		var seqs []int64
		for rows.Next() {
			var k click
			var seq, at int64
			var subs string
			if err := rows.Scan(&seq, &k.ID, &k.Campaign, &k.CampaignID, &at, &subs); err != nil {
				return nil, nil, fmt.Errorf("list clicks: %w", err)
			}
			k.CreatedAt = time.Unix(0, at)
			if err := json.Unmarshal([]byte(subs), &k.Subs); err != nil {
				return nil, nil, fmt.Errorf("click %s subs: %w", k.ID, err)
			}
			out, seqs = append(out, k), append(seqs, seq)
		}
		if err := rows.Err(); err != nil {
			return nil, nil, fmt.Errorf("list clicks: %w", err)
		}
		return out, seqs, nil
	})
}

// listChunk is how many rows a log's page is read at a time: the rows of a
// chunk are read and the connection released before they are written to
// the client, so a page of MaxPerPage rows is never held whole in memory,
// nor a connection for as long as a slow client takes to read it.
const listChunk = 256

// chunks reads page p of a log listChunk rows at a time and emits them in
// order. read gets the seq to read after, how many rows to read and how
// many to skip first, and returns the rows with their seq. The first chunk
// skips p.offset() rows; the next read after the last seq. A row recorded
// while a page is being sent may appear at its end.
func chunks[R any](p page, emit func(R) error, read func(after int64, limit int, offset int64) ([]R, []int64, error)) error {
	after, offset, left := int64(math.MinInt64), p.offset(), p.per
	for left > 0 {
		limit := min(left, listChunk)
		rows, seqs, err := read(after, limit, offset)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := emit(r); err != nil {
				return err
			}
		}
		if len(rows) < limit {
			return nil
		}
		after, offset, left = seqs[len(seqs)-1], 0, left-len(rows)
	}
	return nil
}

// formatTime prints t in UTC as RFC 3339 with seconds.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// page is a 1-based page of per items.
type page struct{ num, per int }

// offset is the number of items before the page, math.MaxInt64 when that
// is more than an int64 holds (a page no store can reach: it is empty).
func (p page) offset() int64 {
	skip := int64(p.num - 1)
	if skip > math.MaxInt64/int64(p.per) {
		return math.MaxInt64
	}
	return skip * int64(p.per)
}
