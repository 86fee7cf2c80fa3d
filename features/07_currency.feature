@core
Feature: Sales in other currencies
  A sale in another currency is converted to USD; earnings are always USD,
  while {currency} and {total_transaction_amount} say what the buyer paid.

  Scenario Outline: a <currency> sale pays its commission in USD
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the affiliate integration sends "?clickid={tid}&sum={affiliate_earnings}&cur={currency}&paid={total_transaction_amount}&type=InitialPurchase" for Initial Purchase
    And ClickBank converts <currency> at <rate> USD
    And the front-end product costs <price> <currency> with 50% commission
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the Initial Purchase postback has cur=<currency>
    And the Initial Purchase postback has paid=<price>
    And the Initial Purchase postback has sum=<usd commission>
    And the tracker recorded an "InitialPurchase" conversion with payout <usd commission>

    Examples:
      | currency | rate | price  | usd commission |
      | USD      | 1.00 | 100.00 | 45.75          |
      | EUR      | 1.08 | 100.00 | 49.45          |
      | GBP      | 1.27 | 39.00  | 22.41          |

  Scenario: one order, one currency: a USD upsell after a EUR front end is charged in EUR
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the affiliate integration sends "?clickid={tid}&sum={affiliate_earnings}&cur={currency}&paid={total_transaction_amount}&type=UpsellPurchase" for Upsell Purchase
    And ClickBank converts EUR at 1.08 USD
    And the front-end product costs 100.00 EUR with 50% commission
    And the first upsell costs 47.00 USD with 50% commission
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and accepts only the first upsell
    Then the Upsell Purchase postback has cur=EUR
    And the Upsell Purchase postback has paid=43.52
    And the Upsell Purchase postback has sum=21.24
    And the tracker recorded an "UpsellPurchase" conversion with payout 21.24
