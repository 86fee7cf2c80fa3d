package steps_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cbsim/cbsim/features"
	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/steps/reference"
	"github.com/cbsim/cbsim/tracker"
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
		Props    []property  `xml:"properties>property"`
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

type property struct {
	Name  string `xml:"name,attr" json:"name"`
	Value string `xml:"value,attr" json:"value"`
}

// cukeFeature is what the tests read of a cucumber JSON report.
type cukeFeature struct {
	URI      string     `json:"uri"`
	Name     string     `json:"name"`
	Metadata []property `json:"metadata"`
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

// okServer answers 200 to everything and records nothing, like a tracker
// seen from outside.
func okServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// referenceServer is cbsim's reference tracker seen as a tracker under
// test: it cannot be configured or restarted by the steps.
func referenceServer(t *testing.T) steps.Tracker {
	srv, err := tracker.NewServer(tracker.Config{APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return &steps.RedTrack{TrackingURL: srv.URL, APIKey: "k"}
}

// needsReporting are the sentences that read what the tracker recorded.
var needsReporting = regexp.MustCompile(`^(the tracker recorded|the payouts? recorded|every conversion has)`)

// outcome is a scenario's outcome in a cucumber report: passed (every step
// passed), skipped (some skipped, none failed, the reason given) or failed.
func outcome(steps []cukeStep) string {
	out, reason := "passed", false
	for _, s := range steps {
		switch s.Result.Status {
		case "passed":
		case "skipped":
			out = "skipped"
			reason = reason || s.Result.ErrorMessage != ""
		default:
			return "failed"
		}
	}
	if out == "skipped" && !reason {
		return "skipped without a reason"
	}
	return out
}

func hasTag(tags []cukeTag, names ...string) bool {
	return slices.ContainsFunc(tags, func(t cukeTag) bool { return slices.Contains(names, t.Name) })
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

// TestObserveOnlyRunsWhatWasSent runs the bundled features against a
// receiver that answers 200 and records nothing: every scenario about what
// ClickBank sent passes, every other one is skipped with its reason (in
// every report, and in the summary), and the run passes.
func TestObserveOnlyRunsWhatWasSent(t *testing.T) {
	srv, hits := okServer(t)
	r := runSuite(t, steps.Run, steps.SuiteOptions{Factory: steps.Shared{Tracker: steps.ObserveOnly{URL: srv.URL + "/postback"}},
		Steps: steps.Options{Wait: 20 * time.Millisecond}})
	if r.status != 0 {
		t.Fatalf("status %d, want 0\n%s", r.status, r.out)
	}
	if hits.Load() == 0 {
		t.Fatal("no postback reached the receiver")
	}
	passed, skipped := 0, 0
	for _, f := range r.cuke {
		for _, e := range f.Elements {
			want := "passed"
			// An observe-only tracker takes no INS either (@ins).
			if hasTag(e.Tags, "@reference", "@restart", "@ins") || slices.ContainsFunc(e.Steps, func(s cukeStep) bool { return needsReporting.MatchString(s.Name) }) {
				want = "skipped"
			}
			if got := outcome(e.Steps); got != want {
				t.Errorf("%s:%d %q: %s, want %s", f.URI, e.Line, e.Name, got, want)
			}
			if want == "passed" {
				passed++
			} else {
				skipped++
			}
		}
	}
	if passed == 0 || skipped == 0 {
		t.Fatalf("%d passed, %d skipped: want some of each\n%s", passed, skipped, r.out)
	}
	total, counts := summary(t, r.out)
	if total != passed+skipped || counts["passed"] != passed || counts["skipped"] != skipped {
		t.Errorf("summary says %d scenarios %v; the cucumber report %d passed, %d skipped", total, counts, passed, skipped)
	}
	checkJUnitSkips(t, r.junit, skipped, "reporting API")
	if !strings.Contains(r.out, "no reporting API") {
		t.Errorf("the pretty output does not say why scenarios were skipped:\n%s", r.out)
	}
}

// checkJUnitSkips checks that a JUnit report holds want skipped test
// cases, each with a message, one of them mentioning about, and no failure.
func checkJUnitSkips(t *testing.T, j junitReport, want int, about string) {
	t.Helper()
	skipped, mentioned := 0, false
	for _, s := range j.Suites {
		n := 0
		for _, c := range s.Cases {
			if c.Failure != nil || c.Error != nil {
				t.Errorf("JUnit test case %q failed: %+v %+v", c.Name, c.Failure, c.Error)
			}
			if c.Skipped != nil {
				n++
				if c.Skipped.Message == "" {
					t.Errorf("JUnit test case %q is skipped without a message", c.Name)
				}
				mentioned = mentioned || strings.Contains(c.Skipped.Message, about)
			}
		}
		if s.Skipped != n {
			t.Errorf("JUnit suite %q says skipped=%d, holds %d skipped cases", s.Name, s.Skipped, n)
		}
		skipped += n
	}
	if skipped != want || j.Skipped != want {
		t.Errorf("JUnit report: %d skipped cases, skipped=%d; want %d", skipped, j.Skipped, want)
	}
	if !mentioned {
		t.Errorf("no JUnit skip message mentions %q", about)
	}
}

// TestSkippedScenariosAreReported runs the bundled features against a
// tracker that cannot be configured or restarted and takes no INS: the
// @reference, @restart and @ins scenarios are reported as skipped, not left out, every @core
// scenario runs, and with FailOnSkip the skips fail the run.
func TestSkippedScenariosAreReported(t *testing.T) {
	trk := referenceServer(t)
	r := runSuite(t, steps.Run, steps.SuiteOptions{Factory: steps.Shared{Tracker: trk}})
	if r.status != 0 {
		t.Fatalf("status %d, want 0\n%s", r.status, r.out)
	}
	var all, core, skipped int
	for _, f := range r.cuke {
		for _, e := range f.Elements {
			all++
			want := "passed"
			if hasTag(e.Tags, "@reference", "@restart", "@ins") { // a RedTrack client takes no INS
				want = "skipped"
				skipped++
			}
			if hasTag(e.Tags, "@core") {
				core++
			}
			if got := outcome(e.Steps); got != want {
				t.Errorf("%s:%d %q: %s, want %s", f.URI, e.Line, e.Name, got, want)
			}
		}
	}
	var inProcess bytes.Buffer
	reference.Run(steps.SuiteOptions{Format: "progress", Output: &inProcess})
	if want, _ := summary(t, inProcess.String()); all != want || r.junit.Tests != want {
		t.Errorf("%d scenarios in the cucumber report, %d JUnit test cases; the features hold %d", all, r.junit.Tests, want)
	}
	if skipped == 0 || core == 0 {
		t.Errorf("%d skipped and %d @core scenarios: want some of each", skipped, core)
	}
	if total, counts := summary(t, r.out); total != all || counts["skipped"] != skipped || counts["passed"] != all-skipped {
		t.Errorf("summary says %d scenarios %v; want %d, %d skipped", total, counts, all, skipped)
	}
	checkJUnitSkips(t, r.junit, skipped, "@reference")

	failing := runSuite(t, steps.Run, steps.SuiteOptions{Factory: steps.Shared{Tracker: trk}, FailOnSkip: true})
	if failing.status != 1 || failing.junit.Failures != skipped || failing.junit.Skipped != 0 {
		t.Errorf("FailOnSkip: status %d, JUnit failures=%d skipped=%d; want 1, %d, 0\n%s", failing.status, failing.junit.Failures, failing.junit.Skipped, skipped, failing.out)
	}
}

// TestCoreScenariosAreNeverSkipped: a @core scenario the tracker cannot
// run fails the run and says why; the same scenario without @core is
// skipped.
func TestCoreScenariosAreNeverSkipped(t *testing.T) {
	trk := referenceServer(t)
	feature := func(tags string) fstest.MapFS {
		return fstest.MapFS{"f.feature": {Data: []byte(`Feature: f
  ` + tags + `
  Scenario: configured
    Given the tracker requires the postback token "s3cret"
    And an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the Initial Purchase postback has clickid=the click id

  Scenario: plain
    Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}
    And a visitor clicks the affiliate campaign
    When the buyer buys the front-end product
    Then the Initial Purchase postback has clickid=the click id
`)}}
	}
	skip := runSuite(t, steps.Run, steps.SuiteOptions{Factory: steps.Shared{Tracker: trk}, Features: feature("@reference")})
	if skip.status != 0 || skip.junit.Skipped != 1 {
		t.Errorf("@reference: status %d, %d skipped; want 0, 1\n%s", skip.status, skip.junit.Skipped, skip.out)
	}
	core := runSuite(t, steps.Run, steps.SuiteOptions{Factory: steps.Shared{Tracker: trk}, Features: feature("@core")})
	if core.status != 1 || core.junit.Failures != 1 || core.junit.Skipped != 0 {
		t.Errorf("@core: status %d, %d failed, %d skipped; want 1, 1, 0\n%s", core.status, core.junit.Failures, core.junit.Skipped, core.out)
	}
	for _, want := range []string{"@core", "cannot be configured"} {
		if !strings.Contains(core.out, want) {
			t.Errorf("@core failure does not say %q:\n%s", want, core.out)
		}
	}
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

// TestReportProperties: the run's properties and its seed are in every
// JUnit test suite and every cucumber feature, so a report says which
// cbsim wrote it and how to replay it.
func TestReportProperties(t *testing.T) {
	given := []steps.Property{{Name: "cbsim.version", Value: "v9.8.7"}, {Name: "cbsim.commit", Value: "abc123"}}
	r := runSuite(t, reference.Run, steps.SuiteOptions{Seed: 42, Tags: "@core", Properties: given})
	want := []property{{"cbsim.version", "v9.8.7"}, {"cbsim.commit", "abc123"}, {"cbsim.seed", "42"}}
	if len(r.junit.Suites) == 0 || len(r.cuke) == 0 {
		t.Fatalf("no suite in the reports (status %d)\n%s", r.status, r.out)
	}
	for _, s := range r.junit.Suites {
		if !slices.Equal(s.Props, want) {
			t.Errorf("JUnit testsuite %q: properties %v, want %v", s.Name, s.Props, want)
		}
	}
	for _, f := range r.cuke {
		if !slices.Equal(f.Metadata, want) {
			t.Errorf("cucumber feature %q: metadata %v, want %v", f.Name, f.Metadata, want)
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

// restartable is a running tracker the steps can restart (a restart that
// changes nothing: what it recorded survives).
type restartable struct{ *steps.RedTrack }

func (restartable) Restart(context.Context) error { return nil }

// TestConcurrentScenarios runs scenarios four at a time: each is reported
// once, whole, and a tracker they all share is not restarted under them
// (the restart scenario is skipped, saying why), while one at a time it is.
func TestConcurrentScenarios(t *testing.T) {
	trk := restartable{referenceServer(t).(*steps.RedTrack)}
	paths := []string{"05_mapping.feature", "13_restart.feature"}
	r := runSuite(t, steps.Run, steps.SuiteOptions{Factory: steps.Shared{Tracker: trk}, Paths: paths, Features: features.FS, Concurrency: 4})
	if r.status != 0 {
		t.Fatalf("status %d\n%s", r.status, r.out)
	}
	total, counts := summary(t, r.out)
	if counts["skipped"] != 1 || counts["passed"] != total-1 || !strings.Contains(r.out, "4 scenarios run at once") {
		t.Errorf("four at a time: %d scenarios %v; want the restart skipped because scenarios run at once\n%s", total, counts, r.out)
	}
	for _, f := range r.cuke {
		for _, e := range f.Elements {
			if n := strings.Count(r.out, "  Scenario Outline: "+e.Name+" ") + strings.Count(r.out, "  Scenario: "+e.Name+" "); n != 1 {
				t.Errorf("scenario %q is shown %d times in the pretty output", e.Name, n)
			}
		}
	}
	one := runSuite(t, steps.Run, steps.SuiteOptions{Factory: steps.Shared{Tracker: trk}, Paths: paths, Features: features.FS})
	if _, counts := summary(t, one.out); one.status != 0 || counts["skipped"] != 0 {
		t.Errorf("one at a time: status %d, %v; want the restart run\n%s", one.status, counts, one.out)
	}
}
