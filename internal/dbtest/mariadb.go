package dbtest

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/go-sql-driver/mysql" // its DSN parser; the driver is registered by profile/sqldriver
)

// MariaDBAdmin is PostgresAdmin for the MariaDB (or MySQL) database of
// CBSIM_MARIADB_DSN, whose absence CBSIM_REQUIRE_MARIADB=1 makes fail.
func MariaDBAdmin(t testing.TB) *sql.DB {
	t.Helper()
	_, db := mariadb.admin(t, false)
	return db
}

// MariaDB makes a fresh database on the server of CBSIM_MARIADB_DSN
// (skipping or failing as MariaDBAdmin does), named after the DSN's
// database (cbsim → cbsim_<12 hex digits>, which .ci/mariadb lets its user
// make), and returns its DSN and the database opened with it. The
// database is dropped when the test ends.
func MariaDB(t testing.TB) (dsn string, db *sql.DB) {
	t.Helper()
	raw, admin := mariadb.admin(t, true)
	cfg, _ := mariadbConfig(raw) // checked by admin
	name := scratchName(cfg.DBName)
	if err := exec(admin, "CREATE DATABASE `"+name+"`"); err != nil {
		t.Fatalf("create database %s (the user of %s needs CREATE on %s_*, as .ci/mariadb grants): %v", name, mariadb.dsnEnv, cfg.DBName, err)
	}
	t.Cleanup(func() {
		if err := exec(admin, "DROP DATABASE `"+name+"`"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	dsn = cfg.FormatDSN()
	return dsn, Open(t, "mysql", dsn) // closed before the drop
}

// mariadbConfig parses the MySQL DSN raw, which must name a database.
func mariadbConfig(raw string) (*mysql.Config, error) {
	cfg, err := mysql.ParseDSN(raw)
	if err == nil && cfg.DBName == "" {
		err = fmt.Errorf("no database")
	}
	if err != nil {
		return nil, fmt.Errorf("CBSIM_MARIADB_DSN is not a MySQL DSN naming a database (user:pass@tcp(host:port)/db): %v", err)
	}
	return cfg, nil
}
