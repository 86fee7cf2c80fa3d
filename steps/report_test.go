package steps_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/steps/reference"
)

// junitReport is what the tests read of a JUnit file.
type junitReport struct {
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Skipped  int    `xml:"skipped,attr"`
	Time     string `xml:"time,attr"`
	Suites   []struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Skipped  int         `xml:"skipped,attr"`
		Failures int         `xml:"failures,attr"`
		Time     string      `xml:"time,attr"`
		Cases    []junitCase `xml:"testcase"`
	} `xml:"testsuite"`
}

type junitCase struct {
	Name    string   `xml:"name,attr"`
	Time    string   `xml:"time,attr"`
	Failure *message `xml:"failure"`
	Error   *message `xml:"error"`
	Skipped *message `xml:"skipped"`
}

type message struct {
	Message string `xml:"message,attr"`
}

// cukeFeature is what the tests read of a cucumber JSON report.
type cukeFeature struct {
	URI      string `json:"uri"`
	Name     string `json:"name"`
	Elements []struct {
		Name  string     `json:"name"`
		Line  int        `json:"line"`
		Tags  []cukeTag  `json:"tags"`
		Steps []cukeStep `json:"steps"`
	} `json:"elements"`
}

type cukeTag struct {
	Name string `json:"name"`
}

type cukeStep struct {
	Name  string `json:"name"`
	Match struct {
		Location string `json:"location"`
	} `json:"match"`
	Result struct {
		Status       string `json:"status"`
		ErrorMessage string `json:"error_message"`
	} `json:"result"`
}

// suiteRun is one run of a suite with every report written.
type suiteRun struct {
	status int
	out    string // the pretty output
	junit  junitReport
	cuke   []cukeFeature
}

// runSuite runs o with the pretty output, a JUnit and a cucumber report.
func runSuite(t *testing.T, run func(steps.SuiteOptions) int, o steps.SuiteOptions) suiteRun {
	t.Helper()
	dir := t.TempDir()
	junit, cuke := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "cucumber.json")
	var out bytes.Buffer
	o.Format, o.Output = "pretty,junit:"+junit+",cucumber:"+cuke, &out
	r := suiteRun{status: run(o), out: out.String()}
	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatalf("no JUnit report: %v\n%s", err, r.out)
	}
	if err := xml.Unmarshal(b, &r.junit); err != nil {
		t.Fatalf("JUnit report: %v\n%s", err, b)
	}
	if b, err = os.ReadFile(cuke); err != nil {
		t.Fatalf("no cucumber report: %v", err)
	}
	if err := json.Unmarshal(b, &r.cuke); err != nil {
		t.Fatalf("cucumber report: %v\n%s", err, b)
	}
	return r
}

// summary returns the counts of the "N scenarios (…)" line.
func summary(t *testing.T, out string) (total int, counts map[string]int) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^(\d+) scenarios? \(([^)]*)\)$`)
	m := re.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no scenario summary in the output:\n%s", out)
	}
	total, _ = strconv.Atoi(m[1])
	counts = map[string]int{}
	for _, part := range strings.Split(m[2], ", ") {
		var n int
		var what string
		if _, err := fmt.Sscanf(part, "%d %s", &n, &what); err == nil {
			counts[what] = n
		}
	}
	return total, counts
}

// TestJUnitTimes: no negative time anywhere, and a suite's time is the sum
// of its test cases' (godog's were negative under a random order).
func TestJUnitTimes(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		r := runSuite(t, reference.Run, steps.SuiteOptions{Seed: seed})
		if r.status != 0 {
			t.Fatalf("seed %d: status %d\n%s", seed, r.status, r.out)
		}
		seconds := func(what, s string) float64 {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || f < 0 {
				t.Errorf("seed %d: %s time %q", seed, what, s)
			}
			return f
		}
		seconds("testsuites", r.junit.Time)
		if total, _ := summary(t, r.out); total != r.junit.Tests || total == 0 {
			t.Errorf("seed %d: %d JUnit test cases, %d scenarios in the summary", seed, r.junit.Tests, total)
		}
		for _, s := range r.junit.Suites {
			sum := 0.0
			for _, c := range s.Cases {
				sum += seconds("testcase "+c.Name, c.Time)
			}
			if got := seconds("testsuite "+s.Name, s.Time); got < sum-0.001 || got > sum+0.001 {
				t.Errorf("seed %d: testsuite %q time %v, its test cases add up to %v", seed, s.Name, got, sum)
			}
		}
	}
}

// TestPrettyOutput: the seed printed is the seed given, every step's
// location names its step method, and an undefined step is answered with
// the closest sentences of the catalog, not with Go code.
func TestPrettyOutput(t *testing.T) {
	feature := fstest.MapFS{"f.feature": {Data: []byte(`Feature: f
  Scenario: s
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the tracker recorded 2 conversion for the clik
`)}}
	var out bytes.Buffer
	status := reference.Run(steps.SuiteOptions{Features: feature, Seed: 7, Output: &out})
	got := out.String()
	if status == 0 {
		t.Errorf("a scenario with an undefined step passed:\n%s", got)
	}
	for _, want := range []string{
		"Randomized with seed: 7",
		"(*World).anIntegrationWith", "(*World).visitorClicks", "(*World).buys",
		"the tracker recorded N conversion(s) for the click",
		"cbsim steps",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the output does not say %q:\n%s", want, got)
		}
	}
	for _, bad := range []string{"steps.go:", "-> *World", "func ", "godog.ErrPending", "ctx.Step("} {
		if strings.Contains(got, bad) {
			t.Errorf("the output says %q:\n%s", bad, got)
		}
	}
}

// TestUnknownFormat fails with status 2 and lists the formats.
func TestUnknownFormat(t *testing.T) {
	var out bytes.Buffer
	status := reference.Run(steps.SuiteOptions{Format: "pretty,bogus", Output: &out})
	if status != 2 {
		t.Errorf("format bogus: status %d, want 2", status)
	}
	for _, want := range []string{`"bogus"`, "pretty", "progress", "junit", "cucumber"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("format bogus: the output does not mention %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "scenarios (") {
		t.Errorf("format bogus ran scenarios:\n%s", out.String())
	}
}
