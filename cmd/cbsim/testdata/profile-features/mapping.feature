Feature: the affiliate's click id and sum arrive through a tracker profile
  One mapping scenario, run by cbsim test --profile against the fakes of
  other trackers (cmd/cbsim/profile_test.go).

  Scenario: an affiliate's Initial Purchase is recorded with the affiliate's earnings
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the front-end product costs 100.00 USD with 50% commission
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the Initial Purchase postback has clickid=the click id
    And the Initial Purchase postback has sum=45.75
    And the payouts recorded are the affiliate earnings ClickBank sent
