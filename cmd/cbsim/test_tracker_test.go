package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startTrackerCommand runs `cbsim tracker` in the background until the test
// ends and returns its base URL from the ready line.
func startTrackerCommand(t *testing.T, args ...string) string {
	t.Helper()
	return startCommand(t, runTracker, append([]string{"--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "t.db")}, args...)...)
}

// startCommand runs a long-lived command (tracker, serve) in the background
// until the test ends, checks it exits 0 on cancel, and returns the URL of
// its ready line.
func startCommand(t *testing.T, cmd func(context.Context, []string, io.Writer, io.Writer) int, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- cmd(ctx, args, outW, &stderr)
		outW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("exit code %d after cancel, want 0: %s", code, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Error("no exit within 10s of cancel")
		}
	})
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(outR).ReadString('\n')
		lines <- line
		io.Copy(io.Discard, outR)
	}()
	select {
	case line := <-lines:
		base, ok := strings.CutPrefix(strings.TrimSpace(line), "ready ")
		if !ok {
			t.Fatalf("ready line = %q", line)
		}
		return base
	case code := <-done:
		done <- code
		t.Fatalf("exited %d before ready: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("no ready line within 10s")
	}
	return ""
}

// TestTestAgainstTrackerCommand is the acceptance run: the bundled
// suite against a separately started `cbsim tracker`, with a JUnit report
// holding one test case per scenario.
func TestTestAgainstTrackerCommand(t *testing.T) {
	base := startTrackerCommand(t, "--api-key", "K")
	junit := filepath.Join(t.TempDir(), "out.xml")
	code, out, errs := cli(t, "test", "--tracker", base, "--api-key", "K", "--format", "progress,junit:"+junit)
	if code != 0 {
		t.Fatalf("cbsim test: exit %d\n%s\n%s", code, out, errs)
	}
	report, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	n := scenarioCount(t, out)
	if got := strings.Count(string(report), "<testcase "); got != n || n < 20 {
		t.Fatalf("JUnit report has %d test cases, the run had %d scenarios", got, n)
	}
	if strings.Contains(string(report), "<failure") {
		t.Fatalf("JUnit report has failures:\n%s", report)
	}
	// The @reference and @restart scenarios, which a running tracker cannot
	// take, are reported as skipped with the reason, not left out.
	if _, skipped, _ := junitCounts(t, junit); skipped == 0 || !strings.Contains(out, fmt.Sprintf("%d skipped)", skipped)) {
		t.Fatalf("JUnit report has %d skipped test cases; want the @reference and @restart scenarios, as the summary says:\n%s", skipped, out)
	}

	code, _, errs = cli(t, "test", "--tracker", base, "--api-key", "WRONG")
	if code != 1 || !strings.Contains(errs, "api key refused") {
		t.Fatalf("wrong api key: exit %d, %q; want exit 1 saying the key was refused", code, errs)
	}
}

// TestTestTwiceAgainstOneTracker: a second run against the same tracker
// reuses the campaigns the first one created.
func TestTestTwiceAgainstOneTracker(t *testing.T) {
	base := startTrackerCommand(t, "--api-key", "K")
	for run := 1; run <= 2; run++ {
		if code, out, errs := cli(t, "test", "--tracker", base, "--api-key", "K", "--format", "progress"); code != 0 {
			t.Fatalf("run %d: exit %d\n%s\n%s", run, code, out, errs)
		}
	}
}
