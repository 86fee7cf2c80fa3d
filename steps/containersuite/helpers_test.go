package containersuite_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/cbsim/cbsim/containers"
)

// testTimeout bounds each container test, image builds included.
const testTimeout = 3 * time.Minute

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// miniTrackerSource is the package of the tracker under test that is not
// cbsim's, kept with the tests of package containers.
var miniTrackerSource = filepath.Join("..", "..", "containers", "testdata", "minitracker")

// miniTracker is the build of the mini tracker shared by the tests: one go
// build per process.
var miniTracker struct {
	once sync.Once
	dir  string // the build context: Dockerfile and minitracker
	err  error
}

// TestMain removes the mini tracker's build context after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if miniTracker.dir != "" {
		os.RemoveAll(miniTracker.dir)
	}
	os.Exit(code)
}

// miniTrackerContext builds the mini tracker as a static binary into a
// build context beside a copy of its Dockerfile, once per process, and
// returns the Dockerfile's path.
func miniTrackerContext(t testing.TB) string {
	t.Helper()
	miniTracker.once.Do(func() {
		miniTracker.dir, miniTracker.err = buildMiniTracker()
	})
	if miniTracker.err != nil {
		t.Fatal(miniTracker.err)
	}
	return filepath.Join(miniTracker.dir, "Dockerfile")
}

func buildMiniTracker() (string, error) {
	dir, err := os.MkdirTemp("", "cbsim-minitracker-")
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-o", filepath.Join(dir, "minitracker"), filepath.ToSlash(miniTrackerSource))
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := cmd.CombinedOutput(); err != nil {
		return dir, fmt.Errorf("build minitracker: %v\n%s", err, out)
	}
	df, err := os.ReadFile(filepath.Join(miniTrackerSource, "Dockerfile"))
	if err != nil {
		return dir, err
	}
	return dir, os.WriteFile(filepath.Join(dir, "Dockerfile"), df, 0o644)
}

// miniOptions describe the mini tracker: another port, health path,
// postback path and API base, and its API key from the environment.
func miniOptions() []testcontainers.ContainerCustomizer {
	return []testcontainers.ContainerCustomizer{
		containers.WithPort("9000"),
		containers.WithHealthPath("/health"),
		containers.WithPostbackPath("/pb"),
		containers.WithAPIPath("/api/v1"),
		containers.WithAPIKey("mini-key"),
		testcontainers.WithEnv(map[string]string{"API_KEY": "mini-key"}),
	}
}
