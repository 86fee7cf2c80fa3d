package faketracker

import (
	"database/sql"
	"testing"

	"github.com/cbsim/cbsim/internal/dbtest"
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
		_, db := dbtest.Postgres(t)
		return db
	}, func(t *testing.T) { dbtest.PostgresAdmin(t) }},
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
