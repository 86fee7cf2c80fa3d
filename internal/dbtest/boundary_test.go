package dbtest

import (
	"go/build"
	"strings"
	"testing"
)

// TestImportsOnlySQLDriver: any package's internal tests may import
// dbtest, so of this module it imports profile/sqldriver alone, and that
// imports nothing of the module: otherwise a package it reached could not
// use it in its own tests without an import cycle.
func TestImportsOnlySQLDriver(t *testing.T) {
	const module = "github.com/cbsim/cbsim/"
	for path, allowed := range map[string]string{
		module + "internal/dbtest":   module + "profile/sqldriver",
		module + "profile/sqldriver": "",
	} {
		pkg, err := build.Import(path, ".", 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			if strings.HasPrefix(imp, module) && imp != allowed {
				t.Errorf("%s imports %s; dbtest may reach only profile/sqldriver of this module", path, imp)
			}
		}
	}
}
