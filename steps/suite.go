package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/cbsim/cbsim/features"
	"github.com/cbsim/cbsim/internal/redact"
)

// SuiteOptions describe one run of a feature suite.
type SuiteOptions struct {
	// Factory gives each scenario its tracker: Shared for one tracker under
	// test, or reference.Factory (package steps/reference) for an
	// in-process reference tracker per scenario. Run needs one;
	// reference.Run fills it in when it is nil. What its trackers can do
	// (Configurable, Restarter, a Reporter that does not report) decides
	// which scenarios are skipped, and why (see Register).
	Factory TrackerFactory
	// FailOnSkip makes a skipped scenario a failure, in every report and
	// in Run's status: for CI, where a skip must not pass unseen.
	FailOnSkip bool
	// Features holds the .feature files; nil = the bundled features.
	Features fs.FS
	// Paths inside Features (or on disk when Features is nil and Paths are
	// given); nil = every feature.
	Paths []string
	// Tags is a godog tag expression such as "@smoke && ~@slow".
	Tags string
	// Format is the list of reports: "pretty", "progress", "junit",
	// "cucumber", each to Output or to a file with ":FILE"
	// ("junit:out.xml"), comma-separated; "" = pretty. CheckFormat checks
	// it.
	Format string
	// Output receives the reports that have no file; nil = io.Discard.
	Output io.Writer
	// Concurrency runs that many scenarios at once; 0 or 1 = one.
	Concurrency int
	// Seed fixes the scenarios' order and their random choices.
	Seed uint64
	// Steps tunes the step library.
	Steps Options
	// T runs each scenario as a subtest of T (go test).
	T *testing.T
	// Properties describe the run in the JUnit and cucumber reports: the
	// cbsim CLI gives its version, commit and build date (cbsim.version,
	// cbsim.commit, cbsim.date, ...). The seed is always added as
	// cbsim.seed.
	Properties []Property
	// Secrets (API keys, tokens) are masked as *** in every report, to
	// Output or to a file, and in what Run writes: failure messages quote
	// the URLs ClickBank sent and the tracker's replies, which may hold
	// them. Masking follows package internal/redact: a secret's escaped
	// forms are masked too, only where it is not part of a longer run of
	// letters and digits, and not at all when it is shorter than 4
	// characters (it would garble the reports: the "1" of version="1.0").
	Secrets []string
}

// Property is a name and value that describe a run in its reports: a
// <property> of every JUnit <testsuite>, an entry of every cucumber
// feature's "metadata" (the shape of multiple-cucumber-html-reporter's
// custom metadata).
type Property struct {
	Name  string `json:"name" xml:"name,attr"`
	Value string `json:"value" xml:"value,attr"`
}

// noFactory is what Run writes when SuiteOptions.Factory is nil.
const noFactory = "steps.Run: SuiteOptions.Factory is nil, so no scenario has a tracker: " +
	"give the tracker under test (steps.Shared{Tracker: ...}), or run the suite with reference.Run " +
	"(package github.com/cbsim/cbsim/steps/reference) for an in-process reference tracker per scenario"

// Run runs the suite and writes its reports. Every selected scenario is
// reported: passed, failed, or skipped with the reason when the tracker
// under test cannot run it (see Register; a @core scenario is never
// skipped). It returns 0 when every scenario that ran passed and at least
// one ran; 1 when one failed (strict: an undefined or pending step fails;
// with FailOnSkip, a skip fails); 2 when none ran, or the options are
// wrong. Without a Factory it runs nothing: it writes what to do to
// Output (to os.Stderr when Output is nil) and returns 2.
func Run(o SuiteOptions) int {
	red := redact.New(o.Secrets...)
	var masked []*redact.Writer
	mask := func(w io.Writer) io.Writer {
		if red.Secrets() == 0 {
			return w
		}
		rw := red.Writer(w)
		masked = append(masked, rw)
		return rw
	}
	defer func() { flushAll(masked) }()
	if o.Output != nil {
		o.Output = mask(o.Output)
	}
	say := o.Output
	if say == nil {
		say = mask(os.Stderr)
	}
	if o.Factory == nil {
		fmt.Fprintln(say, noFactory)
		return 2
	}
	if o.Format == "" {
		o.Format = "pretty"
	}
	formats, err := parseFormats(o.Format)
	if err != nil {
		fmt.Fprintf(say, "steps.Run: %v\n", err)
		return 2
	}
	if o.Features == nil && len(o.Paths) == 0 {
		o.Features = features.FS
	}
	if o.Features != nil && len(o.Paths) == 0 {
		o.Paths = []string{"."}
	}
	if o.Output == nil {
		o.Output = io.Discard
	}
	o.Steps.Seed = o.Seed
	opts := godog.Options{
		// godog's own reports are not used: they count a skipped scenario
		// as passed, give no reason for a skip, and more (see record).
		Format:        "progress",
		Output:        io.Discard,
		Paths:         o.Paths,
		FS:            o.Features,
		Tags:          o.Tags,
		Strict:        true,
		Concurrency:   max(o.Concurrency, 1),
		Randomize:     int64(o.Seed%(1<<62)) + 1,
		StopOnFailure: false,
		NoColors:      true,
		TestingT:      o.T,
	}
	suite := godog.TestSuite{Name: "cbsim", Options: &opts}
	parsed, err := suite.RetrieveFeatures()
	if err != nil {
		fmt.Fprintf(say, "steps.Run: %v\n", err)
		return 2
	}
	props := append(append([]Property(nil), o.Properties...), Property{Name: "cbsim.seed", Value: strconv.FormatUint(o.Seed, 10)})
	rec := &record{start: time.Now(), seed: o.Seed, props: props, failOnSkip: o.FailOnSkip, stream: opts.Concurrency == 1,
		testing: o.T != nil, runs: map[string]*scenarioRun{}}
	for _, f := range parsed {
		rec.addFeature(newFeatureDoc(f.GherkinDocument), f.Pickles)
	}
	if len(rec.all) == 0 {
		// A suite that ran nothing proves nothing: CI must not go green on it.
		fmt.Fprintf(o.Output, "no scenario matched (tags %q)\n", o.Tags)
		return 2
	}
	factory, err := suiteFactory(context.Background(), o.Factory, opts.Concurrency)
	if err != nil {
		fmt.Fprintf(say, "steps.Run: %v\n", err)
		return 1
	}
	files, err := rec.open(formats, o.Output, mask)
	defer closeAll(files)
	if err != nil {
		fmt.Fprintf(say, "steps.Run: %v\n", err)
		return 2
	}
	suite.ScenarioInitializer = func(sc *godog.ScenarioContext) {
		rec.hooks(sc)
		Register(sc, factory, o.Steps)
	}
	status, err := rec.finish(o.Output, suite.Run(), o.Tags)
	if err = errors.Join(err, flushAll(masked), closeAll(files)); err != nil {
		fmt.Fprintf(say, "steps.Run: %v\n", err)
		return max(status, 1)
	}
	return status
}

// open adds the reports of formats to r, those with a file in a file
// created now, written through mask; the files are returned to be closed.
func (r *record) open(formats []format, out io.Writer, mask func(io.Writer) io.Writer) ([]*os.File, error) {
	var files []*os.File
	for _, f := range formats {
		w := out
		if f.path != "" {
			file, err := os.Create(f.path)
			if err != nil {
				return files, fmt.Errorf("the %s report: %w", f.name, err)
			}
			files = append(files, file)
			w = mask(file)
		}
		switch f.name {
		case "pretty", "progress":
			r.texts = append(r.texts, &textReport{w: w, pretty: f.name == "pretty"})
		case "junit":
			r.files = append(r.files, fileReport{w: w, write: writeJUnit})
		case "cucumber":
			r.files = append(r.files, fileReport{w: w, write: writeCucumber})
		}
	}
	return files, nil
}

// flushAll passes on what the masking writers hold back.
func flushAll(ws []*redact.Writer) error {
	var errs []error
	for _, w := range ws {
		errs = append(errs, w.Flush())
	}
	return errors.Join(errs...)
}

// closeAll closes files once: a file already closed is left alone.
func closeAll(files []*os.File) error {
	var errs []error
	for _, f := range files {
		if err := f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// WriteCatalog prints the step catalog: each step as a readable sentence
// (Sentence), an example, what it does, and the exact pattern godog
// matches, grouped as in the guide.
func WriteCatalog(w io.Writer, markdown bool) {
	group := ""
	for _, s := range catalog {
		if s.Group != group {
			group = s.Group
			if markdown {
				fmt.Fprintf(w, "\n## %s\n", group)
			} else {
				fmt.Fprintf(w, "\n%s\n%s\n", group, strings.Repeat("=", len(group)))
			}
		}
		if markdown {
			fmt.Fprintf(w, "\n**%s**  \n%s  \nExample: `%s`  \nPattern: `%s`\n", s.Sentence(), s.Doc, strings.ReplaceAll(s.Example, "\n", " "), s.Pattern)
		} else {
			fmt.Fprintf(w, "\n  %s\n    %s\n    e.g. %s\n", s.Sentence(), s.Doc, strings.ReplaceAll(s.Example, "\n", "\n         "))
		}
	}
}

// placeholders name what a step's capture groups take.
var placeholders = strings.NewReplacer(
	`"([^"]*)"`, `"…"`,
	`\{(\w+)\}`, "{macro}",
	`(\d+(?:\.\d\d)?)`, "AMOUNT",
	`(\d+\.\d\d)`, "AMOUNT",
	`(\d+(?:\.\d+)?)`, "N",
	`(\d{3})`, "NNN",
	`\d{3}`, "NNN",
	`(\d+)`, "N",
	`([A-Z]{3})`, "CUR",
	`([A-Z]{2})`, "CC",
	`([a-z_0-9]+)`, "name",
	`(\S*)`, "value",
	`(\w+)`, "name",
	`(.+)`, "…",
	`(.*)`, "value",
)

// plurals mark the letters a pattern makes optional, first with markers
// that the group rewriting leaves alone, then as (s) and a(n).
var (
	plurals       = strings.NewReplacer(`s?`, "\x00s\x01", `an? `, "a\x00n\x01 ")
	pluralMarkers = strings.NewReplacer("\x00", "(", "\x01", ")")
)

var (
	optionalGroup = regexp.MustCompile(`\(\?:([^()]*)\)\?`) // (?:x)? → [x]
	plainGroup    = regexp.MustCompile(`\(\?:([^()]*)\)`)   // (?:x|y) → x|y
	captureGroup  = regexp.MustCompile(`\(([^()?]*)\)`)     // (x|y) → x|y
)

// Sentence returns the step as a person reads it: placeholders for values,
// alternatives as a|b, optional parts in [brackets].
func (s Step) Sentence() string {
	out := strings.TrimSuffix(strings.TrimPrefix(s.Pattern, "^"), "$")
	out = plurals.Replace(placeholders.Replace(out))
	for {
		next := optionalGroup.ReplaceAllString(out, "[$1]")
		next = plainGroup.ReplaceAllString(next, "$1")
		next = captureGroup.ReplaceAllString(next, "$1")
		if next == out {
			return pluralMarkers.Replace(out)
		}
		out = next
	}
}

// Preflight checks that t's reporting API answers before a suite starts,
// so that a wrong URL or API key fails in one line rather than in every
// scenario. A tracker without a reporting API (ErrNotSupported) passes.
func Preflight(ctx context.Context, t Tracker) error {
	if _, err := t.Conversions(ctx, "cbsim-preflight"); err != nil && !errors.Is(err, ErrNotSupported) {
		return fmt.Errorf("the tracker's reporting API does not answer: %w", err)
	}
	return nil
}
