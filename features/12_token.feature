@reference
Feature: The postback protection token
  With a ptoken set on the offer source, the tracker refuses postbacks
  without it: the integration's URLs must carry it.

  Scenario: a postback without the token is refused
    Given the tracker requires the postback token "s3cret"
    And an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer opens the order form and leaves
    Then the tracker refused the postback because of "ptoken"
    And the tracker recorded no conversion for the click

  Scenario: a postback with the token is recorded
    Given the tracker requires the postback token "s3cret"
    And an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the affiliate integration sends "?clickid={tid}&sum={affiliate_earnings}&ptoken=s3cret&type=InitialPurchase" for Initial Purchase
    And the front-end product costs 100.00 USD with 50% commission
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the tracker recorded an "InitialPurchase" conversion with payout 45.75
