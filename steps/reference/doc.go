// Package reference runs the step library against cbsim's reference
// tracker in-process: Factory gives each scenario a tracker of its own (a
// SQLite store on a loopback port) that the scenario may configure and
// restart, and Run runs a feature suite against such trackers, @reference
// and @restart scenarios included, as `cbsim test` does without --tracker.
//
// It is a package of its own so that the step library (package steps)
// does not compile the reference tracker and its SQLite driver into the
// programs that import it: only those that import this package do.
package reference
