// Package steps is cbsim's godog step library: sentences in the language of
// ClickBank's integration guide that set up a mock ClickBank, send traffic
// through the tracker under test, fire postbacks and assert both what
// ClickBank sent and what the tracker recorded.
//
// It is a library: another Go project registers the steps in its own suite
// with Register, giving it a Tracker. Every scenario gets a fresh World.
package steps
