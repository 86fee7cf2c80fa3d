package profile

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/internal/dbtest"
	"github.com/cbsim/cbsim/profile/faketracker"
)

var updateVariants = flag.Bool("update-variants", false, "rewrite testdata/*-postgres.yaml from the bundled profiles")

// orbitraPostgresFile is the bundled orbitra profile with its SQL readers
// in PostgreSQL's dialect: a worked example of a SQL-read profile on a
// database server, and what the Orbitra fake on Postgres is read with
// (here, and by any suite that drives that fake: load it by this path).
const orbitraPostgresFile = "testdata/orbitra-postgres.yaml"

// orbitraPostgresSource derives orbitraPostgresFile from the bundled
// orbitra profile: only the name, the title, the database setting's doc
// and the SQL readers' driver and placeholders change. Each replacement
// must match exactly as often as the bundled file had it when this was
// written, so a change there is noticed here.
func orbitraPostgresSource(t *testing.T) string {
	t.Helper()
	src := mustSource(t, "orbitra")
	swaps := []struct {
		old, new string
		n        int
	}{
		{"name: orbitra\n", "name: orbitra-postgres\n", 1},
		{"title: Orbitra (self-hosted, PHP/SQLite)\n", "title: Orbitra (its tables in PostgreSQL, for cbsim's test of the SQL reader against a database server)\n", 1},
		{`doc: "the SQLite DSN of Orbitra's database for reader sql, e.g. file:/srv/orbitra/database.sqlite?mode=ro (file name UNCONFIRMED)"`,
			"doc: \"the PostgreSQL DSN of the database holding Orbitra's tables, e.g. postgres://user:pass@127.0.0.1:5432/orbitra?sslmode=disable (&search_path=SCHEMA for another schema)\"\n    secret: true # it holds a password", 1},
		{"driver: sqlite\n", "driver: postgres\n", 2},
		{"WHERE click_id = ? ORDER BY id", "WHERE click_id = $1 ORDER BY id", 1},
		{"FROM clicks WHERE id = ?", "FROM clicks WHERE id = $1", 1},
	}
	for _, s := range swaps {
		if n := strings.Count(src, s.old); n != s.n {
			t.Fatalf("bundled orbitra holds %q %d times, want %d: update orbitraPostgresSource", s.old, n, s.n)
		}
		src = strings.ReplaceAll(src, s.old, s.new)
	}
	return "# GENERATED from profile/bundled/orbitra.yaml by orbitraPostgresSource in\n" +
		"# profile/read_sql_fake_test.go (go test ./profile -run TestOrbitraPostgresVariantIsCurrent -update-variants).\n" +
		"# Orbitra runs on SQLite only; these are its tables as the Orbitra fake keeps them in PostgreSQL\n" +
		"# (faketracker.DialectPostgres), read through the pgx driver with $1 placeholders.\n" + src
}

// TestOrbitraPostgresVariantIsCurrent keeps the Postgres variant in step
// with the bundled orbitra profile.
func TestOrbitraPostgresVariantIsCurrent(t *testing.T) {
	want := orbitraPostgresSource(t)
	if *updateVariants {
		if err := os.WriteFile(orbitraPostgresFile, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(orbitraPostgresFile)
	if err != nil {
		t.Fatalf("%v (create it with -update-variants)", err)
	}
	if string(got) != want {
		t.Errorf("%s is not what the bundled orbitra profile gives: go test ./profile -run TestOrbitraPostgresVariantIsCurrent -update-variants", orbitraPostgresFile)
	}
	if _, err := Load(filepath.FromSlash(orbitraPostgresFile)); err != nil {
		t.Errorf("Load(%s): %v", orbitraPostgresFile, err)
	}
}

// TestOrbitraFakeSQLRead: the orbitra profile drives the Orbitra fake and
// reads what it recorded with SQL — the bundled profile from the fake's
// SQLite file, and its Postgres variant, through pgx, from the fake's
// tables in PostgreSQL: click, front-end and upsell postbacks with
// transaction ids, then Conversions, which must hold the sums and click
// ids sent. Each broken twin must fail the same check.
func TestOrbitraFakeSQLRead(t *testing.T) {
	backends := []struct {
		name    string
		profile string
		// place puts the fake's tables somewhere and returns the options
		// for it and the profile's database setting; dsnOf is called
		// once the fake has started.
		place func(t *testing.T) (faketracker.OrbitraOptions, func(*faketracker.Orbitra) string)
	}{
		{"sqlite", "orbitra", func(t *testing.T) (faketracker.OrbitraOptions, func(*faketracker.Orbitra) string) {
			return faketracker.OrbitraOptions{}, func(o *faketracker.Orbitra) string {
				return "file:" + o.DBPath() + "?_pragma=query_only(1)&_pragma=busy_timeout(5000)"
			}
		}},
		{"postgres", filepath.FromSlash(orbitraPostgresFile), func(t *testing.T) (faketracker.OrbitraOptions, func(*faketracker.Orbitra) string) {
			dsn, db := dbtest.Postgres(t)
			return faketracker.OrbitraOptions{DB: db, Dialect: faketracker.DialectPostgres}, func(*faketracker.Orbitra) string { return dsn }
		}},
	}
	for _, be := range backends {
		for _, tc := range twinCases("recorded sum") {
			t.Run(be.name+"/"+tc.name(), func(t *testing.T) {
				opts, dsnOf := be.place(t)
				opts.Campaigns = []faketracker.OrbitraCampaign{
					{Alias: "aff", OfferURL: "https://hop.example/?extclid={clickid}"},
					{Alias: "ven", OfferURL: "https://pay.example/?vtid={clickid}"},
				}
				opts.PostbackKey = "pbk"
				opts.Broken = tc.broken
				o, err := faketracker.NewOrbitra(opts)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(o.Close)
				p, err := Load(be.profile)
				if err != nil {
					t.Fatal(err)
				}
				tr := mustBind(t, p, Config{
					TrackerURL: o.URL,
					Campaigns:  map[string]string{RoleAffiliate: "aff", RoleVendor: "ven"},
					Set:        map[string]string{"postback_key": "pbk", "database": dsnOf(o)},
					Reader:     "sql",
					Seed:       1,
				})
				tc.check(t, clickPostbackRead(t, tr, o.Client()))
			})
		}
	}
}

// twinCase is a fake, faithful or broken, and what a check of it must
// say.
type twinCase struct {
	broken faketracker.Broken
	fails  string // "" = passes; else in the check's error
}

// twinCases are the faithful fake and the twins broken in the sum and in
// the click id, which clickPostbackRead must tell apart; sumFails is what
// its error says of the broken sum.
func twinCases(sumFails string) []twinCase {
	return []twinCase{
		{faketracker.NotBroken, ""},
		{faketracker.BrokenSum, sumFails},
		{faketracker.BrokenClickID, "recorded 0 conversions"},
	}
}

// name names the case's subtest: the twin's, or faithful.
func (tc twinCase) name() string { return cmp.Or(string(tc.broken), "faithful") }

// check holds err, the check's verdict on the case's fake, to what it
// must be: nil for the faithful fake, an error containing fails for a
// broken twin.
func (tc twinCase) check(t *testing.T, err error) {
	t.Helper()
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
}

// clickPostbackRead clicks for each role, sends a front-end and an upsell
// postback per click, and returns an error when what the tracker recorded
// is not what was sent, as the portable suite would word it. Failures to
// drive the tracker at all end the test.
func clickPostbackRead(t *testing.T, tr *Tracker, client *http.Client) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	type sent struct {
		sum   string
		cents int64
		txid  string
	}
	var problems []string
	noCurrency := false
	for _, role := range []string{RoleAffiliate, RoleVendor} {
		c, err := tr.Click(ctx, role)
		if err != nil {
			t.Fatalf("%s click: %v", role, err)
		}
		if kept, err := tr.ClickKept(ctx, c.ID); err != nil || !kept {
			t.Fatalf("%s click %s kept = %t, %v; want true", role, c.ID, kept, err)
		}
		postbacks := []sent{{"45.75", 4575, "R1-" + role}, {"19.99", 1999, "R2-" + role}}
		for _, pb := range postbacks {
			u, dropped := tr.PostbackURL(map[string]string{FieldClickID: c.ID, FieldSum: pb.sum, FieldCurrency: "USD", FieldTransactionID: pb.txid})
			// A tracker without a currency (Prosper202) drops it and reads none back.
			if noCurrency = slices.Equal(dropped, []string{FieldCurrency}); len(dropped) > 0 && !noCurrency {
				t.Fatalf("postback fields dropped: %v", dropped)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("postback %s: %v", tr.Redact(u), err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("postback %s: status %d", tr.Redact(u), resp.StatusCode)
			}
		}
		cs, err := tr.Conversions(ctx, c.ID)
		if err != nil {
			t.Fatalf("%s conversions of %s: %v", role, c.ID, err)
		}
		if len(cs) != len(postbacks) {
			problems = append(problems, fmt.Sprintf("%s click %s: recorded %d conversions, want %d", role, c.ID, len(cs), len(postbacks)))
			continue
		}
		for i, pb := range postbacks {
			got := cs[i]
			if got.ClickID != c.ID {
				problems = append(problems, fmt.Sprintf("%s conversion %d: recorded click id %q, sent %q", role, i, got.ClickID, c.ID))
			}
			if got.Payout != pb.cents {
				problems = append(problems, fmt.Sprintf("%s conversion %d: recorded sum %d cents, sent %s", role, i, got.Payout, pb.sum))
			}
			wantCurrency := "USD"
			if noCurrency {
				wantCurrency = ""
			}
			if got.TransactionID != pb.txid || got.Currency != wantCurrency || got.Time == "" {
				problems = append(problems, fmt.Sprintf("%s conversion %d: recorded %+v, sent transaction id %s in USD", role, i, got, pb.txid))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}
