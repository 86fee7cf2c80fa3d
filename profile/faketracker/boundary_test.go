package faketracker

import (
	"go/build"
	"strings"
	"testing"
)

// TestImportsOnlyStdlibAndSQLite keeps the fakes independent: they may use
// the standard library and the SQLite driver, and nothing of this module
// (above all not the profiles they test) or of any other. Their tests may
// also import internal/dbtest (which reaches nothing of this module but
// profile/sqldriver, and so links the PostgreSQL and MySQL drivers), to
// hand a fake a Postgres database (OrbitraOptions.DB) or a MariaDB one
// (Prosper202Options.DB); the fakes themselves never open one.
func TestImportsOnlyStdlibAndSQLite(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	check := func(imports []string, allowed ...string) {
		for _, imp := range imports {
			if imp == "modernc.org/sqlite" || imp == "github.com/cbsim/cbsim/profile/faketracker" { // the examples import the package itself
				continue
			}
			ok := false
			for _, a := range allowed {
				ok = ok || imp == a
			}
			if first, _, _ := strings.Cut(imp, "/"); strings.Contains(first, ".") && !ok {
				t.Errorf("imports %s: only the standard library and modernc.org/sqlite are allowed (and %v in tests)", imp, allowed)
			}
		}
	}
	check(pkg.Imports)
	check(append(pkg.TestImports, pkg.XTestImports...), "github.com/cbsim/cbsim/internal/dbtest")
}
