package dbtest

import (
	"database/sql"
	"strings"
	"testing"
)

// exists reports whether query (one ? or $1 placeholder for name) finds a row.
func exists(t *testing.T, db *sql.DB, query, name string) bool {
	t.Helper()
	var n int
	if err := db.QueryRow(query, name).Scan(&n); err != nil {
		t.Fatalf("%s [%s]: %v", query, name, err)
	}
	return n > 0
}

// TestPostgres: a schema of its own, the DSN's search_path, tables made
// there through the returned database, and the schema gone (with its
// tables) once the test that asked for it has ended.
func TestPostgres(t *testing.T) {
	admin := PostgresAdmin(t)
	const schemaExists = "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1"
	var schema string
	t.Run("scratch", func(t *testing.T) {
		dsn, db := Postgres(t)
		if err := db.QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(schema, "dbtest_") || !strings.Contains(dsn, "search_path="+schema) {
			t.Fatalf("current schema %q, DSN search_path %q: want the same dbtest_ schema", schema, dsn)
		}
		if _, err := db.Exec("CREATE TABLE t (id INT)"); err != nil {
			t.Fatal(err)
		}
		if !exists(t, admin, "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = 't'", schema) {
			t.Errorf("table t is not in schema %s", schema)
		}
		_, other := Postgres(t)
		var schema2 string
		if err := other.QueryRow("SELECT current_schema()").Scan(&schema2); err != nil || schema2 == schema {
			t.Errorf("a second call's schema = %q, %v; want another than %q", schema2, err, schema)
		}
	})
	if schema != "" && exists(t, admin, schemaExists, schema) {
		t.Errorf("schema %s outlived its test", schema)
	}
}

// TestMariaDB: a database named after the DSN's, tables made there
// through the returned database, and the database gone once the test that
// asked for it has ended.
func TestMariaDB(t *testing.T) {
	admin := MariaDBAdmin(t)
	var shared string
	if err := admin.QueryRow("SELECT DATABASE()").Scan(&shared); err != nil {
		t.Fatal(err)
	}
	const dbExists = "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?"
	var name string
	t.Run("scratch", func(t *testing.T) {
		dsn, db := MariaDB(t)
		if err := db.QueryRow("SELECT DATABASE()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, shared+"_") || !strings.Contains(dsn, "/"+name) {
			t.Fatalf("database %q (DSN %q): want %s_ and 12 hex digits, named in the DSN", name, dsn, shared)
		}
		if _, err := db.Exec("CREATE TABLE t (id INT)"); err != nil {
			t.Fatal(err)
		}
		if !exists(t, admin, "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 't'", name) {
			t.Errorf("table t is not in database %s", name)
		}
	})
	if name != "" && exists(t, admin, dbExists, name) {
		t.Errorf("database %s outlived its test", name)
	}
}

// TestAdminOneConnection: the shared database comes with a pool of one
// connection, so that a temporary table is seen by every later query.
func TestAdminOneConnection(t *testing.T) {
	for _, c := range []struct {
		name  string
		admin func(testing.TB) *sql.DB
	}{{"postgres", PostgresAdmin}, {"mariadb", MariaDBAdmin}} {
		t.Run(c.name, func(t *testing.T) {
			db := c.admin(t)
			if n := db.Stats().MaxOpenConnections; n != 1 {
				t.Errorf("MaxOpenConnections = %d, want 1", n)
			}
			for _, s := range []string{"CREATE TEMPORARY TABLE dbtest_tmp (id INT)", "INSERT INTO dbtest_tmp VALUES (1)"} {
				if _, err := db.Exec(s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			var n int
			if err := db.QueryRow("SELECT count(*) FROM dbtest_tmp").Scan(&n); err != nil || n != 1 {
				t.Errorf("count of the temporary table = %d, %v; want 1", n, err)
			}
		})
	}
}
