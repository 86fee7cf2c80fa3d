// Package containertest holds test helpers for the containers package and
// its users: skipping (or, in CI, failing) tests when Docker is
// unreachable, starting containers whose termination is registered with
// t.Cleanup, and building the images the tests run (cbsim's reference
// tracker, and a mini tracker that is not cbsim's).
package containertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
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
// reachable, or fails it when CBSIM_REQUIRE_DOCKER=1. Like package
// containers it leaves testcontainers-go's configuration alone: a test
// package that needs containers.SetDefaultEnv (cbsim's own do, from their
// TestMain) calls it itself.
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
	return start(t, containers.RunTracker, opts)
}

// Simulator starts the simulator with containers.RunSimulator after
// SkipIfNoDocker, registers its termination with t.Cleanup and fails the
// test if it does not start.
func Simulator(t testing.TB, opts ...testcontainers.ContainerCustomizer) *containers.SimulatorContainer {
	t.Helper()
	return start(t, containers.RunSimulator, opts)
}

// start runs a container module's Run after SkipIfNoDocker and registers
// the termination of what it returned, even with an error.
func start[T any, C interface {
	*T
	testcontainers.Container
}](t testing.TB, run func(context.Context, ...testcontainers.ContainerCustomizer) (C, error), opts []testcontainers.ContainerCustomizer) C {
	t.Helper()
	SkipIfNoDocker(t)
	c, err := run(context.Background(), opts...)
	if c != nil {
		Cleanup(t, c)
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

// Deadlines of the helpers. A cold `go build` of the cbsim binary, while
// the other test binaries of `go test ./...` compile beside it on a 2-core
// machine, takes minutes; it gets a deadline of its own so that a test's
// deadline counts only the test.
const (
	// BuildTimeout bounds building a binary and its image.
	BuildTimeout = 10 * time.Minute
	// TestTimeout bounds one container test once its images are built.
	TestTimeout = 3 * time.Minute
)

// Context returns a context that ends after TestTimeout or with the test.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), TestTimeout)
	t.Cleanup(cancel)
	return ctx
}

// reference is the cbsim binary and reference image, built once per process.
var reference struct {
	once       sync.Once
	bin, image string
	err        error
}

// ReferenceImage skips without Docker (see SkipIfNoDocker), then builds the
// static cbsim binary and the reference tracker's image (or finds them by
// content hash), once per process, and returns both.
func ReferenceImage(t testing.TB) (bin, image string) {
	t.Helper()
	SkipIfNoDocker(t)
	reference.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), BuildTimeout)
		defer cancel()
		if reference.bin, reference.err = containers.BuildBinary(ctx); reference.err == nil {
			reference.image, reference.err = containers.ReferenceImage(ctx, reference.bin, nil)
		}
	})
	if reference.err != nil {
		t.Fatalf("build the reference image: %v", reference.err)
	}
	return reference.bin, reference.image
}

// MiniTracker builds testdata/minitracker — a tracker that is not cbsim's —
// as a static binary beside a copy of its Dockerfile in a build context
// under t.TempDir, and returns the Dockerfile's path and the options that
// describe the tracker: port 9000, health at /health, postbacks at /pb, the
// API under /api/v1 with the key it reads from API_KEY.
func MiniTracker(t testing.TB) (dockerfile string, opts []testcontainers.ContainerCustomizer) {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(self), "..", "testdata", "minitracker")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), BuildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-o", filepath.Join(dir, "minitracker"), ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", src, err, out)
	}
	df, err := os.ReadFile(filepath.Join(src, "Dockerfile"))
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "Dockerfile"), df, 0o644)
	}
	if err != nil {
		t.Fatalf("copy the mini tracker's Dockerfile: %v", err)
	}
	return filepath.Join(dir, "Dockerfile"), []testcontainers.ContainerCustomizer{
		containers.WithPort("9000"),
		containers.WithHealthPath("/health"),
		containers.WithPostbackPath("/pb"),
		containers.WithAPIPath("/api/v1"),
		containers.WithAPIKey("mini-key"),
		testcontainers.WithEnv(map[string]string{"API_KEY": "mini-key"}),
	}
}
