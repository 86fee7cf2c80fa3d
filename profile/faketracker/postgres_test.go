package faketracker

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx", for the Postgres backend's tests only
)

// backend is a database the fake Orbitra keeps its tables in, for table
// tests that run against each.
type backend struct {
	name    string
	dialect OrbitraDialect
	// open gives OrbitraOptions.DB: nil for the fake's own SQLite file. It
	// skips the test when the backend is unavailable.
	open func(t *testing.T) *sql.DB
	// ready skips (or fails) a test at once when the backend is
	// unavailable, so a table test says so once, not per case; nil: always.
	ready func(t *testing.T)
}

// backends are SQLite (the fake's own file) and PostgreSQL (a schema of
// its own per fake, when CBSIM_POSTGRES_DSN names a server).
var backends = []backend{
	{"sqlite", "", func(*testing.T) *sql.DB { return nil }, nil},
	{"postgres", DialectPostgres, func(t *testing.T) *sql.DB {
		db, _ := postgresSchema(t)
		return db
	}, func(t *testing.T) { postgresAdmin(t).Close() }},
}

// forBackends runs f as a subtest per backend.
func forBackends(t *testing.T, f func(t *testing.T, b backend)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			if b.ready != nil {
				b.ready(t)
			}
			f(t, b)
		})
	}
}

// postgresAdmin opens the PostgreSQL database named by
// CBSIM_POSTGRES_DSN. Without the variable (or with the server
// unreachable) the test is skipped, unless CBSIM_REQUIRE_POSTGRES=1 makes
// it fail. `.ci/postgres` starts a server and prints the variables.
func postgresAdmin(t *testing.T) *sql.DB {
	t.Helper()
	const dsnEnv, requireEnv = "CBSIM_POSTGRES_DSN", "CBSIM_REQUIRE_POSTGRES"
	required := os.Getenv(requireEnv) == "1"
	dsn := os.Getenv(dsnEnv)
	if dsn == "" {
		if required {
			t.Fatalf("%s=1 but %s is not set", requireEnv, dsnEnv)
		}
		t.Skipf("no PostgreSQL server: set %s to a DSN of a scratch database (`eval \"$(sudo .ci/postgres)\"` starts one) to run this test; %s=1 makes a missing server fail it", dsnEnv, requireEnv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", dsn)
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		if required {
			t.Fatalf("PostgreSQL server of %s unreachable: %v", dsnEnv, err)
		}
		t.Skipf("PostgreSQL server of %s unreachable (%v); %s=1 makes this fail", dsnEnv, err, requireEnv)
	}
	return admin
}

// postgresSchema makes a fresh schema in the PostgreSQL database of
// postgresAdmin and returns a database whose search_path is that schema,
// and its DSN; the schema is dropped when the test ends.
func postgresSchema(t *testing.T) (*sql.DB, string) {
	t.Helper()
	admin := postgresAdmin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	raw := make([]byte, 6)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	schema := "faketracker_" + hex.EncodeToString(raw)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema %s: %v", schema, err)
	}
	u, err := url.Parse(os.Getenv("CBSIM_POSTGRES_DSN"))
	if err != nil {
		t.Fatalf("CBSIM_POSTGRES_DSN is not a URL (postgres://user:pass@host:port/db): %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	return db, u.String()
}
