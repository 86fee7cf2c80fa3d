Feature: Test-card orders
  A vendor testing the order form with a test card fires the vendor's
  postbacks, but never an affiliate's.

  Scenario: a test-card order fires no affiliate postback
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    And the buyer pays with a test card
    When the buyer buys the front-end product
    Then ClickBank sent no affiliate postback because "test-card orders fire no affiliate postbacks"
    And the tracker recorded no conversion for the click

  @vendor
  Scenario: a test-card order still fires the vendor's postbacks
    Given a vendor integration with CLICKID={vtid} and SUM={vendor_earnings}
    And a visitor clicks the vendor campaign
    And the buyer pays with a test card
    When the buyer buys the front-end product
    Then ClickBank sent 2 postbacks to the vendor integration
    And the tracker recorded 2 conversions for the click
