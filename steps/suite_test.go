package steps_test

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/steps/reference"
)

// TestRunWithoutFactory fails a suite that has no tracker, runs nothing and
// says what to give instead.
func TestRunWithoutFactory(t *testing.T) {
	var out bytes.Buffer
	if status := steps.Run(steps.SuiteOptions{Output: &out}); status != 2 {
		t.Errorf("Run without a Factory = %d, want 2", status)
	}
	for _, want := range []string{"SuiteOptions.Factory is nil", "steps.Shared", "reference.Run"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("Run without a Factory wrote %q; want it to mention %q", out.String(), want)
		}
	}
	if strings.Contains(out.String(), "scenarios (") {
		t.Errorf("Run without a Factory ran scenarios:\n%s", out.String())
	}
}

func TestUndefinedStepFailsAndEmptySelectionFails(t *testing.T) {
	undefined := fstest.MapFS{"f.feature": {Data: []byte("Feature: f\n  Scenario: s\n    Given the moon is made of cheese\n")}}
	if status := reference.Run(steps.SuiteOptions{Features: undefined}); status == 0 {
		t.Error("a scenario with an undefined step passed: the suite is not strict")
	}
	if status := reference.Run(steps.SuiteOptions{Tags: "@no-such-tag"}); status == 0 {
		t.Error("a run that selected no scenario passed")
	}
}
