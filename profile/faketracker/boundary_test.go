package faketracker

import (
	"go/build"
	"strings"
	"testing"
)

// TestImportsOnlyStdlibAndSQLite keeps the fakes independent: they may use
// the standard library and the SQLite driver, and nothing of this module
// (above all not the profiles they test) or of any other.
func TestImportsOnlyStdlibAndSQLite(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	imports := append(append(pkg.Imports, pkg.TestImports...), pkg.XTestImports...)
	for _, imp := range imports {
		if imp == "modernc.org/sqlite" || imp == "github.com/cbsim/cbsim/profile/faketracker" { // the examples import the package itself
			continue
		}
		if first, _, _ := strings.Cut(imp, "/"); strings.Contains(first, ".") {
			t.Errorf("imports %s: only the standard library and modernc.org/sqlite are allowed", imp)
		}
	}
}
