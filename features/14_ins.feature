@ins
Feature: Step 14 — Instant Notifications (INS)
  ClickBank tells an account's INS URL of every sale, rebill, refund and
  chargeback: a POST of {"notification","iv"}, the JSON payload sealed with
  AES-256-CBC under the SHA-1 of the account's secret key, retried up to 5
  times, 4 hours apart, until a 2xx comes (docs/clickbank.md §6). Each role
  gets its own notification with its own totalAccountAmount, from the same
  money split as the postbacks; trackingCodes carry the TID or the vtid.
  These scenarios run against a tracker that takes INS (the reference
  tracker, or one whose profile names an INS URL and secret); against any
  other they are skipped, saying why.

  Scenario: an affiliate's INS sale is recorded with the affiliate's commission
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And the front-end product costs 100.00 USD with 50% commission
    And ClickBank sends INS to the tracker
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    And ClickBank sends the SALE notification for the purchase
    Then the tracker accepted every INS notification
    And the SALE notification carried the click id and the affiliate earnings of the Initial Purchase postback
    And the tracker recorded the SALE notification as an "INS:SALE" conversion
    And the tracker recorded an "INS:SALE" conversion with payout 45.75

  @vendor
  Scenario: a vendor's INS sale is recorded with the vendor's earnings
    Given a vendor integration with CLICKID={vtid} and SUM={vendor_earnings}
    And ClickBank sends INS to the tracker
    And a visitor clicks the vendor campaign
    When the buyer buys the front-end product
    And ClickBank sends the SALE notification for the purchase
    Then the tracker accepted every INS notification
    And the SALE notification carried the click id and the vendor earnings of the Initial Purchase postback
    And the tracker recorded the SALE notification as an "INS:SALE" conversion

  Scenario: a rebill adds a conversion of its own
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And ClickBank sends INS to the tracker
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    And ClickBank sends the SALE notification for the purchase
    And ClickBank sends a BILL notification for the first rebill
    Then the tracker accepted every INS notification
    And the tracker recorded the SALE notification as an "INS:SALE" conversion
    And the tracker recorded the BILL notification as an "INS:BILL" conversion
    And the tracker recorded 4 conversions for the click

  Scenario: a refund reverses the purchase's conversion
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And ClickBank sends INS to the tracker
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    And ClickBank sends the SALE notification for the purchase
    And ClickBank refunds the purchase
    Then the tracker accepted every INS notification
    And the purchase's conversion is reversed

  Scenario: a chargeback reverses the purchase's conversion
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And ClickBank sends INS to the tracker
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    And ClickBank sends the SALE notification for the purchase
    And ClickBank sends a chargeback for the purchase
    Then the tracker accepted every INS notification
    And the purchase's conversion is reversed

  Scenario: a notification retried after a 5xx is not counted twice
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And ClickBank sends INS to the tracker
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    And the tracker fails the first 1 INS notification with HTTP 503
    And ClickBank sends the SALE notification for the purchase
    Then the INS notification was delivered on attempt 2
    And the tracker recorded the SALE notification as an "INS:SALE" conversion
    And the tracker recorded 3 conversions for the click

  Scenario: a TEST notification is answered and records nothing
    Given ClickBank sends INS to the tracker
    And a visitor clicks the affiliate campaign
    When ClickBank sends a TEST notification
    Then the tracker accepted every INS notification
    And the tracker recorded no conversion for the click

  Scenario: a receiver that decrypts with AES-128 refuses ClickBank's notifications
    The known receiver bug (Prosper202's cb202.php, docs/clickbank.md §6)
    opens AES-128-CBC under the first 16 characters of the key. Sealed that
    way, a notification is what such a receiver expects, and one that
    decrypts AES-256-CBC as ClickBank seals (the reference tracker) refuses
    it with HTTP 400, saying why.
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And ClickBank sends INS to the tracker
    And the INS notifications are sealed with aes-128-cbc
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    And ClickBank sends the SALE notification for the purchase
    Then the INS notification was refused with HTTP 400 saying "decrypt"
    And the tracker recorded no "INS:SALE" conversion
