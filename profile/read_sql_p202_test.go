package profile

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/cbsim/cbsim/internal/dbtest"
	"github.com/cbsim/cbsim/profile/faketracker"
)

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
			w := dbtest.Open(t, "sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
			r := dbtest.Open(t, "sqlite", "file:"+path+"?_pragma=query_only(1)&_pragma=busy_timeout(5000)")
			return faketracker.Prosper202Options{DB: w, Dialect: faketracker.Prosper202SQLite}, r, ""
		}},
		{"mariadb", func(t *testing.T) (faketracker.Prosper202Options, *sql.DB, string) {
			dsn, db := dbtest.MariaDB(t)
			return faketracker.Prosper202Options{DB: db, Dialect: faketracker.Prosper202MySQL}, nil, dsn
		}},
	}
	for _, be := range backends {
		for _, tc := range twinCases("recorded sum 4675 cents, sent 45.75") {
			t.Run(be.name+"/"+tc.name(), func(t *testing.T) {
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
				tc.check(t, clickPostbackRead(t, tr, f.Client()))
			})
		}
	}
}
