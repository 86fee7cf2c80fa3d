Feature: Tracker faults
  ClickBank's retry policy for postbacks is unknown: by default it tries
  once. Whatever the tracker does — nothing listening, a slow reply, a 5xx,
  a reset — the journal shows it and the run goes on.

  Background:
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign

  Scenario: the tracker is down
    Given the tracker is down
    When the buyer buys the front-end product
    Then ClickBank sent 2 postbacks
    And the postback was not delivered after 1 attempt
    And the journal shows a refused connection for every attempt

  Scenario: the tracker is slower than ClickBank waits
    Given ClickBank gives up on a postback after 100ms
    And the tracker answers slower than ClickBank waits
    When the buyer opens the order form and leaves
    Then the postback was not delivered after 1 attempt
    And the journal shows a timeout for every attempt

  Scenario: the tracker answers 503 and the retries run out
    Given ClickBank retries a failed postback 2 times after 5ms
    And the tracker answers every postback with HTTP 503
    When the buyer opens the order form and leaves
    Then the postback was not delivered after 3 attempts
    And the journal shows HTTP 503 for every attempt
    And the tracker recorded no conversion for the click

  Scenario: a retry gets through after a passing failure
    Given ClickBank retries a failed postback 2 times after 5ms
    And the tracker fails the first 1 postback with HTTP 502
    When the buyer opens the order form and leaves
    Then the postback was delivered after 2 attempts
    And every attempt carried the same eventid
    And the tracker recorded 1 conversion for the click

  Scenario: the tracker resets the connection
    Given the tracker resets the connection
    When the buyer opens the order form and leaves
    Then the postback was not delivered after 1 attempt
    And the journal shows a reset connection for every attempt

  Scenario: the tracker answers bytes that are not HTTP
    Given ClickBank retries a failed postback 1 time after 5ms
    And the tracker answers garbage
    When the buyer opens the order form and leaves
    Then the postback was not delivered after 2 attempts
    And the journal shows a malformed reply for every attempt
