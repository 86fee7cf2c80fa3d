package tracker_test

import (
	"go/build"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// TestSharesNoCodeWithSimulator guards the house rule: the reference
// tracker and the simulator meet only over HTTP, so no package of tracker/
// may import simulator/, directly or through another package of the module.
// Their tests are held to the same rule for what they link from the module,
// such as the RedTrack client (package redtrack) that reads the tracker back.
// The simulator side's helpers are off limits too: the tracker masks its
// secrets in its logs with lines of its own, not with internal/redact.
func TestSharesNoCodeWithSimulator(t *testing.T) {
	const module = "github.com/cbsim/cbsim/"
	seen := map[string]bool{}
	var walk func(path, via string)
	walk = func(path, via string) {
		if seen[path] {
			return
		}
		seen[path] = true
		if strings.HasPrefix(path, module+"simulator") || path == module+"internal/redact" {
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
	var trackerPkgs []*build.Package
	err := filepath.WalkDir(".", func(dir string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if d.Name() == "testdata" || (dir != "." && strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(dir, 0)
		if _, none := err.(*build.NoGoError); none {
			return nil
		}
		if err != nil {
			return err
		}
		pkg.ImportPath = path.Join(module+"tracker", filepath.ToSlash(dir))
		trackerPkgs = append(trackerPkgs, pkg)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range trackerPkgs {
		walk(pkg.ImportPath, "")
	}
	for _, pkg := range trackerPkgs {
		for _, imp := range append(pkg.TestImports, pkg.XTestImports...) {
			if strings.HasPrefix(imp, module) {
				walk(imp, pkg.ImportPath+" (tests)")
			}
		}
	}
	if len(trackerPkgs) == 0 || !seen[module+"tracker"] || len(seen) < 2 {
		t.Fatalf("walked %d packages of tracker/ and %d in all: the walk is broken", len(trackerPkgs), len(seen))
	}
}
