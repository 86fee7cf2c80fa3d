package steps

import (
	"strings"
	"testing"
)

// TestMethodNames: every catalog step is located at a World method of its
// own name, not at the closure that binds it.
func TestMethodNames(t *testing.T) {
	for _, s := range compiledCatalog() {
		if !strings.HasPrefix(s.method, "steps.(*World).") || strings.Contains(s.method, "func") {
			t.Errorf("%q is located at %q", s.Pattern, s.method)
		}
	}
}
