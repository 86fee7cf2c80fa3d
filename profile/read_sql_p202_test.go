package profile

import (
	"cmp"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/cbsim/cbsim/profile/faketracker"
)

// mariadbDatabaseDSN makes a fresh database named after the one of
// CBSIM_MARIADB_DSN (cbsim → cbsim_<random>, which .ci/mariadb lets its
// user make), skipping without a server and failing instead with
// CBSIM_REQUIRE_MARIADB=1. It returns the new database's DSN and the
// database opened with it; the database is dropped when the test ends.
func mariadbDatabaseDSN(t *testing.T) (string, *sql.DB) {
	t.Helper()
	admin := serverDB(t, "mysql", "CBSIM_MARIADB_DSN", "CBSIM_REQUIRE_MARIADB")
	var current sql.NullString
	if err := admin.QueryRow("SELECT DATABASE()").Scan(&current); err != nil || !current.Valid {
		t.Fatalf("CBSIM_MARIADB_DSN names no database (user:pass@tcp(host:port)/DB): %v", err)
	}
	raw := make([]byte, 6)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	name := current.String + "_" + hex.EncodeToString(raw)
	mustExec(t, admin, "CREATE DATABASE `"+name+"`")
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE `" + name + "`"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	cfg, err := mysql.ParseDSN(os.Getenv("CBSIM_MARIADB_DSN"))
	if err != nil {
		t.Fatalf("CBSIM_MARIADB_DSN is not a MySQL DSN (user:pass@tcp(host:port)/db): %v", err)
	}
	cfg.DBName = name
	dsn := cfg.FormatDSN()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return dsn, db
}

// TestProsper202FakeSQLRead: the bundled prosper202 profile drives the
// Prosper202 fake and reads what it recorded with its SQL reader, from the
// fake's 202_clicks and 202_conversion_logs — in SQLite always, in MariaDB
// when CBSIM_MARIADB_DSN names one (through the profile's own mysql DSN):
// a front end of 45.75 and an upsell of 19.99 per click, each with its
// transaction id, must come back as two conversions with their own sums
// (not the click's last payout) and transaction ids. Each broken twin must
// fail the same check.
func TestProsper202FakeSQLRead(t *testing.T) {
	backends := []struct {
		name string
		// place returns the fake's options for its tables, and the
		// profile's Config.DB or dsn setting to read them with.
		place func(t *testing.T) (opts faketracker.Prosper202Options, read *sql.DB, dsn string)
	}{
		{"sqlite", func(t *testing.T) (faketracker.Prosper202Options, *sql.DB, string) {
			path := filepath.Join(t.TempDir(), "prosper202.sqlite")
			w := openSQLite(t, "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
			r := openSQLite(t, "file:"+path+"?_pragma=query_only(1)&_pragma=busy_timeout(5000)")
			return faketracker.Prosper202Options{DB: w, Dialect: faketracker.Prosper202SQLite}, r, ""
		}},
		{"mariadb", func(t *testing.T) (faketracker.Prosper202Options, *sql.DB, string) {
			dsn, db := mariadbDatabaseDSN(t)
			return faketracker.Prosper202Options{DB: db, Dialect: faketracker.Prosper202MySQL}, nil, dsn
		}},
	}
	cases := []struct {
		broken faketracker.Broken
		fails  string // "" = passes; else in the check's error
	}{
		{faketracker.NotBroken, ""},
		{faketracker.BrokenSum, "recorded sum 4675 cents, sent 45.75"},
		{faketracker.BrokenClickID, "recorded 0 conversions"},
	}
	for _, be := range backends {
		for _, tc := range cases {
			t.Run(be.name+"/"+cmp.Or(string(tc.broken), "faithful"), func(t *testing.T) {
				opts, read, dsn := be.place(t)
				opts.Campaigns = []faketracker.Prosper202Campaign{
					{TrackerID: 11, OfferURL: "https://hop.example/?tid=[[subid]]", PayoutCents: 2500},
					{TrackerID: 12, OfferURL: "https://pay.example/?vtid=[[subid]]", PayoutCents: 2500},
				}
				opts.Broken = tc.broken
				f, err := faketracker.NewProsper202(opts)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(f.Close)
				p, err := Load("prosper202")
				if err != nil {
					t.Fatal(err)
				}
				cfg := Config{TrackerURL: f.URL, Reader: "sql", DB: read, Seed: 1,
					Campaigns: map[string]string{RoleAffiliate: "11", RoleVendor: "12"}}
				if dsn != "" {
					cfg.Set = map[string]string{"dsn": dsn}
				}
				tr := mustBind(t, p, cfg)
				err = clickPostbackRead(t, tr, f.Client())
				switch {
				case tc.fails == "" && err != nil:
					t.Errorf("the faithful fake failed: %v", err)
				case tc.fails != "" && err == nil:
					t.Errorf("the %s twin passed; want an error with %q", tc.broken, tc.fails)
				case tc.fails != "" && !strings.Contains(err.Error(), tc.fails):
					t.Errorf("the %s twin failed with %v; want %q", tc.broken, err, tc.fails)
				case err != nil:
					t.Logf("the %s twin fails as it should: %v", tc.broken, err)
				}
			})
		}
	}
}

// openSQLite opens a SQLite database and closes it when the test ends.
func openSQLite(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
