package tracker_test

import (
	"go/build"
	"strings"
	"testing"
)

// TestSharesNoCodeWithSimulator guards the house rule: the reference
// tracker and the simulator meet only over HTTP, so no package of tracker/
// may import simulator/, directly or through another package of the module.
func TestSharesNoCodeWithSimulator(t *testing.T) {
	const module = "github.com/cbsim/cbsim/"
	seen := map[string]bool{}
	var walk func(path, via string)
	walk = func(path, via string) {
		if seen[path] {
			return
		}
		seen[path] = true
		if strings.HasPrefix(path, module+"simulator") {
			t.Errorf("%s imports %s", via, path)
			return
		}
		pkg, err := build.Import(path, ".", 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			if strings.HasPrefix(imp, module) {
				walk(imp, path)
			}
		}
	}
	walk(module+"tracker", "")
	walk(module+"tracker/redtrack", "")
	if len(seen) < 2 {
		t.Fatal("walked no packages")
	}
}
