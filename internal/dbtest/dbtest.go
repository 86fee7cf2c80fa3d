// Package dbtest gives tests a scratch database on the PostgreSQL and
// MariaDB servers that CBSIM_POSTGRES_DSN and CBSIM_MARIADB_DSN name: a
// fresh schema (Postgres) or database (MariaDB) per call, dropped when the
// test ends, so tests share a server but never each other's tables.
//
// It is test support: import it from _test.go files only. It links the
// SQL drivers through package profile/sqldriver ("sqlite", "mysql",
// "pgx") and imports nothing else of this module, so that any package's
// tests, internal or external, can use it without an import cycle
// (boundary_test.go keeps it so).
//
// No server is started or installed here. Without the DSN variable, or
// with its server unreachable, a test that asks for a database is
// skipped with a message saying how to get one (.ci/postgres and
// .ci/mariadb start local servers and print the variables); with
// CBSIM_REQUIRE_POSTGRES=1 or CBSIM_REQUIRE_MARIADB=1 (CI sets them) it
// fails instead.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	_ "github.com/cbsim/cbsim/profile/sqldriver" // registers "sqlite", "mysql" and "pgx"
)

// timeout bounds each statement these helpers run on a server: the ping
// that decides whether it is there, and the CREATE and DROP of a scratch
// schema or database.
const timeout = 10 * time.Second

// Open opens a database with driver and closes it when the test ends.
func Open(t testing.TB, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s database: %v", driver, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// server is a database server the tests may find in the environment.
type server struct {
	name       string // for messages: PostgreSQL, MariaDB
	driver     string // database/sql driver name
	dsnEnv     string // the variable holding the DSN of its database
	requireEnv string // the variable that, set to 1, makes its absence fail a test
	script     string // the script in .ci that starts one and prints dsnEnv
	// derivable says why a scratch DSN cannot be made from a DSN, if so.
	derivable func(dsn string) error
}

var (
	postgres = server{"PostgreSQL", "pgx", "CBSIM_POSTGRES_DSN", "CBSIM_REQUIRE_POSTGRES", ".ci/postgres",
		func(dsn string) error { _, err := withSearchPath(dsn, ""); return err }}
	mariadb = server{"MariaDB", "mysql", "CBSIM_MARIADB_DSN", "CBSIM_REQUIRE_MARIADB", ".ci/mariadb",
		func(dsn string) error { _, err := mariadbConfig(dsn); return err }}
)

// unavailable says that s is not there: skip tells whether a test is to
// be skipped (or, with s's requireEnv=1, failed).
type unavailable struct {
	skip bool
	msg  string
}

// dsn returns s's DSN as getenv gives it, or why there is none.
func (s server) dsn(getenv func(string) string) (string, *unavailable) {
	required := getenv(s.requireEnv) == "1"
	dsn := getenv(s.dsnEnv)
	if dsn != "" {
		return dsn, nil
	}
	if required {
		return "", &unavailable{false, fmt.Sprintf("%s=1 but %s is not set (eval \"$(sudo %s)\" starts a %s server and sets it)", s.requireEnv, s.dsnEnv, s.script, s.name)}
	}
	return "", &unavailable{true, fmt.Sprintf("no %s server: set %s to a DSN of a scratch database (eval \"$(sudo %s)\" starts one) to run this test; %s=1 makes a missing server fail it", s.name, s.dsnEnv, s.script, s.requireEnv)}
}

// open opens dsn with s's driver and pings it; an unreachable server is
// to be skipped unless s's requireEnv is 1. The pool holds one
// connection, so that a temporary table is seen by every query.
func (s server) open(ctx context.Context, dsn string, getenv func(string) string) (*sql.DB, *unavailable) {
	db, err := sql.Open(s.driver, dsn)
	if err == nil {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		err = db.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		if getenv(s.requireEnv) == "1" {
			return nil, &unavailable{false, fmt.Sprintf("%s server of %s unreachable: %v", s.name, s.dsnEnv, err)}
		}
		return nil, &unavailable{true, fmt.Sprintf("%s server of %s unreachable (%v); %s=1 makes this fail", s.name, s.dsnEnv, err, s.requireEnv)}
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// admin opens the database of s's DSN, closed when the test ends, and
// returns it with the DSN; it skips or fails the test when there is none.
// For a scratch schema or database, a DSN that s.derivable rejects fails
// the test, required or not, before any connection is tried.
func (s server) admin(t testing.TB, scratch bool) (string, *sql.DB) {
	t.Helper()
	dsn, u := s.dsn(os.Getenv)
	if u == nil && scratch {
		if err := s.derivable(dsn); err != nil {
			t.Fatal(err)
		}
	}
	if u == nil {
		var db *sql.DB
		if db, u = s.open(context.Background(), dsn, os.Getenv); u == nil {
			t.Cleanup(func() { db.Close() })
			return dsn, db
		}
	}
	if u.skip {
		t.Skip(u.msg)
	}
	t.Fatal(u.msg)
	return "", nil
}

// scratchName returns prefix + "_" + 12 random hex digits: the name of a
// scratch schema or database.
func scratchName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24)
	return prefix + "_" + hex.EncodeToString(b)
}

// exec runs a statement with the package's timeout.
func exec(db *sql.DB, stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, err := db.ExecContext(ctx, stmt)
	return err
}
