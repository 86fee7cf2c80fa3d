@reference
Feature: The tracker's duplicate modes
  A duplicate is a second postback for the same click id and conversion
  type. What the tracker does with it is set per conversion type.

  The tracker is configured before the first click; the integration is the
  guide's affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}.

  Background:
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the front-end product costs 100.00 USD with 50% commission
    And the first upsell costs 47.00 USD with 50% commission
    And the second upsell costs 197.00 USD with 40% commission

  Scenario: with duplicates ignored, the second upsell of an order is lost
    Given the tracker ignores duplicates of "UpsellPurchase"
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and accepts every upsell
    Then the tracker recorded these conversions for the click:
      | type                | payout |
      | OrderFormImpression | 0.00   |
      | InitialPurchase     | 45.75  |
      | UpsellPurchase      | 21.24  |

  Scenario: with repeats marked, both upsells are kept and told apart
    Given the tracker marks duplicates as repeated of "UpsellPurchase"
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and accepts every upsell
    Then the tracker recorded these conversions for the click:
      | type                | payout | duplicate_status |
      | OrderFormImpression | 0.00   |                  |
      | InitialPurchase     | 45.75  |                  |
      | UpsellPurchase      | 21.24  | new              |
      | UpsellPurchase      | 72.49  | repeated         |

  Scenario: with payouts added, the upsells become one conversion
    Given the tracker adds the payout of a duplicate of "UpsellPurchase"
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and accepts every upsell
    Then the tracker recorded these conversions for the click:
      | type                | payout |
      | OrderFormImpression | 0.00   |
      | InitialPurchase     | 45.75  |
      | UpsellPurchase      | 93.73  |

  Scenario: with edits, the last upsell overwrites the first
    Given the tracker edits the existing conversion on a duplicate of "UpsellPurchase"
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and accepts every upsell
    Then the tracker recorded these conversions for the click:
      | type                | payout |
      | OrderFormImpression | 0.00   |
      | InitialPurchase     | 45.75  |
      | UpsellPurchase      | 72.49  |

  Scenario: on its defaults the tracker takes the event id from the template's eventid
    Given the tracker ignores duplicates by event id of "UpsellPurchase"
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and accepts every upsell
    Then the tracker recorded 4 conversions for the click
    And every conversion has event_id equal to what ClickBank sent as {event_id}

  Scenario: deduplicating by event id keeps every distinct event
    Given the tracker reads the event id from "eventid"
    And the tracker ignores duplicates by event id of "UpsellPurchase"
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and accepts every upsell
    Then the tracker recorded 4 conversions for the click
    And every conversion has event_id equal to what ClickBank sent as {event_id}
