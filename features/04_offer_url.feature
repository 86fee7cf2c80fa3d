Feature: Step 4 — the offer URL passes the tracker's click id to ClickBank
  The tracker's offer URL is the ClickBank link plus tid={clickid} for
  affiliates or vtid={clickid} for vendors; on redirect the tracker replaces
  {clickid} with its click id, and ClickBank hands it back in the postback.

  @core
  Scenario: an affiliate's click id comes back as {tid}
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    When a visitor clicks the affiliate campaign
    And the buyer buys the front-end product
    Then every postback has clickid=the click id
    And the tracker recorded 2 conversions for the click

  @core @vendor
  Scenario: a vendor's click id comes back as {vtid}
    Given a vendor integration with CLICKID={vtid} and SUM={vendor_earnings}
    When a visitor clicks the vendor campaign
    And the buyer buys the front-end product
    Then every postback has clickid=the click id
    And the tracker recorded 2 conversions for the click

  Scenario: the affiliate's tracking parameters ride along from the hoplink
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the affiliate integration sends "?clickid={tid}&sum={affiliate_earnings}&sub1={aff_sub1}&src={traffic_source}&type=InitialPurchase" for Initial Purchase
    And a visitor clicks the affiliate campaign
    And the hoplink carries aff_sub1=spring_sale
    And the hoplink carries traffic_source=facebook
    When the buyer buys the front-end product
    Then the Initial Purchase postback has sub1=spring_sale
    And the Initial Purchase postback has src=facebook
    And every conversion has sub1 equal to what ClickBank sent as {aff_sub1}
