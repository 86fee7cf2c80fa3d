package profile

import (
	"go/build"
	"strings"
	"testing"
)

// TestImportsNoHarness: package profile describes trackers declaratively
// and meets them only over HTTP and SQL, so it imports none of the
// harness (steps), the simulator, the reference tracker or the RedTrack
// client, directly or through another package of the module; and it does
// not link the SQL drivers itself (package sqldriver does).
func TestImportsNoHarness(t *testing.T) {
	const module = "github.com/cbsim/cbsim/"
	forbidden := []string{"steps", "simulator", "tracker", "redtrack", "cmd"}
	drivers := []string{"modernc.org/sqlite", "github.com/go-sql-driver/mysql", "github.com/jackc/pgx"}
	seen := map[string]bool{}
	var walk func(path, via string)
	walk = func(path, via string) {
		if seen[path] {
			return
		}
		seen[path] = true
		pkg, err := build.Import(path, ".", 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			for _, d := range drivers {
				if strings.HasPrefix(imp, d) {
					t.Errorf("%s imports the driver %s; only profile/sqldriver may", path, imp)
				}
			}
			rest, ok := strings.CutPrefix(imp, module)
			if !ok {
				continue
			}
			for _, f := range forbidden {
				if rest == f || strings.HasPrefix(rest, f+"/") {
					t.Errorf("%s imports %s (via %s)", path, imp, via)
				}
			}
			walk(imp, path)
		}
	}
	walk(module+"profile", "")
}
