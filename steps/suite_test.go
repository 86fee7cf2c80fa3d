package steps_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
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

// TestSecretsAreMasked: the URLs a failure message quotes carry the
// postback token; with the token among SuiteOptions.Secrets, no report
// shows it — to Output or to a file — and each shows *** in its place.
// Without Secrets the same run shows it, so the test can fail.
func TestSecretsAreMasked(t *testing.T) {
	const token = "s3cret-tok"
	feature := fstest.MapFS{"f.feature": {Data: []byte(`Feature: f
  Scenario: a failure quotes the URL
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the affiliate integration sends "?clickid={tid}&sum={affiliate_earnings}&ptoken=` + token + `&type=InitialPurchase" for Initial Purchase
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the Initial Purchase postback has cur=XYZ
`)}}
	for _, masked := range []bool{true, false} {
		t.Run(fmt.Sprintf("masked=%v", masked), func(t *testing.T) {
			dir := t.TempDir()
			junit, cuke := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "cucumber.json")
			o := steps.SuiteOptions{Features: feature, Format: "pretty,progress,junit:" + junit + ",cucumber:" + cuke, Output: &bytes.Buffer{}}
			if masked {
				o.Secrets = []string{token}
			}
			if status := reference.Run(o); status != 1 {
				t.Fatalf("status %d, want 1 (the scenario fails)", status)
			}
			reports := map[string]string{"Output": o.Output.(*bytes.Buffer).String()}
			for _, f := range []string{junit, cuke} {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				reports[filepath.Base(f)] = string(data)
			}
			for name, text := range reports {
				if shown := strings.Contains(text, token); shown == masked {
					t.Errorf("%s shows the token: %v, want %v:\n%s", name, shown, !masked, text)
				}
				if masked && !strings.Contains(text, "ptoken=***") {
					t.Errorf("%s does not show ptoken=***:\n%s", name, text)
				}
			}
		})
	}
}
