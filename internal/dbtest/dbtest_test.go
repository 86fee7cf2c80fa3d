package dbtest

import (
	"context"
	"strings"
	"testing"
)

// env is a getenv over a map.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// TestUnavailable: without a DSN, or with its server unreachable, a test
// is skipped with a message naming the variables and the .ci script, and
// failed instead when the require variable is 1 (only 1); a DSN's
// password never shows in the message.
func TestUnavailable(t *testing.T) {
	const pw = "s3cret-pw"
	unreachable := map[string]string{ // nothing listens on port 1
		postgres.dsnEnv: "postgres://cbsim:" + pw + "@127.0.0.1:1/cbsim?sslmode=disable&connect_timeout=5",
		mariadb.dsnEnv:  "cbsim:" + pw + "@tcp(127.0.0.1:1)/cbsim?timeout=5s",
	}
	for _, s := range []server{postgres, mariadb} {
		cases := []struct {
			name     string
			env      map[string]string
			skip     bool
			contains []string
		}{
			{"unset", nil, true, []string{"no " + s.name + " server", s.dsnEnv, s.script, s.requireEnv + "=1 makes a missing server fail it"}},
			{"unset, require=true", map[string]string{s.requireEnv: "true"}, true, []string{"no " + s.name + " server"}},
			{"unset, required", map[string]string{s.requireEnv: "1"}, false, []string{s.requireEnv + "=1 but " + s.dsnEnv + " is not set", s.script}},
			{"unreachable", map[string]string{s.dsnEnv: unreachable[s.dsnEnv]}, true, []string{s.name + " server of " + s.dsnEnv + " unreachable", s.requireEnv + "=1 makes this fail"}},
			{"unreachable, required", map[string]string{s.dsnEnv: unreachable[s.dsnEnv], s.requireEnv: "1"}, false, []string{s.name + " server of " + s.dsnEnv + " unreachable: "}},
		}
		for _, c := range cases {
			t.Run(s.name+"/"+c.name, func(t *testing.T) {
				getenv := env(c.env)
				dsn, u := s.dsn(getenv)
				if u == nil {
					var db interface{ Close() error }
					if db, u = s.open(context.Background(), dsn, getenv); u == nil {
						db.Close()
						t.Fatalf("%s reached a server at %s", s.name, dsn)
					}
				}
				if u.skip != c.skip {
					t.Errorf("skip = %t, want %t (%s)", u.skip, c.skip, u.msg)
				}
				for _, w := range c.contains {
					if !strings.Contains(u.msg, w) {
						t.Errorf("message %q lacks %q", u.msg, w)
					}
				}
				if strings.Contains(u.msg, pw) {
					t.Errorf("message %q shows the password", u.msg)
				}
			})
		}
	}
}

func TestWithSearchPath(t *testing.T) {
	cases := []struct {
		raw, schema, want, err string
	}{
		{"postgres://u:p@127.0.0.1:5432/db?sslmode=disable", "s1", "postgres://u:p@127.0.0.1:5432/db?search_path=s1&sslmode=disable", ""},
		{"postgresql://u@h/db?search_path=old", "s2", "postgresql://u@h/db?search_path=s2", ""},
		{"postgres://u@h/db", "", "postgres://u@h/db", ""},
		{"host=127.0.0.1 user=u dbname=db", "s", "", `CBSIM_POSTGRES_DSN is not a URL (postgres://user:pass@host:port/db): scheme ""`},
		{"postgres://u:pw%zz@h/db", "s", "", "CBSIM_POSTGRES_DSN is not a URL (postgres://user:pass@host:port/db): invalid URL escape"},
	}
	for _, c := range cases {
		got, err := withSearchPath(c.raw, c.schema)
		switch {
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("withSearchPath(%q, %q) = %q, %v; want %q", c.raw, c.schema, got, err, c.want)
		case c.err != "" && (err == nil || !strings.HasPrefix(err.Error(), c.err)):
			t.Errorf("withSearchPath(%q, %q) = %q, %v; want the error %q", c.raw, c.schema, got, err, c.err)
		case err != nil && strings.Contains(err.Error(), "pw"):
			t.Errorf("withSearchPath(%q): error %q shows the password", c.raw, err)
		}
	}
}

func TestMariaDBConfig(t *testing.T) {
	cases := []struct{ raw, db, err string }{
		{"u:p@tcp(127.0.0.1:3306)/cbsim", "cbsim", ""},
		{"u:p@tcp(127.0.0.1:3306)/cbsim?parseTime=true", "cbsim", ""},
		{"u:p@tcp(127.0.0.1:3306)/", "", "CBSIM_MARIADB_DSN is not a MySQL DSN naming a database (user:pass@tcp(host:port)/db): no database"},
		{"u:p@tcp(127.0.0.1:3306)", "", "CBSIM_MARIADB_DSN is not a MySQL DSN naming a database (user:pass@tcp(host:port)/db): invalid DSN"},
	}
	for _, c := range cases {
		cfg, err := mariadbConfig(c.raw)
		switch {
		case c.err == "" && (err != nil || cfg.DBName != c.db):
			t.Errorf("mariadbConfig(%q) = %+v, %v; want database %q", c.raw, cfg, err, c.db)
		case c.err != "" && (err == nil || !strings.HasPrefix(err.Error(), c.err)):
			t.Errorf("mariadbConfig(%q) = %+v, %v; want the error %q", c.raw, cfg, err, c.err)
		}
	}
}

func TestScratchName(t *testing.T) {
	a, b := scratchName("cbsim"), scratchName("cbsim")
	if len(a) != len("cbsim_")+12 || !strings.HasPrefix(a, "cbsim_") || strings.Trim(a[6:], "0123456789abcdef") != "" {
		t.Errorf("scratchName(cbsim) = %q, want cbsim_ and 12 hex digits", a)
	}
	if a == b {
		t.Errorf("two scratch names are both %q", a)
	}
}
