@core
Feature: Step 5 — affiliate and vendor mapping of click id and sum
  The heart of the integration: an affiliate integration maps
  CLICKID={tid}, SUM={affiliate_earnings}; a vendor integration
  CLICKID={vtid}, SUM={vendor_earnings}. ClickBank keeps 7.5% + $1.00 of a
  sale; the affiliate's commission is a share of the rest.

  Scenario Outline: a <role> integration maps the <event> postback
    Given a <role> integration with CLICKID={<click>} and SUM={<sum>}
    And the front-end product costs 100.00 USD with 50% commission
    And the first upsell costs 47.00 USD with 50% commission
    And a visitor clicks the <role> campaign
    When the buyer <action>
    Then the <event> postback has clickid=the click id
    And the <event> postback has sum=<amount>
    And the tracker recorded an "<type>" conversion with payout <amount>
    And the payouts recorded are the <role> earnings ClickBank sent

    Examples: an affiliate's
      | role      | click | sum                | event                 | action                                              | type                | amount |
      | affiliate | tid   | affiliate_earnings | Order Form Impression | opens the order form and leaves                     | OrderFormImpression | 0.00   |
      | affiliate | tid   | affiliate_earnings | Initial Purchase      | buys the front-end product                          | InitialPurchase     | 45.75  |
      | affiliate | tid   | affiliate_earnings | Upsell Purchase       | buys the front-end product and accepts only the first upsell | UpsellPurchase | 21.24 |

    @vendor
    Examples: a vendor's
      | role      | click | sum                | event                 | action                                              | type                | amount |
      | vendor    | vtid  | vendor_earnings    | Order Form Impression | opens the order form and leaves                     | OrderFormImpression | 0.00   |
      | vendor    | vtid  | vendor_earnings    | Initial Purchase      | buys the front-end product                          | InitialPurchase     | 91.50  |
      | vendor    | vtid  | vendor_earnings    | Upsell Purchase       | buys the front-end product and accepts only the first upsell | UpsellPurchase | 42.48 |

  @vendor
  Scenario: a vendor whose sale came through an affiliate earns the rest of the net
    Given a vendor integration with CLICKID={vtid} and SUM={vendor_earnings}
    And an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the front-end product costs 100.00 USD with 40% commission
    And a visitor clicks the vendor campaign
    And the hoplink carries the TID "aff_campaign_7"
    When the buyer buys the front-end product
    Then ClickBank sent 4 postbacks
    And the Initial Purchase postback to the affiliate integration has sum=36.60
    And the Initial Purchase postback to the vendor integration has sum=54.90
    And the tracker recorded these conversions for the click:
      | type                | payout |
      | OrderFormImpression | 0.00   |
      | InitialPurchase     | 54.90  |

  Scenario Outline: where ClickBank rounds decides the cent at $37.00 (<rule>)
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a vendor integration with CLICKID={vtid} and SUM={vendor_earnings}
    And ClickBank rounds <rule> to the cent
    And the front-end product costs 37.00 USD with 50% commission
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the Initial Purchase postback to the affiliate integration has sum=<affiliate>
    And the Initial Purchase postback to the vendor integration has sum=<vendor>

    Examples:
      | rule    | affiliate | vendor |
      | the net | 16.62     | 16.61  |
      | its fee | 16.61     | 16.61  |
