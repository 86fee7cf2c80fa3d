package steps

import (
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
