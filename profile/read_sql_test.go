package profile

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// orbitraSchema is the part of Orbitra's SQLite schema the bundled
// profile reads (database.sql: clicks and conversions).
const orbitraSchema = `
CREATE TABLE clicks (id TEXT PRIMARY KEY, campaign_id INTEGER, ip TEXT, user_agent TEXT, created_at DATETIME DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE conversions (id INTEGER PRIMARY KEY AUTOINCREMENT, click_id TEXT, tid TEXT, status TEXT, original_status TEXT,
  payout REAL DEFAULT 0, currency TEXT DEFAULT 'USD', created_at DATETIME DEFAULT CURRENT_TIMESTAMP, UNIQUE(click_id, tid));
`

// orbitraDB creates an SQLite file with orbitraSchema and returns its DSN
// and an open handle.
func orbitraDB(t *testing.T) (string, *sql.DB) {
	t.Helper()
	dsn := "file:" + t.TempDir() + "/orbitra.sqlite?_pragma=busy_timeout(5000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(orbitraSchema); err != nil {
		t.Fatal(err)
	}
	return dsn, db
}

// orbitraBinding is the Config for the bundled orbitra profile.
func orbitraBinding(tracker, dsn string) Config {
	return Config{TrackerURL: tracker, Set: map[string]string{"postback_key": "pbk", "database": dsn},
		Campaigns: map[string]string{RoleAffiliate: "aff-camp", RoleVendor: "ven-camp"}}
}

// TestReadSQLite: the bundled orbitra profile reads Orbitra's conversions
// and clicks tables from a real SQLite file: REAL payouts exact, the
// click id as the query's one parameter.
func TestReadSQLite(t *testing.T) {
	dsn, db := orbitraDB(t)
	for _, q := range []string{
		`INSERT INTO clicks (id, campaign_id, ip) VALUES ('u-1', 1, '198.51.100.1'), ('u-2', 1, '198.51.100.2')`,
		`INSERT INTO conversions (click_id, tid, status, payout, currency) VALUES
		  ('u-1', 'R1', 'sale', 45.75, 'USD'), ('u-1', NULL, 'sale', 0.1, 'USD'), ('u-2', 'R2', 'lead', 19.99, 'EUR'), ('u-1', 'R3', 'sale', 12.345, 'USD')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	p, err := Load("orbitra")
	if err != nil {
		t.Fatal(err)
	}
	tr := mustBind(t, p, orbitraBinding("http://127.0.0.1:1", dsn))
	ctx := context.Background()
	cs, err := tr.Conversions(ctx, "u-1")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		tid   string
		cents int64
	}{{"R1", 4575}, {"", 10}, {"R3", 1235}} // 12.345 rounds half up: the profile says rounding: half_up
	if len(cs) != len(want) {
		t.Fatalf("%d conversions, want %d: %+v", len(cs), len(want), cs)
	}
	for i, w := range want {
		if cs[i].ClickID != "u-1" || cs[i].TransactionID != w.tid || cs[i].Payout != w.cents || cs[i].Status != "sale" || cs[i].Currency != "USD" || cs[i].Time == "" {
			t.Errorf("conversion %d = %+v, want tid %q and %d cents", i, cs[i], w.tid, w.cents)
		}
	}
	if cs[0].Raw["payout"] != "45.75" {
		t.Errorf("raw payout %q", cs[0].Raw["payout"])
	}
	for id, want := range map[string]bool{"u-1": true, "u-3": false} {
		if kept, err := tr.ClickKept(ctx, id); err != nil || kept != want {
			t.Errorf("ClickKept(%s) = %t, %v", id, kept, err)
		}
	}

	// The same query, read exactly, refuses 12.345.
	exact := mustParse(t, strings.Replace(mustSource(t, "orbitra"), "      rounding: half_up\n    http:", "      rounding: exact\n    http:", 1))
	tr2 := mustBind(t, exact, orbitraBinding("http://127.0.0.1:1", dsn))
	if _, err := tr2.Conversions(ctx, "u-1"); err == nil || !strings.Contains(err.Error(), "12.345 has a digit past the cent") {
		t.Errorf("exact read of 12.345 = %v", err)
	}
	// A Config.DB is used instead of the DSN, and stays open.
	tr3 := mustBind(t, p, Config{TrackerURL: "http://x", Set: map[string]string{"postback_key": "k"}, DB: db,
		Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}})
	if cs, err := tr3.Conversions(ctx, "u-2"); err != nil || len(cs) != 1 || cs[0].Payout != 1999 || cs[0].Currency != "EUR" {
		t.Errorf("Conversions through Config.DB = %+v, %v", cs, err)
	}
	tr3.Close()
	if err := db.Ping(); err != nil {
		t.Errorf("Close closed the caller's DB: %v", err)
	}
	// A table that does not exist says what to check.
	_, empty := orbitraDB(t)
	if _, err := empty.Exec(`DROP TABLE conversions`); err != nil {
		t.Fatal(err)
	}
	tr4 := mustBind(t, p, Config{TrackerURL: "http://x", Set: map[string]string{"postback_key": "k"}, DB: empty,
		Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}})
	if _, err := tr4.Conversions(ctx, "u-1"); err == nil || !strings.Contains(fixOf(err, ""), "its tables and columns must exist") {
		t.Errorf("Conversions without the table = %v (fix %q)", err, fixOf(err, ""))
	}
}

// mustSource returns a bundled profile's text.
func mustSource(t *testing.T, name string) string {
	t.Helper()
	b, err := BundledSource(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// orbitraLookalike serves what the bundled orbitra profile drives, as
// docs/trackers-research.md §2 describes Orbitra, on db: a click at
// /{alias} (no new row when the same address clicked the campaign in the
// last 2 s, yet a fresh id in the redirect) and the postback at
// /pbk/postback. It is a few lines for these tests, not the fake.
func orbitraLookalike(t *testing.T, db *sql.DB) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{alias}", func(w http.ResponseWriter, r *http.Request) {
		id := rand.Text()
		ip := strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-For")+",", ",")[0])
		if ip == "" {
			ip = "127.0.0.1"
		}
		var n int
		since := time.Now().UTC().Add(-2 * time.Second).Format(time.DateTime)
		_ = db.QueryRow(`SELECT COUNT(*) FROM clicks WHERE ip = ? AND campaign_id = ? AND created_at >= ?`, ip, r.PathValue("alias"), since).Scan(&n)
		if n == 0 {
			if _, err := db.Exec(`INSERT INTO clicks (id, campaign_id, ip, user_agent, created_at) VALUES (?, ?, ?, ?, ?)`,
				id, r.PathValue("alias"), ip, r.UserAgent(), time.Now().UTC().Format(time.DateTime)); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
		}
		// One offer URL for both roles: the orbitra profile reads an
		// affiliate's click id from extclid and a vendor's from vtid.
		http.Redirect(w, r, "https://hop.clickbank.net/?affiliate=a&extclid="+id+"&vtid="+id, http.StatusFound)
	})
	mux.HandleFunc("GET /pbk/postback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case q.Get("subid") == "":
			http.Error(w, "Missing subid.", 400)
			return
		case q.Get("status") == "":
			http.Error(w, "Ignored: Missing status.", 400)
			return
		}
		var n int
		_ = db.QueryRow(`SELECT COUNT(*) FROM clicks WHERE id = ?`, q.Get("subid")).Scan(&n)
		if n == 0 {
			http.Error(w, "Click ID not found in database.", 404)
			return
		}
		var tid any
		if q.Get("tid") != "" {
			tid = q.Get("tid")
		}
		if _, err := db.Exec(`INSERT INTO conversions (click_id, tid, status, payout) VALUES (?, ?, ?, ?)
			ON CONFLICT(click_id, tid) DO UPDATE SET status = excluded.status, payout = excluded.payout`, q.Get("subid"), tid, q.Get("status"), q.Get("payout")); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		fmt.Fprint(w, "Postback recorded successfully.")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestCheckOrbitraSQLite: Check with the bundled orbitra profile passes
// every part against a tracker that behaves as Orbitra's source says,
// reading back through SQLite.
func TestCheckOrbitraSQLite(t *testing.T) {
	dsn, db := orbitraDB(t)
	srv := orbitraLookalike(t, db)
	p, err := Load("orbitra")
	if err != nil {
		t.Fatal(err)
	}
	cfg := orbitraBinding(srv.URL, dsn)
	cfg.HTTPClient = srv.Client()
	tr := mustBind(t, p, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, r := range Check(ctx, tr) {
		if !r.OK {
			t.Errorf("%s", r)
		}
	}
}

// TestClickNotKept: visitors that share an address lose their clicks to
// Orbitra's 2 s debounce; the tracker still hands out click ids. ClickKept
// says so, the postback is refused as the profile says, and Check blames
// the click, not the conversion.
func TestClickNotKept(t *testing.T) {
	dsn, db := orbitraDB(t)
	srv := orbitraLookalike(t, db)
	src := strings.Replace(mustSource(t, "orbitra"), "  ip_header: X-Forwarded-For\n", "  ip_header: none\n", 1)
	cfg := orbitraBinding(srv.URL, dsn)
	cfg.HTTPClient = srv.Client()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	shared := mustBind(t, mustParse(t, src), cfg)
	first, err := shared.Click(ctx, RoleAffiliate)
	if err != nil {
		t.Fatal(err)
	}
	second, err := shared.Click(ctx, RoleAffiliate)
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == second.ID || second.ID == "" {
		t.Fatalf("click ids %q and %q", first.ID, second.ID)
	}
	if kept, err := shared.ClickKept(ctx, first.ID); err != nil || !kept {
		t.Errorf("first click kept = %t, %v", kept, err)
	}
	if kept, err := shared.ClickKept(ctx, second.ID); err != nil || kept {
		t.Errorf("second click kept = %t, %v; Orbitra drops it", kept, err)
	}
	u, _ := shared.PostbackURL(map[string]string{FieldClickID: second.ID, FieldSum: "1.00"})
	status, body, err := shared.postback(ctx, u)
	if err != nil || !shared.Refused(status, body) {
		t.Errorf("postback for the dropped click: %d %q %v; want refused", status, body, err)
	}
	res := Check(ctx, shared)
	if res[0].Part != PartClick || res[0].OK || !strings.Contains(res[0].Detail, "did not keep the click") || !strings.Contains(res[0].Fix, "within 2 s") {
		t.Errorf("Check's click part = %s", res[0])
	}

	// With the profile's own visitors, each click has its own address.
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	own := mustBind(t, mustParse(t, mustSource(t, "orbitra")), cfg)
	for range 3 {
		c, err := own.Click(ctx, RoleAffiliate)
		if err != nil {
			t.Fatal(err)
		}
		if kept, err := own.ClickKept(ctx, c.ID); err != nil || !kept {
			t.Errorf("click from %s kept = %t, %v", c.Visitor.IP, kept, err)
		}
	}
	if _, err := own.Conversions(ctx, "none"); err != nil && !errors.Is(err, ErrNotSupported) {
		t.Errorf("Conversions = %v", err)
	}
}
