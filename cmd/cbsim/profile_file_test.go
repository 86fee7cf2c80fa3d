package main

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// inhouseProfile is the worked example of README's "Tracker profiles":
// a profile of an in-house tracker that reads its SQL tables.
const inhouseProfile = "testdata/profiles/inhouse.yaml"

// inhouseTracker is the in-house tracker inhouseProfile describes, made
// for this test: GET /go/{campaign} records a click and redirects to the
// campaign's offer URL with {clickid} filled; GET /pb?cid&amount&tx
// records a conversion, 404 for an unknown click. Both are rows of a
// SQLite database, which the profile reads. It returns the tracker's URL
// and the database's read-only DSN.
func inhouseTracker(t *testing.T) (string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tracker.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE clicks (id TEXT PRIMARY KEY, campaign TEXT NOT NULL, created_at TEXT NOT NULL);
		CREATE TABLE conversions (id INTEGER PRIMARY KEY, click_id TEXT NOT NULL, amount NUMERIC(10,2), txid TEXT, created_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	offers := map[string]string{"aff": hopAff + "{clickid}", "ven": payLinkVen + "{clickid}"}
	var mu sync.Mutex // guards next
	next := 0
	now := func() string { return time.Now().UTC().Format(time.DateTime) }
	mux := http.NewServeMux()
	mux.HandleFunc("GET /go/{campaign}", func(w http.ResponseWriter, r *http.Request) {
		offer, ok := offers[r.PathValue("campaign")]
		if !ok {
			http.Error(w, "no such campaign", http.StatusNotFound)
			return
		}
		mu.Lock()
		next++
		id := fmt.Sprintf("ih%06d", next)
		mu.Unlock()
		if _, err := db.Exec(`INSERT INTO clicks (id, campaign, created_at) VALUES (?, ?, ?)`, id, r.PathValue("campaign"), now()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, strings.ReplaceAll(offer, "{clickid}", id), http.StatusFound)
	})
	mux.HandleFunc("GET /pb", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM clicks WHERE id = ?`, q.Get("cid")).Scan(&n); err != nil || n == 0 {
			http.Error(w, "unknown click", http.StatusNotFound)
			return
		}
		if _, err := db.Exec(`INSERT INTO conversions (click_id, amount, txid, created_at) VALUES (?, ?, ?, ?)`,
			q.Get("cid"), q.Get("amount"), q.Get("tx"), now()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL, "file:" + path + "?mode=ro"
}

// TestInhouseProfile: the README's worked example, a profile file for an
// in-house tracker read through SQL, passes cbsim profile check and a
// mapping scenario of cbsim test; a wrong campaign fails the check's click.
func TestInhouseProfile(t *testing.T) {
	url, dsn := inhouseTracker(t)
	check := func(campaign string) []string {
		return []string{"profile", "check", "--profile", inhouseProfile, "--tracker", url,
			"--campaign", "affiliate=" + campaign, "--campaign", "vendor=ven", "--set", "database=" + dsn, "--wait", "3s"}
	}
	code, out, errs := cli(t, check("aff")...)
	if code != 0 || !strings.Contains(out, "the tracker kept it") || !strings.Contains(out, "found the probe conversion") {
		t.Fatalf("check: exit %d\n%s\n%s", code, out, errs)
	}
	if strings.Contains(out+errs, dsn) {
		t.Errorf("the secret setting database is printed:\n%s\n%s", out, errs)
	}
	code, out, _ = cli(t, check("nosuch")...)
	if code != 1 || !strings.Contains(out, "FAILED  click     click on campaign nosuch") {
		t.Errorf("check with a wrong campaign: exit %d\n%s", code, out)
	}
	code, out, errs = cli(t, "test", "--profile", inhouseProfile, "--tracker", url, "--campaign", "affiliate=aff",
		"--campaign", "vendor=ven", "--set", "database="+dsn, "--features", "testdata/profile-features", "--format", "progress", "--wait", "2s")
	if code != 0 || !strings.Contains(out, "1 scenarios (1 passed)") {
		t.Fatalf("test: exit %d\n%s\n%s", code, out, errs)
	}
}

// TestReadmeHasInhouseProfile: the README's worked example is the profile
// TestInhouseProfile runs, byte for byte.
func TestReadmeHasInhouseProfile(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(inhouseProfile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```yaml\n"+string(example)+"```\n") {
		t.Errorf("README.md does not show %s as a yaml block: copy it there", inhouseProfile)
	}
}

// TestProfilesHideSecretDefaults: a secret setting's default (a DSN with a
// password) is not printed by `cbsim profiles`, as text or JSON.
func TestProfilesHideSecretDefaults(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "profiles", "inhouse.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const dsn = "postgres://u:hunter2pw@127.0.0.1/db"
	text := strings.Replace(string(b), "    secret: true   # a PostgreSQL DSN holds a password\n",
		"    secret: true\n    default: \""+dsn+"\"\n", 1)
	if text == string(b) {
		t.Fatal("the test profile's database setting changed: update this test")
	}
	file := filepath.Join(t.TempDir(), "secretdefault.yaml")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"profiles", file}, {"profiles", "--json", file}} {
		code, out, errs := cli(t, args...)
		if code != 0 || strings.Contains(out+errs, "hunter2pw") {
			t.Errorf("cbsim %v: exit %d, the secret default shown: %v\n%s%s", args, code, strings.Contains(out+errs, "hunter2pw"), out, errs)
		}
	}
}
