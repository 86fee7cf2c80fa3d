@restart
Feature: A tracker restart loses nothing
  The tracker's store is durable: what it recorded before a restart is still
  there after it, and postbacks keep arriving.

  Scenario: conversions survive a restart in the middle of a run
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and accepts only the first upsell
    And the tracker restarts
    And the buyer buys the front-end product
    Then every postback was delivered
    And the tracker recorded 5 conversions for the click
    And the payouts recorded are the affiliate earnings ClickBank sent
