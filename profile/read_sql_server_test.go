package profile

import (
	"context"
	"database/sql"
	"testing"

	"github.com/cbsim/cbsim/internal/dbtest"
)

// mustExec runs statements or fails the test.
func mustExec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestReadMariaDB: the bundled prosper202 profile's SQL reader against
// MySQL/MariaDB tables shaped like Prosper202's (temporary, so a shared
// database is left as it was): click 41 had a front end of 12.34 and an
// upsell of 0.10, each logged with its own payout and transaction id, the
// click left holding the last (0.10); a third log row of 41 was deleted.
// The reader must return each row's own payout, never the click's, and
// skip the deleted row. Needs CBSIM_MARIADB_DSN, e.g.
// user:pass@tcp(127.0.0.1:3306)/scratch.
func TestReadMariaDB(t *testing.T) {
	db := dbtest.MariaDBAdmin(t)
	mustExec(t, db,
		"CREATE TEMPORARY TABLE `202_clicks` (click_id BIGINT(20) UNSIGNED NOT NULL, user_id MEDIUMINT(8) UNSIGNED NOT NULL, click_payout DECIMAL(11,5) NOT NULL DEFAULT '0.00000', click_lead TINYINT(1) NOT NULL DEFAULT 0, click_time INT(10) UNSIGNED NOT NULL, KEY click_id (click_id))",
		"CREATE TEMPORARY TABLE `202_conversion_logs` (conv_id INT(11) UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, click_id BIGINT(20) UNSIGNED NOT NULL, transaction_id VARCHAR(255) DEFAULT NULL,"+
			" click_payout DECIMAL(11,5) NOT NULL, conv_time INT(10) NOT NULL, deleted TINYINT(4) NOT NULL DEFAULT 0, UNIQUE KEY (click_id, transaction_id))",
		"INSERT INTO `202_clicks` VALUES (41, 1, 0.1, 1, 1768478400), (42, 1, 0, 0, 1768478401)",
		"INSERT INTO `202_conversion_logs` (click_id, transaction_id, click_payout, conv_time, deleted) VALUES"+
			" (41, 'R1', 12.34, 1768478500, 0), (41, 'R2', 0.1, 1768478600, 0), (41, 'R3', 7, 1768478700, 1)",
	)
	p, err := Load("prosper202")
	if err != nil {
		t.Fatal(err)
	}
	tr := mustBind(t, p, Config{TrackerURL: "http://p.example", Reader: "sql", DB: db, Campaigns: map[string]string{RoleAffiliate: "1", RoleVendor: "2"}})
	ctx := context.Background()
	cs, err := tr.Conversions(ctx, "41")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].ClickID != "41" || cs[0].Payout != 1234 || cs[0].Raw["click_payout"] != "12.34000" || cs[0].TransactionID != "R1" ||
		cs[1].Payout != 10 || cs[1].TransactionID != "R2" || cs[1].Time != "1768478600" {
		t.Errorf("conversions = %+v; want R1 12.34 and R2 0.10, each its own row's, and not the deleted R3", cs)
	}
	if cs, err := tr.Conversions(ctx, "42"); err != nil || len(cs) != 0 {
		t.Errorf("conversions of 42 = %+v, %v; want none", cs, err)
	}
	if kept, err := tr.ClickKept(ctx, "42"); err != nil || !kept {
		t.Errorf("ClickKept(42) = %t, %v", kept, err)
	}
	if kept, err := tr.ClickKept(ctx, "43"); err != nil || kept {
		t.Errorf("ClickKept(43) = %t, %v", kept, err)
	}
}

// TestReadPostgres: a SQL reader with driver postgres ($1) against a
// temporary table with a NUMERIC payout. Needs CBSIM_POSTGRES_DSN, e.g.
// postgres://user:pass@127.0.0.1:5432/scratch.
func TestReadPostgres(t *testing.T) {
	db := dbtest.PostgresAdmin(t)
	mustExec(t, db,
		"CREATE TEMPORARY TABLE conversions (id SERIAL PRIMARY KEY, click_id TEXT NOT NULL, tid TEXT, payout NUMERIC(11,5) NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())",
		"INSERT INTO conversions (click_id, tid, payout) VALUES ('c1', 'R1', 45.75), ('c1', NULL, 0.1), ('c2', 'R2', 3)",
	)
	p := mustParse(t, minimal+`settings:
  dsn: {doc: the DSN, secret: true}
read:
  conversions:
    sql:
      driver: postgres
      dsn: "{dsn}"
      query: "SELECT click_id AS \"ClickID\", tid, payout, created_at FROM conversions WHERE click_id = $1 ORDER BY id"
      fields: {click_id: clickid, transaction_id: tid, sum: payout, time: created_at}
`)
	tr := mustBind(t, p, Config{TrackerURL: "http://x", DB: db, Campaigns: map[string]string{RoleAffiliate: "a", RoleVendor: "v"}})
	cs, err := tr.Conversions(context.Background(), "c1")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Payout != 4575 || cs[0].TransactionID != "R1" || cs[1].Payout != 10 || cs[1].TransactionID != "" || cs[0].Time == "" {
		t.Errorf("conversions = %+v", cs)
	}
}
