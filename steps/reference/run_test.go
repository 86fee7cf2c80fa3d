package reference_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/steps/reference"
)

// TestFeatures runs every bundled feature against in-process reference
// trackers, strict, each scenario as a subtest.
func TestFeatures(t *testing.T) {
	status := reference.Run(steps.SuiteOptions{T: t, Seed: 1, Format: "pretty", Output: os.Stdout, Concurrency: 1})
	if status != 0 {
		t.Fatalf("feature suite failed with status %d", status)
	}
}

// TestFeaturesConcurrently runs the bundled features four at a time (each
// scenario with its own world and tracker), under -race in make test.
func TestFeaturesConcurrently(t *testing.T) {
	var out bytes.Buffer
	if status := reference.Run(steps.SuiteOptions{Seed: 3, Format: "progress", Output: &out, Concurrency: 4}); status != 0 {
		t.Fatalf("feature suite with concurrency 4 failed with status %d:\n%s", status, out.String())
	}
}

// TestRunKeepsAGivenFactory runs a @reference scenario with a factory of
// the caller's: reference.Run leaves the factory as given, whose tracker
// cannot be configured, so the scenario is skipped (with the reason) and
// the run, which ran nothing, fails.
func TestRunKeepsAGivenFactory(t *testing.T) {
	feature := fstest.MapFS{"f.feature": {Data: []byte("Feature: f\n  @reference\n  Scenario: s\n    Given the tracker requires the postback token \"t\"\n")}}
	var out bytes.Buffer
	status := reference.Run(steps.SuiteOptions{Factory: steps.Shared{Tracker: steps.ObserveOnly{URL: "http://127.0.0.1:1/postback"}}, Features: feature, Output: &out})
	if status != 2 || !strings.Contains(out.String(), "cannot be configured") || !strings.Contains(out.String(), "no scenario ran") {
		t.Fatalf("reference.Run with a factory of the caller's = %d, want 2 with the scenario skipped and no scenario run:\n%s", status, out.String())
	}
}
