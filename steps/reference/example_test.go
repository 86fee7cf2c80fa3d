package reference_test

import (
	"fmt"
	"io"
	"testing/fstest"

	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/steps/reference"
)

// Run a feature against in-process reference trackers, one per scenario,
// as `cbsim test` does without --tracker. The scenario configures the
// tracker, so it runs only where the tracker is cbsim's reference tracker.
func ExampleRun() {
	feature := fstest.MapFS{"types.feature": {Data: []byte(`Feature: conversion types
  @reference
  Scenario: the purchase is recorded under the configured type
    Given the tracker has the conversion type "InitialPurchase"
    And an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the tracker recorded an "InitialPurchase" conversion with payout 45.75
`)}}
	status := reference.Run(steps.SuiteOptions{Features: feature, Output: io.Discard})
	fmt.Println("status", status)
	// Output: status 0
}
