package dbtest

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"testing"
)

// PostgresAdmin opens the PostgreSQL database of CBSIM_POSTGRES_DSN
// itself, closed when the test ends. Without the variable, or with the
// server unreachable, the test is skipped, unless CBSIM_REQUIRE_POSTGRES=1
// makes it fail. The pool holds one connection, so that a temporary table
// is seen by every query: a test that leaves no other trace can use the
// shared database this way. Calling it only for the skip tells a table
// test once, before its cases, that there is no server.
func PostgresAdmin(t testing.TB) *sql.DB {
	t.Helper()
	_, db := postgres.admin(t, false)
	return db
}

// Postgres makes a fresh schema in the database of CBSIM_POSTGRES_DSN
// (skipping or failing as PostgresAdmin does), and returns a DSN whose
// search_path is that schema and a database opened with it. The schema is
// dropped, CASCADE, when the test ends.
func Postgres(t testing.TB) (dsn string, db *sql.DB) {
	t.Helper()
	raw, admin := postgres.admin(t, true)
	schema := scratchName("dbtest")
	if err := exec(admin, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		if err := exec(admin, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	dsn, _ = withSearchPath(raw, schema) // checked by admin
	return dsn, Open(t, "pgx", dsn)      // closed before the drop
}

// withSearchPath returns the URL DSN raw with its search_path set to
// schema (left as it is for ""), or an error when raw is no postgres://
// URL.
func withSearchPath(raw, schema string) (string, error) {
	u, err := url.Parse(raw)
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // without the URL, which holds the password
	}
	if err == nil && u.Scheme != "postgres" && u.Scheme != "postgresql" {
		err = fmt.Errorf("scheme %q", u.Scheme)
	}
	if err != nil {
		return "", fmt.Errorf("CBSIM_POSTGRES_DSN is not a URL (postgres://user:pass@host:port/db): %v", err)
	}
	if schema != "" {
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}
