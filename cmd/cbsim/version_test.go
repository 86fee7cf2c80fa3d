package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/internal/buildinfo"
)

// TestVersionCommand: `cbsim version`, `cbsim --version` and `cbsim
// version --json` say what the build info says.
func TestVersionCommand(t *testing.T) {
	want := buildinfo.Read()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != 0 || out.String() != want.String()+"\n" {
			t.Errorf("cbsim %s: exit %d, %q (stderr %q); want %q", strings.Join(args, " "), code, out.String(), errb.String(), want.String())
		}
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"version", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("cbsim version --json: exit %d: %s", code, errb.String())
	}
	var got buildinfo.Info
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got != want {
		t.Errorf("cbsim version --json: %s (%v); want %+v", out.String(), err, want)
	}
}

// TestGoInstall installs the CLI with `go install` into a temporary GOBIN,
// as the README tells a user to, and runs `cbsim version` from there: the
// Go version is the toolchain's; in a git checkout the commit is HEAD's and
// the version Go's pseudo-version for it, else the version is devel. It then builds
// with the link-time stamps `make dist` uses and checks they win.
func TestGoInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI twice; skipped with -short")
	}
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("skipping: no go command on PATH (%v)", err)
	}
	gobin := t.TempDir()
	head, vcs := gitHead(t)
	install := exec.Command(gotool, "install", ".")
	install.Env = append(os.Environ(), "GOBIN="+gobin, "CGO_ENABLED=0", "GOFLAGS=-buildvcs="+map[bool]string{true: "true", false: "false"}[vcs])
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	bin := filepath.Join(gobin, "cbsim"+map[bool]string{true: ".exe"}[runtime.GOOS == "windows"])
	got := versionOf(t, bin)
	if got.Go != runtime.Version() || got.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("the installed cbsim says %+v; want %s, %s/%s", got, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	}
	if vcs && got.Commit == "" {
		// git answers, but go stamped nothing (a linked worktree, or a
		// checkout go does not trust): the build is a plain devel one.
		t.Logf("go stamped no VCS information although git reads HEAD %s", head)
		vcs = false
	}
	switch {
	case !vcs && got.Version != buildinfo.Devel:
		t.Errorf("the installed cbsim (no VCS stamping) says version %q, want %s", got.Version, buildinfo.Devel)
	case !vcs:
		t.Log("not a git checkout (or no git): the commit was not checked")
	case got.Commit != head:
		t.Errorf("the installed cbsim says commit %q; HEAD is %q", got.Commit, head)
	case !strings.HasPrefix(got.Version, "v") || !strings.Contains(got.Version, head[:12]):
		// go install from a checkout stamps a pseudo-version, v0.0.0-DATE-HASH[+dirty].
		t.Errorf("the installed cbsim says version %q, want a pseudo-version naming %s", got.Version, head[:12])
	}
	if out, err := exec.Command(bin, "--version").Output(); err != nil || string(out) != got.String()+"\n" {
		t.Errorf("cbsim --version: %q, %v; want %q", out, err, got.String())
	}

	stamped := filepath.Join(t.TempDir(), "cbsim-stamped")
	const pkg = "github.com/cbsim/cbsim/internal/buildinfo"
	build := exec.Command(gotool, "build", "-trimpath", "-o", stamped, "-ldflags",
		"-s -w -X "+pkg+".version=v9.8.7 -X "+pkg+".commit=0123abcd -X "+pkg+".date=2026-12-03T12:00:00Z -X "+pkg+".dirty=true", ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build with make dist's stamps: %v\n%s", err, out)
	}
	if got := versionOf(t, stamped); got.Version != "v9.8.7" || got.Commit != "0123abcd" || got.Date != "2026-12-03T12:00:00Z" || !got.Modified {
		t.Errorf("a stamped cbsim says %+v; want v9.8.7, commit 0123abcd, modified, 2026-12-03T12:00:00Z", got)
	}
}

// versionOf runs `bin version --json`.
func versionOf(t *testing.T, bin string) buildinfo.Info {
	t.Helper()
	out, err := exec.Command(bin, "version", "--json").Output()
	if err != nil {
		t.Fatalf("%s version --json: %v", bin, err)
	}
	var in buildinfo.Info
	if err := json.Unmarshal(out, &in); err != nil {
		t.Fatalf("%s version --json: %v\n%s", bin, err, out)
	}
	return in
}

// gitHead returns HEAD's commit when the module is a git checkout that git
// can read (VCS stamping works), else false.
func gitHead(t *testing.T) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		return "", false
	}
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "", false
	}
	if err := exec.Command("git", "status", "--porcelain").Run(); err != nil {
		return "", false
	}
	return strings.TrimSpace(string(out)), true
}

// TestReportSaysWhichCbsim: `cbsim test`'s JUnit report carries the
// build's version and commit as properties.
func TestReportSaysWhichCbsim(t *testing.T) {
	junit := filepath.Join(t.TempDir(), "out.xml")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"test", "--tags", "@core", "--format", "progress,junit:" + junit}, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var report struct {
		Suites []struct {
			Props []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &report); err != nil || len(report.Suites) == 0 {
		t.Fatalf("JUnit report: %v\n%s", err, b)
	}
	want := map[string]string{}
	for _, p := range buildinfo.Read().Properties() {
		want[p[0]] = p[1]
	}
	for _, s := range report.Suites {
		got := map[string]string{}
		for _, p := range s.Props {
			got[p.Name] = p.Value
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("testsuite property %s = %q, want %q", k, got[k], v)
			}
		}
	}
}
