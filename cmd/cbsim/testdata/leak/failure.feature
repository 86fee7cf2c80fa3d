Feature: a failure quotes what ClickBank sent
  The journal of the scenario, with every postback URL (each carries the
  postback token), is in the failure message.

  Scenario: the count of postbacks is wrong
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then ClickBank sent 9 postbacks
