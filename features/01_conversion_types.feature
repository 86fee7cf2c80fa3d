@reference
Feature: Step 1 — the tracker has a conversion type for each ClickBank event
  ClickBank's Postback/Pixel feature sends three events: Order Form Impression,
  Initial Purchase and Upsell Purchase. The tracker needs a conversion type for
  each, and the postback's type= must equal its name exactly: case matters.

  Background:
    Given the tracker has the conversion types "OrderFormImpression", "InitialPurchase" and "UpsellPurchase"
    And an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the front-end product costs 100.00 USD with 50% commission
    And the first upsell costs 47.00 USD with 50% commission
    And a visitor clicks the affiliate campaign

  Scenario: every event is recorded under its own conversion type
    When the buyer buys the front-end product and accepts only the first upsell
    Then the tracker recorded these conversions for the click:
      | type                | payout |
      | OrderFormImpression | 0.00   |
      | InitialPurchase     | 45.75  |
      | UpsellPurchase      | 21.24  |

  Scenario: a type name with the wrong case is refused
    Given the affiliate integration sends "?clickid={tid}&sum={affiliate_earnings}&type=initialpurchase" for Initial Purchase
    When the buyer buys the front-end product and declines every upsell
    Then the tracker refused the Initial Purchase postback because of "type"
    And the tracker recorded 1 conversion for the click
    And the tracker recorded an "OrderFormImpression" conversion
