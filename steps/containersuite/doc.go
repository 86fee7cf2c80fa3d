// Package containersuite runs cbsim's feature suite (package steps) against
// a tracker in a Docker container started with package containers: it is
// the glue between the step library and the testcontainers-go module, and
// all of `cbsim test --tracker-image` and `--tracker-dockerfile`.
//
// NewTracker turns a containers.TrackerContainer into the step library's
// tracker (steps.Tracker and steps.Restarter): it speaks RedTrack's surface
// at the container's URLs and reads them again after Restart, when the
// mapped port changes. Run does the whole job of `cbsim test
// --tracker-image`: start the container a Spec describes (Start), run the
// portable scenarios and @restart against it, and terminate it, also when
// the suite fails or its context is cancelled. ReferenceFactory runs the
// @reference scenarios too, against reference tracker containers started
// with each scenario's configuration.
//
// Like package containers, it needs a Docker engine and pulls no image.
package containersuite
