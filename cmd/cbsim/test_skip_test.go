package main

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// junitCase is what the tests read of a JUnit test case.
type junitCase struct {
	Name    string    `xml:"name,attr"`
	Failure *struct{} `xml:"failure"`
	Error   *struct{} `xml:"error"`
	Skipped *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
}

// junitCases reads every test case of a JUnit report.
func junitCases(t *testing.T, path string) []junitCase {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var report struct {
		Suites []struct {
			Cases []junitCase `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &report); err != nil {
		t.Fatalf("JUnit report: %v\n%s", err, b)
	}
	var out []junitCase
	for _, s := range report.Suites {
		out = append(out, s.Cases...)
	}
	return out
}

// junitCounts reads a JUnit report's test cases: how many passed, were
// skipped (each with a message) and failed.
func junitCounts(t *testing.T, path string) (passed, skipped, failed int) {
	t.Helper()
	for _, c := range junitCases(t, path) {
		switch {
		case c.Failure != nil || c.Error != nil:
			failed++
		case c.Skipped != nil:
			skipped++
			if c.Skipped.Message == "" {
				t.Errorf("JUnit test case %q is skipped without a reason", c.Name)
			}
		default:
			passed++
		}
	}
	return passed, skipped, failed
}

// TestTestObserveOnly runs `cbsim test --observe-only` against a receiver
// that answers 200 to everything and records nothing: the scenarios about
// what ClickBank sent pass, the others are reported as skipped (JUnit
// <skipped> and the summary), and the run exits 0; with --fail-on-skip the
// same run exits 1.
func TestTestObserveOnly(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	junit := filepath.Join(t.TempDir(), "out.xml")
	code, out, errs := cli(t, "test", "--tracker", srv.URL, "--observe-only", "--wait", "20ms", "--format", "progress,junit:"+junit)
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, out, errs)
	}
	passed, skipped, failed := junitCounts(t, junit)
	if passed == 0 || skipped == 0 || failed != 0 {
		t.Fatalf("JUnit: %d passed, %d skipped, %d failed; want some passed, some skipped, none failed", passed, skipped, failed)
	}
	m := regexp.MustCompile(`(?m)^(\d+) scenarios \((\d+) passed, (\d+) skipped\)$`).FindStringSubmatch(out)
	if m == nil || m[2] != strconv.Itoa(passed) || m[3] != strconv.Itoa(skipped) {
		t.Errorf("summary %q; want %d passed, %d skipped as in the JUnit report\n%s", m, passed, skipped, out)
	}
	if !strings.Contains(out, "no reporting API (observe-only)") {
		t.Errorf("the output does not say why scenarios were skipped:\n%s", out)
	}

	code, out, errs = cli(t, "test", "--tracker", srv.URL, "--observe-only", "--fail-on-skip", "--wait", "20ms", "--format", "progress")
	if code != 1 || !strings.Contains(out, "fails on a skip") {
		t.Fatalf("--fail-on-skip: exit %d, want 1 and the output saying a skip fails the run\n%s\n%s", code, out, errs)
	}
}

// TestTestUnknownFormat: an unknown format is a usage error (exit 2) that
// lists the formats, before anything runs.
func TestTestUnknownFormat(t *testing.T) {
	code, out, errs := cli(t, "test", "--format", "progress,bogus")
	if code != 2 || out != "" {
		t.Errorf("--format bogus: exit %d, stdout %q; want 2 and nothing run", code, out)
	}
	for _, want := range []string{`"bogus"`, "pretty", "progress", "junit", "cucumber"} {
		if !strings.Contains(errs, want) {
			t.Errorf("--format bogus: stderr %q does not mention %s", errs, want)
		}
	}
}
