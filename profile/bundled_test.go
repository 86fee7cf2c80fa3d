package profile

import (
	"strings"
	"testing"
)

// TestBundledParse: every bundled profile parses, carries its file's name,
// cites its sources, and a template (verified: false) says UNCONFIRMED
// where it guesses.
func TestBundledParse(t *testing.T) {
	want := []string{"binom", "cbsim", "everflow", "keitaro", "orbitra", "prosper202", "redtrack", "voluum"}
	got := Bundled()
	if len(got) != len(want) {
		t.Fatalf("%d bundled profiles, want %d", len(got), len(want))
	}
	for i, p := range got {
		if p.Name != want[i] {
			t.Errorf("bundled[%d] = %s, want %s", i, p.Name, want[i])
		}
		if len(p.Sources) == 0 || p.Title == "" || p.Doc == "" {
			t.Errorf("%s: sources %d, title %q, doc %q", p.Name, len(p.Sources), p.Title, p.Doc)
		}
		src, err := BundledSource(p.Name)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "cbsim" && p.Verified {
			t.Errorf("%s is marked verified; only the reference tracker is", p.Name)
		}
		switch p.Name {
		case "voluum", "keitaro", "binom", "everflow", "redtrack":
			if !strings.Contains(string(src), "UNCONFIRMED") {
				t.Errorf("%s: a template from public docs must mark what it guesses UNCONFIRMED", p.Name)
			}
		}
	}
	if p, err := Load(DefaultName); err != nil || p.Name != DefaultName {
		t.Errorf("Load(%q) = %v, %v", DefaultName, p, err)
	}
}
