package steps_test

import (
	"context"
	"io"
	"testing"
	"testing/fstest"

	"github.com/cucumber/godog"

	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/steps/reference"
)

// runFeature runs one feature against in-process reference trackers and
// returns godog's status (0 when every scenario passed); extra registers
// steps of the test's own.
func runFeature(t *testing.T, feature string, extra func(*godog.ScenarioContext)) int {
	t.Helper()
	suite := godog.TestSuite{
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			steps.Register(sc, reference.Factory{}, steps.Options{})
			if extra != nil {
				extra(sc)
			}
		},
		Options: &godog.Options{Format: "progress", Output: io.Discard, Paths: []string{"."}, Strict: true,
			FS: fstest.MapFS{"t.feature": {Data: []byte(feature)}}},
	}
	return suite.Run()
}

const buysWithoutZip = `Feature: trust
  Scenario: s
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the affiliate integration sends "?clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase" for Initial Purchase
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
`

// TestStepsDoNotPassVacuously: each of these used to pass (or would) while
// proving nothing; each must fail.
func TestStepsDoNotPassVacuously(t *testing.T) {
	for name, feature := range map[string]string{
		"EmptyIsNotAbsent": buysWithoutZip + "    Then the Initial Purchase postback has zip=empty\n",
		"NoIntegrationOfThatRole": `Feature: trust
  Scenario: s
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then ClickBank sent no vendor postback because "test-card orders fire no affiliate postbacks"
`,
		"WrongReason": `Feature: trust
  Scenario: s
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    And the buyer pays with a test card
    When the buyer buys the front-end product
    Then ClickBank sent no affiliate postback because "the moon is full"
`,
		"SameEventIDWithoutRetry": buysWithoutZip + "    Then every attempt carried the same eventid\n",
		"NoEventPostbackWithoutIntegration": `Feature: trust
  Scenario: s
    Then ClickBank sent no Upsell Purchase postback
`,
		"RecordedNoTypeThatWasRecorded": buysWithoutZip + "    Then the tracker recorded no \"InitialPurchase\" conversion\n",
	} {
		t.Run(name, func(t *testing.T) {
			if status := runFeature(t, feature, nil); status == 0 {
				t.Fatalf("the scenario passed; it must fail:\n%s", feature)
			}
		})
	}
}

// TestNewSentences: the sentences a QA reached for, passing where they
// should.
func TestNewSentences(t *testing.T) {
	feature := buysWithoutZip + `    Then the Initial Purchase postback has no zip parameter
    And ClickBank sent no Upsell Purchase postback

  Scenario: an upsell's price
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the first upsell costs 10.00 USD with 50% commission
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and accepts only the first upsell
    Then the Upsell Purchase postback has sum=4.13
    And the tracker recorded an "UpsellPurchase" conversion with payout 4.13

  Scenario: a currency's rate
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And ClickBank converts EUR at 2.00 USD
    And the front-end product costs 10.00 EUR with 50% commission
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the Initial Purchase postback has sum=8.75
`
	if status := runFeature(t, feature, nil); status != 0 {
		t.Fatalf("status %d", status)
	}
}

// TestSeedInAFeature: two scenarios that seed ClickBank alike get the same
// receipts; without the step, their names make them differ.
func TestSeedInAFeature(t *testing.T) {
	scenario := func(name, seed string) string {
		return "  Scenario: " + name + "\n" + seed +
			"    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}\n" +
			"    And a visitor clicks the affiliate campaign\n" +
			"    When the buyer buys the front-end product\n" +
			"    Then I note the receipt\n"
	}
	for _, c := range []struct {
		seed string
		same bool
	}{
		{"    Given ClickBank's random choices use seed 42\n", true},
		{"", false},
	} {
		var receipts []string
		status := runFeature(t, "Feature: seeds\n"+scenario("one", c.seed)+scenario("two", c.seed), func(sc *godog.ScenarioContext) {
			sc.Step(`^I note the receipt$`, func(ctx context.Context) {
				for _, e := range steps.WorldFrom(ctx).Events() {
					if e.Receipt != "" {
						receipts = append(receipts, e.Receipt)
						return
					}
				}
			})
		})
		if status != 0 || len(receipts) != 2 {
			t.Fatalf("status %d, receipts %v", status, receipts)
		}
		if (receipts[0] == receipts[1]) != c.same {
			t.Errorf("seed step %q: receipts %v; want them equal: %v", c.seed, receipts, c.same)
		}
	}
}

// TestRefusedWithTokenInQuery: the reference tracker's rejections log masks
// the values of ptoken and api_key; the step that finds a refused postback
// in it must compare the query sent masked the same way, or a refused
// postback that carries a token is never found.
func TestRefusedWithTokenInQuery(t *testing.T) {
	const feature = `Feature: token
  Scenario: a wrong token is refused
    Given the tracker requires the postback token "s3cret"
    And an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the affiliate integration sends "?clickid={tid}&sum={affiliate_earnings}&ptoken=wrong-token&api_key=k3y&type=OrderFormImpression" for Order Form Impression
    And a visitor clicks the affiliate campaign
    When the buyer opens the order form and leaves
    Then the tracker refused the postback because of "ptoken"
`
	if status := runFeature(t, feature, nil); status != 0 {
		t.Fatalf("status %d: the refused postback was not found in the rejections log", status)
	}
}
