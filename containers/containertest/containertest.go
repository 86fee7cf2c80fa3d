// Package containertest holds test helpers for the containers package:
// skipping (or, in CI, failing) tests when Docker is unreachable, and
// starting containers whose termination is registered with t.Cleanup.
package containertest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/cbsim/cbsim/containers"
)

// EnvRequireDocker names the environment variable that, set to "1", turns
// SkipIfNoDocker's skip into a failure. CI sets it: there the container
// suites must run for real.
const EnvRequireDocker = "CBSIM_REQUIRE_DOCKER"

// dockerCheckTimeout bounds SkipIfNoDocker's probe of the engine.
const dockerCheckTimeout = 10 * time.Second

// SkipIfNoDocker skips the test with one line when no Docker engine is
// reachable, or fails it when CBSIM_REQUIRE_DOCKER=1.
func SkipIfNoDocker(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), dockerCheckTimeout)
	defer cancel()
	err := containers.DockerAvailable(ctx)
	if err == nil {
		return
	}
	if os.Getenv(EnvRequireDocker) == "1" {
		t.Fatalf("Docker is required (%s=1) but not reachable: %v", EnvRequireDocker, err)
	}
	t.Skipf("skipping: no Docker reachable (%v); set %s=1 to fail instead", err, EnvRequireDocker)
}

// Tracker starts the reference tracker with containers.RunTracker after
// SkipIfNoDocker, registers its termination with t.Cleanup and fails the
// test if it does not start.
func Tracker(t testing.TB, opts ...testcontainers.ContainerCustomizer) *containers.TrackerContainer {
	t.Helper()
	SkipIfNoDocker(t)
	c, err := containers.RunTracker(context.Background(), opts...)
	if c != nil {
		Cleanup(t, c.Container)
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Simulator starts the simulator with containers.RunSimulator after
// SkipIfNoDocker, registers its termination with t.Cleanup and fails the
// test if it does not start.
func Simulator(t testing.TB, opts ...testcontainers.ContainerCustomizer) *containers.SimulatorContainer {
	t.Helper()
	SkipIfNoDocker(t)
	c, err := containers.RunSimulator(context.Background(), opts...)
	if c != nil {
		Cleanup(t, c.Container)
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Cleanup registers the termination of ctr (which may be nil) with
// t.Cleanup; a failed termination fails the test.
func Cleanup(t testing.TB, ctr testcontainers.Container) {
	t.Helper()
	if ctr == nil {
		return
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := ctr.Terminate(ctx); err != nil {
			t.Errorf("terminate container: %v", err)
		}
	})
}
