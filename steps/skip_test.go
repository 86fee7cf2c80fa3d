package steps

import (
	"strings"
	"testing"
)

// TestStepNeeds pins what each kind of step needs of the tracker: the
// tracker setup steps a Configurable, the restart a Restarter, the steps
// that read the tracker's records a reporting API (not "refused", which
// falls back to the HTTP reply), the INS steps a tracker that takes INS
// (and a reporting API for those that read its records), and nothing else
// anything.
func TestStepNeeds(t *testing.T) {
	seen := map[need]bool{}
	for _, s := range Catalog() {
		line, _, _ := strings.Cut(s.Example, "\n")
		_, text, _ := strings.Cut(line, " ")
		want := need(0)
		switch {
		case s.Group == "Tracker setup":
			want = needConfigure
		case s.Group == "INS" && (strings.HasPrefix(text, "the tracker recorded") || text == "the purchase's conversion is reversed"):
			want = needINS | needReport
		case s.Group == "INS":
			want = needINS
		case text == "the tracker restarts":
			want = needRestart
		case s.Group == "What the tracker recorded" && !strings.HasPrefix(text, "the tracker refused"):
			want = needReport
		}
		if got := stepNeeds(text); got != want {
			t.Errorf("%q needs %b, want %b", text, got, want)
		}
		seen[want] = true
	}
	for _, n := range []need{0, needConfigure, needRestart, needReport, needINS, needINS | needReport} {
		if !seen[n] {
			t.Errorf("no catalog step needs %b: the sentences needsOf knows by name were renamed", n)
		}
	}
	if n := stepNeeds("the moon is made of cheese"); n != 0 {
		t.Errorf("an undefined step needs %b", n)
	}
}

// TestMethodNames: every catalog step is located at a World method of its
// own name, not at the closure that binds it.
func TestMethodNames(t *testing.T) {
	for _, s := range compiledCatalog() {
		if !strings.HasPrefix(s.method, "steps.(*World).") || strings.Contains(s.method, "func") {
			t.Errorf("%q is located at %q", s.Pattern, s.method)
		}
	}
}
