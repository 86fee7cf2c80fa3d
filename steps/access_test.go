package steps_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cucumber/godog"

	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/steps/reference"
)

// TestWorldFromInCustomSteps: a step of one's own, registered beside the
// library's, reaches the scenario's click id and what ClickBank sent.
func TestWorldFromInCustomSteps(t *testing.T) {
	feature := `Feature: custom steps
  Scenario: my step sees what the library did
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then my step sees the click id in every postback
`
	var saw []string
	suite := godog.TestSuite{
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			steps.Register(sc, reference.Factory{}, steps.Options{})
			sc.Step(`^my step sees the click id in every postback$`, func(ctx context.Context) error {
				w := steps.WorldFrom(ctx)
				if w == nil {
					return fmt.Errorf("no World in the step's context")
				}
				id, err := w.ClickID()
				if err != nil {
					return err
				}
				for _, d := range w.Deliveries() {
					if d.Skipped == "" && !strings.Contains(d.URL, "clickid="+id) {
						return fmt.Errorf("postback %s lacks clickid=%s", d.URL, id)
					}
					saw = append(saw, d.URL)
				}
				return nil
			})
		},
		Options: &godog.Options{Format: "progress", Output: io.Discard, Paths: []string{"."}, Strict: true,
			FS: fstest.MapFS{"custom.feature": {Data: []byte(feature)}}},
	}
	if status := suite.Run(); status != 0 {
		t.Fatalf("suite status %d", status)
	}
	if len(saw) == 0 {
		t.Fatal("the custom step saw no postback")
	}
	if steps.WorldFrom(context.Background()) != nil {
		t.Error("WorldFrom outside a scenario is not nil")
	}
}
