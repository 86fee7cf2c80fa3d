Feature: Step 3 — one postback URL per event type, each with &type=
  In ClickBank: Integrations → Postback/Pixels → Custom Postback/Pixel, with
  "Customize URL per event type" on, the tracker's URL pasted for each event
  and &type=<conversion type> appended.

  Scenario: each event names its conversion type
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product and accepts every upsell
    Then ClickBank sent 4 postbacks
    And the Order Form Impression postback has type=OrderFormImpression
    And the Initial Purchase postback has type=InitialPurchase
    And the Upsell Purchase postback has type=UpsellPurchase
    And every postback was delivered
    And the tracker recorded 4 conversions for the click

  Scenario: an inactive integration sends nothing
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the affiliate integration is inactive
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then ClickBank sent 0 postbacks
    And the tracker recorded no conversion for the click

  Scenario: ClickBank's Test button sends placeholder values
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the affiliate integration sends "?clickid={tid}&sub1={aff_sub1}&receipt={receipt_id}&type=InitialPurchase" for Initial Purchase
    When ClickBank sends a test Initial Purchase from the affiliate integration
    Then ClickBank sent 1 postback
    And the Initial Purchase postback has sub1=affsub1
    And the Initial Purchase postback has receipt=ABC12345
