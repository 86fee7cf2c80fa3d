package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestInitRecipesRun runs the shell of the CI recipes `cbsim init` writes
// (GitHub's "Run the features" step, GitLab's script without its go
// install) with a cbsim built from this tree on PATH: with no tracker
// under test they start the reference tracker, run the starter and leave
// the JUnit report; with a tracker set in cbsim.yaml they use it (here one
// where nothing answers, so the run must fail) instead of starting the
// reference tracker and passing against it.
func TestInitRecipesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI; skipped with -short")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the recipes are bash scripts for Linux runners")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skipf("skipping: no bash (%v)", err)
	}
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("skipping: no go command on PATH (%v)", err)
	}
	bin := t.TempDir()
	build := exec.Command(gotool, "build", "-o", filepath.Join(bin, "cbsim"), ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, recipe := range []string{"github", "gitlab"} {
		for _, c := range []struct {
			name       string
			tracker    string // test: tracker: in cbsim.yaml
			wantExit0  bool
			wantReport bool
		}{
			{"NoTracker", "", true, true},
			{"TrackerInConfig", "http://127.0.0.1:1", false, false},
		} {
			t.Run(recipe+"/"+c.name, func(t *testing.T) {
				dir := initProject(t)
				port := freePort(t)
				script := recipeScript(t, dir, recipe)
				script = strings.ReplaceAll(script, "127.0.0.1:8800", "127.0.0.1:"+port)
				cfg := filepath.Join(dir, "cbsim.yaml")
				b, err := os.ReadFile(cfg)
				if err != nil {
					t.Fatal(err)
				}
				text := strings.ReplaceAll(string(b), "127.0.0.1:8800", "127.0.0.1:"+port)
				if c.tracker != "" {
					text = strings.Replace(text, "  # tracker: https://trk.example.com", "  tracker: "+c.tracker, 1)
					if !strings.Contains(text, "  tracker: "+c.tracker) {
						t.Fatalf("cbsim.yaml has no commented tracker line to set:\n%s", b)
					}
				}
				if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				// The reference tracker the recipe starts in the background is stopped however the script ends.
				cmd := exec.Command(bash, "-e", "-c", "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"+script)
				cmd.Dir = dir
				cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + t.TempDir()}
				out, err := cmd.CombinedOutput()
				if got := err == nil; got != c.wantExit0 {
					t.Fatalf("the %s recipe exited with %v, want success %t:\n%s", recipe, err, c.wantExit0, out)
				}
				_, statErr := os.Stat(filepath.Join(dir, "cbsim-report.xml"))
				if (statErr == nil) != c.wantReport {
					t.Errorf("JUnit report there: %t, want %t\n%s", statErr == nil, c.wantReport, out)
				}
			})
		}
	}
}

// recipeScript returns the shell a CI recipe of dir runs for the suite.
func recipeScript(t *testing.T, dir, recipe string) string {
	t.Helper()
	path := map[string]string{"github": ".github/workflows/cbsim.yml", "gitlab": ".gitlab-ci.yml"}[recipe]
	b, err := os.ReadFile(filepath.Join(dir, path))
	if err != nil {
		t.Fatal(err)
	}
	switch recipe {
	case "github":
		var wf struct {
			Jobs map[string]struct {
				Steps []struct{ Name, Run string }
			}
		}
		if err := yaml.Unmarshal(b, &wf); err != nil {
			t.Fatal(err)
		}
		for _, j := range wf.Jobs {
			for _, s := range j.Steps {
				if s.Name == "Run the features" {
					return s.Run
				}
			}
		}
		t.Fatalf("%s has no step \"Run the features\":\n%s", path, b)
	default:
		var ci map[string]struct{ Script []string }
		if err := yaml.Unmarshal(b, &ci); err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, l := range ci["cbsim"].Script {
			if !strings.HasPrefix(l, "go install") { // no network in tests: cbsim is on PATH already
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 {
			t.Fatalf("%s has no cbsim job script:\n%s", path, b)
		}
		return strings.Join(lines, "\n")
	}
	return ""
}

// freePort returns a loopback port nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}
