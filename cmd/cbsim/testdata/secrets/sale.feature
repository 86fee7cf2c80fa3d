Feature: a sale reaches a keyed, token-protected tracker
  The tracker refuses a postback without its token: this scenario passes
  only when cbsim test was given the token.

  Scenario: an affiliate sale is recorded
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then every postback was delivered
    And the tracker recorded 2 conversions for the click
