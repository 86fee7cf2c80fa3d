package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/containers"
	"github.com/cbsim/cbsim/containers/containertest"
)

// TestTestTrackerImage runs `cbsim test --tracker-image` with the reference
// image: the command starts the container itself, runs every portable
// scenario and @restart against it, writes one JUnit test case per
// scenario and exits 0.
func TestTestTrackerImage(t *testing.T) {
	_, image := containertest.ReferenceImage(t)
	ctx := containertest.Context(t)
	junit := filepath.Join(t.TempDir(), "out.xml")
	var out, errb bytes.Buffer
	start := time.Now()
	code := run(ctx, []string{"test", "--tracker-image", image, "--testcontainers-local", "--api-key", "k-cli", "--tracker-env", "CBSIM_API_KEY=k-cli",
		"--format", "progress,junit:" + junit}, &out, &errb)
	t.Logf("cbsim test --tracker-image in %v", time.Since(start).Round(time.Millisecond))
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}

	var names []string
	for _, c := range junitCases(t, junit) {
		if c.Failure != nil || c.Error != nil {
			t.Errorf("JUnit test case %q failed", c.Name)
		}
		names = append(names, c.Name)
	}
	want := scenarioCount(t, out.String())
	if len(names) != want || want == 0 {
		t.Errorf("%d JUnit test cases, want one per scenario run (%d)", len(names), want)
	}
	restart := false
	for _, n := range names {
		restart = restart || strings.Contains(n, "restart")
	}
	if !restart {
		t.Errorf("the restart scenario did not run against the container; test cases %q", names)
	}
}

// TestTestTrackerDockerfile runs `cbsim test --tracker-dockerfile` with
// the repository's Dockerfile in a build context of its own, on two of the
// bundled features (the restart among them) copied to a directory.
func TestTestTrackerDockerfile(t *testing.T) {
	bin, _ := containertest.ReferenceImage(t)
	ctx := containertest.Context(t)
	buildCtx := t.TempDir()
	copyFile(t, filepath.Join("..", "..", "Dockerfile"), filepath.Join(buildCtx, "Dockerfile"))
	copyFile(t, bin, filepath.Join(buildCtx, "bin", "cbsim"))
	featureDir := t.TempDir()
	for _, f := range []string{"05_mapping.feature", "13_restart.feature"} {
		copyFile(t, filepath.Join("..", "..", "features", f), filepath.Join(featureDir, f))
	}
	var out, errb bytes.Buffer
	code := run(ctx, []string{"test", "--tracker-dockerfile", filepath.Join(buildCtx, "Dockerfile"), "--api-key", containers.DefaultAPIKey,
		"--features", featureDir, "--format", "progress"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if n := scenarioCount(t, out.String()); n < 2 {
		t.Fatalf("%d scenarios ran, want the mapping outlines and the restart", n)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

// scenarioCount reads "N scenarios (N passed)" from godog's summary.
func scenarioCount(t *testing.T, out string) int {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		var n int
		if _, err := fmt.Sscanf(line, "%d scenarios", &n); err == nil {
			return n
		}
	}
	t.Fatalf("no scenario summary in the output:\n%s", out)
	return 0
}

// TestTestContainerUsageErrors: container flags are checked before
// anything starts.
func TestTestContainerUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"test", "--tracker", "http://127.0.0.1:9", "--tracker-image", "x"}, "give one of them"},
		{[]string{"test", "--tracker-image", "x", "--tracker-dockerfile", "Dockerfile"}, "mutually exclusive"},
		{[]string{"test", "--tracker-image", "x", "--api", "http://127.0.0.1:9"}, "--api-path"},
		{[]string{"test", "--tracker-port", "9000"}, "needs --tracker-image or --tracker-dockerfile"},
		{[]string{"test", "--tracker", "http://127.0.0.1:9", "--tracker-env", "A=B"}, "needs --tracker-image"},
		{[]string{"test", "--tracker-image", "x", "--tracker-env", "novalue"}, "NAME=VALUE"},
		{[]string{"test", "--tracker-image", "x", "--tracker-port", "http"}, "WithPort"},
		{[]string{"test", "--tracker-image", "x", "--health-path", "health"}, "does not start with /"},
		{[]string{"test", "--tracker-image", "x", "--campaign", "owner=1"}, "role must be affiliate or vendor"},
	}
	for _, c := range cases {
		code, _, errs := cli(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("cbsim %v: exit %d, stderr %q; want exit 2 mentioning %q", c.args, code, errs, c.want)
		}
	}
}
