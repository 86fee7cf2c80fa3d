package features_test

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/cbsim/cbsim/features"
)

// vendorClick is the step that makes a scenario about a vendor's tracker:
// the visitor clicks the tracker's vendor campaign.
const vendorClick = "a visitor clicks the vendor campaign"

// TestVendorScenariosAreTagged keeps the @vendor tag true: a scenario (or
// an outline's example) carries it exactly when it clicks the vendor
// campaign, so `--tags '~@vendor'` runs what an affiliate's tracker must
// pass (a tracker whose click ids ClickBank's vtid cannot carry, such as
// Orbitra's UUIDs, fails the rest, naming why).
func TestVendorScenariosAreTagged(t *testing.T) {
	files, err := fs.Glob(features.FS, "*.feature")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bundled features: %v", err)
	}
	vendor := 0
	for _, name := range files {
		for _, p := range pickles(t, name) {
			tagged := slices.ContainsFunc(p.Tags, func(tag *messages.PickleTag) bool { return tag.Name == "@vendor" })
			clicks := slices.ContainsFunc(p.Steps, func(s *messages.PickleStep) bool { return strings.Contains(s.Text, vendorClick) })
			where := fmt.Sprintf("%s: scenario %q", name, p.Name)
			switch {
			case clicks && !tagged:
				t.Errorf("%s clicks the vendor campaign but is not tagged @vendor (tag it, or its Examples block)", where)
			case tagged && !clicks:
				t.Errorf("%s is tagged @vendor but never clicks the vendor campaign", where)
			}
			if tagged {
				vendor++
			}
		}
	}
	if vendor == 0 {
		t.Fatal("no scenario is tagged @vendor: the check above checked nothing")
	}
}

// pickles parses a bundled feature into its scenarios as godog runs them
// (an outline's examples expanded, tags inherited).
func pickles(t *testing.T, name string) []*messages.Pickle {
	t.Helper()
	b, err := fs.ReadFile(features.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	ids := (&messages.Incrementing{}).NewId
	doc, err := gherkin.ParseGherkinDocument(strings.NewReader(string(b)), ids)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return gherkin.Pickles(*doc, name, ids)
}
