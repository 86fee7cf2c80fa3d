Feature: Step 2 — the offer source template's parameters
  The ClickBank offer-source template adds eventid={event_id} (Event ID),
  zip={postal_code} (Zip Code) and the order id. Its postback defaults to
  CLICKID={tid} and SUM={affiliate_earnings}; vendors change them to
  CLICKID={vtid} and SUM={vendor_earnings}.

  Scenario: the additional parameters travel with every purchase
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    And the buyer lives at postal code "SW1A 1AA" in GB
    When the buyer buys the front-end product and accepts every upsell
    Then the Initial Purchase postback has zip="SW1A 1AA"
    And the Initial Purchase postback has eventid=the event id
    And the Upsell Purchase postback has order_id=the order id
    And every conversion has zip equal to what ClickBank sent as {postal_code}
    And every conversion has eventid equal to what ClickBank sent as {event_id}
    And every conversion has order_id equal to what ClickBank sent as {order_id}

  Scenario: an order form impression has no address and no order yet
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer opens the order form and leaves
    Then ClickBank sent 1 postback
    And the Order Form Impression postback has sum=0.00
    And the Order Form Impression postback has zip=empty
    And the Order Form Impression postback has order_id=empty
    And the Order Form Impression postback has no receipt parameter
    And the tracker recorded an "OrderFormImpression" conversion with payout 0.00
