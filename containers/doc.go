// Package containers starts cbsim's reference tracker, any tracker under
// test and the simulator as Docker containers through testcontainers-go, in
// the style of testcontainers-go modules: RunTracker, RunTrackerImage,
// RunTrackerDockerfile and RunSimulator apply the package's defaults, then
// the caller's options, and return a container with typed accessors
// (URL, PostbackURL, APIURL) even when they fail, so the caller can always
// Terminate it.
//
// It knows nothing of Gherkin: package steps/containersuite runs cbsim's
// feature suite against the containers started here.
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
// # Environment
//
// The package leaves testcontainers-go's configuration alone: the
// TESTCONTAINERS_* variables, ~/.testcontainers.properties, DOCKER_HOST
// and the Docker context are the caller's. Machines where no image can be
// pulled (so the Ryuk reaper cannot start) or where testcontainers looks
// for mapped ports on a gateway address that does not answer call
// SetDefaultEnv first, which sets TESTCONTAINERS_RYUK_DISABLED=true and
// TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 where unset (cbsim's own test
// packages do, in their TestMain; `cbsim test --testcontainers-local` does). Without
// Ryuk, containers are not reaped when the process dies: Terminate them
// (t.Cleanup).
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
