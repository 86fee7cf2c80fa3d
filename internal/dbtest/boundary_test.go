package dbtest

import (
	"go/build"
	"strings"
	"testing"
)

// TestImportsOnlySQLDriver: any package's internal tests may import
// dbtest, so it imports nothing of this module but profile/sqldriver
// (which links the drivers and imports nothing of the module), directly or
// through another package: otherwise a package it reached could not use it
// in its own tests without an import cycle.
func TestImportsOnlySQLDriver(t *testing.T) {
	const module = "github.com/cbsim/cbsim/"
	allowed := map[string]bool{module + "internal/dbtest": true, module + "profile/sqldriver": true}
	seen := map[string]bool{}
	var walk func(path string)
	walk = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		pkg, err := build.Import(path, ".", 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			if strings.HasPrefix(imp, module) {
				if !allowed[imp] {
					t.Errorf("%s imports %s; dbtest may reach only profile/sqldriver of this module", path, imp)
				}
				walk(imp)
			}
		}
	}
	walk(module + "internal/dbtest")
}
