// Package containers starts cbsim's reference tracker, any tracker under
// test and the simulator as Docker containers through testcontainers-go, in
// the style of testcontainers-go modules: RunTracker, RunTrackerImage,
// RunTrackerDockerfile and RunSimulator apply the package's defaults, then
// the caller's options, and return a container with typed accessors
// (URL, PostbackURL, APIURL) even when they fail, so the caller can always
// Terminate it.
//
// # Images without a registry
//
// No image is ever pulled. The reference image (the repository's Dockerfile)
// is built FROM scratch around a static cbsim binary (CGO_ENABLED=0): one
// given with WithBinary, the running executable with WithSelfBinary, or by
// default ./cmd/cbsim of this module built by BuildBinary. Images are tagged
// by the hash of their build context (cbsim:dev-<hash>) and kept, so a second
// run skips the build; RunTrackerDockerfile does the same for any Dockerfile.
// After a build, dev images of the same repository older than ten minutes
// are pruned so that one per source change does not pile up.
//
// # The feature suite against a container
//
// NewStepsTracker turns a TrackerContainer into the step library's tracker
// (steps.Tracker and steps.Restarter): it speaks RedTrack's surface at the
// container's URLs and reads them again after Restart, when the mapped port
// changes. RunSuite does the whole job of `cbsim test --tracker-image`:
// start the container a SuiteSpec describes (StartForSuite), run the
// portable scenarios and @restart against it, and terminate it, also when
// the suite fails or its context is cancelled.
//
// # Environment
//
// Before it touches Docker every function of this package calls
// SetDefaultEnv, which sets TESTCONTAINERS_RYUK_DISABLED=true and
// TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 when the caller has not set them:
// the Ryuk reaper is an image that cannot be pulled on machines without
// registry access, and without the override testcontainers may look for
// mapped ports on a gateway address where nothing answers. Containers are
// therefore not reaped when the process dies: Terminate them (t.Cleanup).
//
// # Docker compatibility
//
// testcontainers-go v0.45.0 (moby/moby/client v0.6) negotiates the API
// version and accepts engines down to API 1.40; it is exercised against
// Docker Engine 20.10 (API 1.41) with the legacy builder.
//
// Tests that need Docker use containertest.SkipIfNoDocker: it skips with one
// line when no Docker is reachable and fails instead when
// CBSIM_REQUIRE_DOCKER=1 (CI sets it).
package containers
