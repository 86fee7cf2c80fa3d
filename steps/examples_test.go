package steps_test

import (
	"fmt"
	"io"
	"testing/fstest"

	"github.com/cucumber/godog"

	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/steps/reference"
)

// Run features against the trackers a factory gives: here an in-process
// reference tracker per scenario (package steps/reference); for a tracker
// under test, steps.Shared{Tracker: &steps.RedTrack{...}}.
func ExampleRun() {
	feature := fstest.MapFS{"mapping.feature": {Data: []byte(`Feature: affiliate mapping
  Scenario: the sale's commission reaches the tracker
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the Initial Purchase postback has clickid=the click id
    And the tracker recorded an "InitialPurchase" conversion with payout 45.75
`)}}
	status := steps.Run(steps.SuiteOptions{Factory: reference.Factory{}, Features: feature, Output: io.Discard})
	fmt.Println("status", status)
	// Output: status 0
}

// Register the steps in a godog suite of your own, next to your steps.
func ExampleRegister() {
	trk := &steps.RedTrack{TrackingURL: "http://127.0.0.1:8800", APIKey: "K"}
	suite := godog.TestSuite{
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			steps.Register(sc, steps.Shared{Tracker: trk}, steps.Options{})
			// sc.Step(`^my own step$`, myStep)
		},
		Options: &godog.Options{Format: "pretty", Paths: []string{"features"}, Strict: true},
	}
	_ = suite // suite.Run() in a test of yours
}
