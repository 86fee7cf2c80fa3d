Feature: The classic mistakes, failing the way they fail in real life
  These scenarios pass when the mistake has the effect it has in production:
  they document what a tracker sees when an integration is set up wrong.

  @vendor
  Scenario: a vendor integration left on {tid} sends no click id
    Given a vendor integration with CLICKID={tid} and SUM={vendor_earnings}
    And a visitor clicks the vendor campaign
    When the buyer buys the front-end product
    Then every postback has clickid=empty
    And the tracker recorded no conversion for the click

  Scenario: an affiliate integration using {vendor_earnings} reports the vendor's money
    Given an affiliate integration with CLICKID={tid} and SUM={vendor_earnings}
    And the front-end product costs 100.00 USD with 40% commission
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the Initial Purchase postback has sum=54.90
    And the tracker recorded an "InitialPurchase" conversion with payout 54.90
    And the Initial Purchase postback has sum=the vendor earnings

  Scenario: an unknown macro is sent literally
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the affiliate integration sends "?clickid={tid}&sum={affiliate_earnings}&sub={affsub1}&type=InitialPurchase" for Initial Purchase
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the Initial Purchase postback has sub={affsub1}

  Scenario: an upper-cased TID no longer matches the tracker's click id
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And ClickBank applies the legacy24 TID rule
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the journal notes that the TID was changed
    And the Initial Purchase postback has clickid=the click id as the TID rule left it
    And the tracker recorded no conversion for the click

  Scenario: a TID with characters ClickBank does not allow is dropped whole
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    And the hoplink carries the TID in upper case
    When the buyer buys the front-end product
    Then the journal notes that the TID was dropped
    And every postback has clickid=empty
    And the tracker recorded no conversion for the click

  Scenario: an over-long TID is cut, not dropped, by an older rule
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And ClickBank applies the legacy8 TID rule
    And a visitor clicks the affiliate campaign
    And the hoplink carries the TID "campaign2024"
    When the buyer buys the front-end product
    Then the journal notes that the TID was changed
    And the Initial Purchase postback has clickid=CAMPAIGN

  @vendor
  Scenario: a vendor integration left on {tid} gets it empty even on an affiliate's sale
    Given a vendor integration with CLICKID={tid} and SUM={vendor_earnings}
    And an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the vendor campaign
    And the hoplink carries the TID "aff_campaign_7"
    And the hoplink carries aff_sub1=spring_sale
    When the buyer buys the front-end product
    Then the Initial Purchase postback to the vendor integration has clickid=empty
    And the Initial Purchase postback to the affiliate integration has clickid=aff_campaign_7
    And the journal notes that a role-specific macro was sent empty

  @reference
  Scenario: a missing type= when duplicates are ignored makes the upsell disappear
    Given the tracker ignores duplicates
    And an affiliate integration with one URL for every event type: "?clickid={tid}&sum={affiliate_earnings}"
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and accepts every upsell
    Then ClickBank sent 4 postbacks
    And every postback was delivered
    And the tracker recorded these conversions for the click:
      | type            | payout |
      | InitialPurchase | 0.00   |

  @reference
  Scenario: a wrong-case type is refused by the tracker
    Given the tracker has the conversion types "OrderFormImpression", "InitialPurchase" and "UpsellPurchase"
    And an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the affiliate integration sends "?clickid={tid}&sum={affiliate_earnings}&type=Initialpurchase" for Initial Purchase
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the tracker refused the Initial Purchase postback because of "type"
