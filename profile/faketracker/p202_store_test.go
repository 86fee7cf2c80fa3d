package faketracker

import (
	"cmp"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/internal/dbtest"
)

// store202Backends are the databases the Prosper202 fake can write its
// tables in: a SQLite file always, a fresh MariaDB database when
// CBSIM_MARIADB_DSN names a server.
var store202Backends = []struct {
	name    string
	dialect Prosper202Dialect
	open    func(t *testing.T) *sql.DB
}{
	{"sqlite", Prosper202SQLite, func(t *testing.T) *sql.DB {
		return dbtest.Open(t, "sqlite", "file:"+filepath.Join(t.TempDir(), "p202.sqlite")+"?_pragma=busy_timeout(5000)")
	}},
	{"mariadb", Prosper202MySQL, func(t *testing.T) *sql.DB {
		_, db := dbtest.MariaDB(t)
		return db
	}},
}

// row202 is a row of 202_conversion_logs as a test compares it.
type row202 struct {
	convID  int64
	clickID int64
	txid    string // "NULL" for NULL
	payout  decimal5
	deleted int
}

func (r row202) String() string {
	return fmt.Sprintf("conv %d click %d txid %s payout %s deleted %d", r.convID, r.clickID, r.txid, r.payout, r.deleted)
}

// logs202 reads 202_conversion_logs in conv_id order.
func logs202(t *testing.T, db *sql.DB) []row202 {
	t.Helper()
	rs, err := db.Query("SELECT conv_id, click_id, transaction_id, click_payout, deleted FROM `202_conversion_logs` ORDER BY conv_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []row202
	for rs.Next() {
		var r row202
		var txid sql.NullString
		var payout string
		if err := rs.Scan(&r.convID, &r.clickID, &txid, &payout, &r.deleted); err != nil {
			t.Fatal(err)
		}
		r.txid = "NULL"
		if txid.Valid {
			r.txid = txid.String
		}
		var ok bool
		if r.payout, ok = parseDecimal5(payout); !ok {
			t.Fatalf("click_payout %q is not a decimal", payout)
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// storedClick202 reads a click's click_payout and click_lead from 202_clicks.
func storedClick202(t *testing.T, db *sql.DB, id int64) (decimal5, int) {
	t.Helper()
	var payout string
	var lead int
	if err := db.QueryRow("SELECT click_payout, click_lead FROM `202_clicks` WHERE click_id = ?", id).Scan(&payout, &lead); err != nil {
		t.Fatalf("click %d in 202_clicks: %v", id, err)
	}
	d, ok := parseDecimal5(payout)
	if !ok {
		t.Fatalf("click_payout %q is not a decimal", payout)
	}
	return d, lead
}

// TestProsper202StoreWritesLikeProsper202: with a DB, the fake writes its
// clicks into 202_clicks and each postback as MysqlConversionRepository::
// record() does: a log row with its own payout and transaction id, the
// click's payout overwritten and click_lead set; a repeat of (click,
// transaction id) adds nothing; a postback without one always adds a row.
// The broken twins alter the tables as they alter what the API serves.
func TestProsper202StoreWritesLikeProsper202(t *testing.T) {
	d := func(s string) decimal5 { v, _ := parseDecimal5(s); return v }
	cases := []struct {
		broken Broken
		rows   func(id int64) []row202
		click  decimal5
	}{
		{NotBroken, func(id int64) []row202 {
			return []row202{{1, id, "R1", d("45.75"), 0}, {2, id, "R2", d("19.99"), 0}, {3, id, "NULL", d("3"), 0}, {4, id, "NULL", d("3"), 0}}
		}, d("3")},
		{BrokenSum, func(id int64) []row202 {
			return []row202{{1, id, "R1", d("46.75"), 0}, {2, id, "R2", d("20.99"), 0}, {3, id, "NULL", d("4"), 0}, {4, id, "NULL", d("4"), 0}}
		}, d("4")},
		{BrokenClickID, func(id int64) []row202 {
			return []row202{{1, id + 1, "R1", d("45.75"), 0}, {2, id + 1, "R2", d("19.99"), 0}, {3, id + 1, "NULL", d("3"), 0}, {4, id + 1, "NULL", d("3"), 0}}
		}, d("3")},
	}
	for _, be := range store202Backends {
		for _, tc := range cases {
			t.Run(be.name+"/"+cmp.Or(string(tc.broken), "faithful"), func(t *testing.T) {
				db := be.open(t)
				p, err := NewProsper202(Prosper202Options{DB: db, Dialect: be.dialect, Broken: tc.broken, APIKey: key202,
					Campaigns: []Prosper202Campaign{{TrackerID: 12, PayoutCents: 2500, OfferURL: "https://offer.example/?sub=[[subid]]"}}})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(p.Close)
				id := clickP202(t, p, 12)
				if payout, lead := storedClick202(t, db, id); payout != d("25") || lead != 0 {
					t.Errorf("new click: payout %s lead %d, want the campaign's 25.00000 and 0", payout, lead)
				}
				for _, q := range []string{"amount=45.75&txid=R1", "amount=19.99&txid=R2", "amount=5&txid=R1", "amount=3", "amount=3"} {
					runChecks(t, postback202(t, p, fmt.Sprintf("subid=%d&%s", id, q)), hasStatus(200), hasBody(""))
				}
				got, want := logs202(t, db), tc.rows(id)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("202_conversion_logs:\n got %v\nwant %v", got, want)
				}
				if payout, lead := storedClick202(t, db, id); payout != tc.click || lead != 1 {
					t.Errorf("click: payout %s lead %d, want %s (the last amount) and 1", payout, lead, tc.click)
				}
				// The API, served from memory, lists the same rows.
				l := conversions202(t, p, "")
				if l.Pagination.Total != len(want) {
					t.Errorf("the API lists %d conversions, the table holds %d", l.Pagination.Total, len(want))
				}
			})
		}
	}
}

// TestProsper202StoreOptions: a dialect needs a DB and must be one of the
// two; tables that already exist are refused, naming the table.
func TestProsper202StoreOptions(t *testing.T) {
	camps := []Prosper202Campaign{{TrackerID: 1, OfferURL: "https://o.example/"}}
	db := store202Backends[0].open(t)
	first, err := NewProsper202(Prosper202Options{DB: db, Campaigns: camps})
	if err != nil {
		t.Fatal(err)
	}
	first.Close()
	for _, tc := range []struct {
		name string
		opts Prosper202Options
		says string
	}{
		{"dialect without DB", Prosper202Options{Dialect: Prosper202MySQL, Campaigns: camps}, `Dialect "mysql" needs DB`},
		{"unknown dialect", Prosper202Options{DB: db, Dialect: "postgres", Campaigns: camps}, `Dialect "postgres" is not a dialect: use "sqlite" or "mysql"`},
		{"tables exist", Prosper202Options{DB: db, Campaigns: camps}, "CREATE TABLE `202_clicks`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewProsper202(tc.opts)
			if err == nil {
				p.Close()
				t.Fatalf("started; want an error saying %q", tc.says)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
		})
	}
}

// TestProsper202StoreFailureRecordsNothing: when the database fails, a
// click or a postback answers 500 saying why, and the fake's memory (what
// the API serves) records nothing of it.
func TestProsper202StoreFailureRecordsNothing(t *testing.T) {
	db := store202Backends[0].open(t)
	p, err := NewProsper202(Prosper202Options{DB: db, APIKey: key202,
		Campaigns: []Prosper202Campaign{{TrackerID: 12, OfferURL: "https://offer.example/?sub=[[subid]]"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	id := clickP202(t, p, 12)
	if _, err := db.Exec("DROP TABLE `202_conversion_logs`"); err != nil {
		t.Fatal(err)
	}
	r := postback202(t, p, fmt.Sprintf("subid=%d&amount=10&txid=A", id))
	if r.status != 500 || !strings.Contains(r.body, "202_conversion_logs") {
		t.Errorf("postback with the log table gone: status %d %q, want 500 naming 202_conversion_logs", r.status, r.body)
	}
	if n := conversions202(t, p, "").Pagination.Total; n != 0 {
		t.Errorf("the API lists %d conversions after a failed postback, want 0", n)
	}
	if c := clicks202(t, p, "")[0]; c.ClickLead != 0 || c.ClickPayout != "0.00000" {
		t.Errorf("click after a failed postback %+v, want it untouched", c)
	}
	if _, err := db.Exec("DROP TABLE `202_clicks`"); err != nil {
		t.Fatal(err)
	}
	r = do(t, p.Client(), p.URL+"/tracking202/redirect/dl.php?t202id=12")
	if r.status != 500 || !strings.Contains(r.body, "202_clicks") {
		t.Errorf("click with 202_clicks gone: status %d %q, want 500 naming 202_clicks", r.status, r.body)
	}
	if n := len(clicks202(t, p, "")); n != 1 {
		t.Errorf("the API lists %d clicks after a failed click, want 1", n)
	}
}
