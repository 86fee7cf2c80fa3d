package steps

import (
	"bytes"
	"os"
	"testing"
)

// TestFeatures runs every bundled feature against in-process reference
// trackers, strict, each scenario as a subtest.
func TestFeatures(t *testing.T) {
	status := Run(SuiteOptions{T: t, Seed: 1, Format: "pretty", Output: os.Stdout, Concurrency: 1})
	if status != 0 {
		t.Fatalf("feature suite failed with status %d", status)
	}
}

// TestFeaturesConcurrently runs the bundled features four at a time (each
// scenario with its own world and tracker), under -race in make test.
func TestFeaturesConcurrently(t *testing.T) {
	var out bytes.Buffer
	if status := Run(SuiteOptions{Seed: 3, Format: "progress", Output: &out, Concurrency: 4}); status != 0 {
		t.Fatalf("feature suite with concurrency 4 failed with status %d:\n%s", status, out.String())
	}
}
