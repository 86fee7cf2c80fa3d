package faketracker

import (
	"strings"
	"testing"
)

func TestOrbitraDialectRebind(t *testing.T) {
	cases := []struct {
		dialect OrbitraDialect
		query   string
		want    string
	}{
		{DialectSQLite, "SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = ? AND c = ?"},
		{DialectPostgres, "SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = $1 AND c = $2"},
		{DialectPostgres, "SELECT 1", "SELECT 1"},
		{DialectPostgres, "LIMIT ? OFFSET ?", "LIMIT $1 OFFSET $2"},
	}
	for _, tc := range cases {
		if got := tc.dialect.rebind(tc.query); got != tc.want {
			t.Errorf("%s.rebind(%q) = %q, want %q", tc.dialect, tc.query, got, tc.want)
		}
	}
}

// TestOrbitraDialectSchemas: both schemas create the same tables, one
// statement each, so a profile's query finds the same columns in either.
func TestOrbitraDialectSchemas(t *testing.T) {
	sqlite, pg := DialectSQLite.schema(), DialectPostgres.schema()
	if len(sqlite) != len(pg) || len(sqlite) < 10 {
		t.Fatalf("%d SQLite statements, %d Postgres ones; want the same number, at least 10", len(sqlite), len(pg))
	}
	for i := range sqlite {
		if name(sqlite[i]) != name(pg[i]) {
			t.Errorf("statement %d: SQLite %q, Postgres %q", i, name(sqlite[i]), name(pg[i]))
		}
		if columns(sqlite[i]) != columns(pg[i]) {
			t.Errorf("%s: SQLite columns %s, Postgres %s", name(sqlite[i]), columns(sqlite[i]), columns(pg[i]))
		}
	}
}

// name is a CREATE statement up to its first "(".
func name(stmt string) string {
	n, _, _ := strings.Cut(stmt, "(")
	return strings.TrimSpace(n)
}

// columns is a CREATE TABLE's column names (the first word of each
// line that is not a constraint), space-separated.
func columns(stmt string) string {
	var out []string
	for _, line := range strings.Split(stmt, "\n")[1:] {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] == ")" || strings.HasPrefix(f[0], "UNIQUE") || f[0] == "FOREIGN" {
			continue
		}
		out = append(out, f[0])
	}
	return strings.Join(out, " ")
}
