@core
Feature: Upsell chains
  Every upsell is a purchase of its own: a new receipt linked to the first
  one, the same order id, its own conversion.

  Background:
    Given the front-end product costs 100.00 USD with 50% commission
    And the first upsell costs 47.00 USD with 50% commission
    And the second upsell costs 197.00 USD with 40% commission

  Scenario: each accepted upsell is its own conversion of one order
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and accepts every upsell
    Then the purchases share one order id and have distinct receipts
    And the tracker recorded these conversions for the click:
      | type                | payout | order_id     |
      | OrderFormImpression | 0.00   |              |
      | InitialPurchase     | 45.75  | the order id |
      | UpsellPurchase      | 21.24  | the order id |
      | UpsellPurchase      | 72.49  | the order id |

  Scenario: a declined upsell sends nothing
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and accepts only the second upsell
    Then ClickBank sent 3 postbacks
    And the tracker recorded an "UpsellPurchase" conversion with payout 72.49

  Scenario: declining every upsell sends no Upsell Purchase
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and declines every upsell
    Then ClickBank sent no Upsell Purchase postback
    And the tracker recorded an "InitialPurchase" conversion with payout 45.75
    And the tracker recorded no "UpsellPurchase" conversion
