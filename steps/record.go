package steps

// What a suite records of its scenarios as they run, for every report.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/cucumber/godog"
)

// Step and scenario outcomes, as godog names them.
const (
	passed    = godog.StepPassed
	failed    = godog.StepFailed
	skipped   = godog.StepSkipped
	undefined = godog.StepUndefined
	pending   = godog.StepPending
	ambiguous = godog.StepAmbiguous
)

// scenarioRun is one scenario (one pickle: an outline gives one per example
// row) and what happened to it.
type scenarioRun struct {
	f     *featureDoc
	p     *godog.Scenario
	start time.Time
	begun bool
	steps []stepRun // one per step of p, filled in order
	done  int       // steps recorded
}

// stepRun is what happened to one step.
type stepRun struct {
	status godog.StepResultStatus
	err    error     // the failure, or the *SkipError saying why it was skipped
	end    time.Time // when it finished
}

// finished reports whether every step of the scenario was recorded.
func (s *scenarioRun) finished() bool { return s.begun && s.done == len(s.steps) }

// end is when the scenario's last recorded step finished.
func (s *scenarioRun) end() time.Time {
	if s.done == 0 {
		return s.start
	}
	return s.steps[s.done-1].end
}

// outcome returns the scenario's outcome and the step that decided it (-1
// when none did): the first step that failed, was undefined, pending or
// ambiguous; else the first step skipped; else passed. A scenario that did
// not finish failed; one without steps is undefined.
func (s *scenarioRun) outcome() (godog.StepResultStatus, int) {
	if len(s.p.Steps) == 0 {
		return undefined, -1
	}
	skip := -1
	for i, st := range s.steps[:s.done] {
		switch st.status {
		case passed:
		case skipped:
			if skip < 0 {
				skip = i
			}
		default:
			return st.status, i
		}
	}
	switch {
	case !s.finished():
		return failed, -1
	case skip >= 0:
		return skipped, skip
	}
	return passed, -1
}

// skipReason returns why the scenario was skipped, if a step says why.
func (s *scenarioRun) skipReason() string {
	for _, st := range s.steps[:s.done] {
		var se *SkipError
		if errors.As(st.err, &se) {
			return se.Reason
		}
	}
	return ""
}

// record is what a suite records of its scenarios; it feeds the text
// reports as scenarios run and writes every report at the end. It is safe
// for concurrent scenarios.
type record struct {
	start      time.Time
	seed       uint64
	props      []Property // of the run, for the JUnit and cucumber reports
	failOnSkip bool
	stream     bool // scenarios run one at a time: pretty reports follow every step
	testing    bool // scenarios run as subtests, which log why they were skipped
	features   []*featureDoc
	texts      []*textReport
	files      []fileReport // JUnit and cucumber, written at the end

	mu   sync.Mutex              // guards what follows, and writes to the reports
	runs map[string]*scenarioRun // by pickle id
	all  []*scenarioRun          // in the order of the files
}

// fileReport is a report written once, at the end of the run.
type fileReport struct {
	w     io.Writer
	write func(io.Writer, *record) error
}

// addFeature adds a parsed feature file and its pickles (the scenarios
// selected by the tags).
func (r *record) addFeature(f *featureDoc, pickles []*godog.Scenario) {
	r.features = append(r.features, f)
	for _, p := range pickles {
		s := &scenarioRun{f: f, p: p, steps: make([]stepRun, len(p.Steps))}
		r.runs[p.Id] = s
		r.all = append(r.all, s)
	}
}

// hooks records what happens to the scenario of sc.
func (r *record) hooks(sc *godog.ScenarioContext) {
	var s *scenarioRun
	sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		s = r.begin(p)
		return ctx, nil
	})
	sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
		r.stepDone(s, st, status, err)
		var se *SkipError
		if r.testing && errors.As(err, &se) {
			godog.Logf(ctx, "skipped: %s", se.Reason) // go test -v shows why the subtest passed
		}
		return ctx, nil
	})
}

// begin records that the scenario of pickle p starts.
func (r *record) begin(p *godog.Scenario) *scenarioRun {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.runs[p.Id]
	if s == nil || s.p.Uri != p.Uri || s.p.Name != p.Name {
		// Not a scenario the run parsed: show it as it comes.
		f := &featureDoc{uri: p.Uri, name: p.Uri}
		s = &scenarioRun{f: f, p: p, steps: make([]stepRun, len(p.Steps))}
		r.all = append(r.all, s)
	}
	s.begun, s.start = true, time.Now()
	for _, t := range r.texts {
		t.scenarioStarted(r, s)
	}
	return s
}

// stepDone records the outcome of step st of s. With failOnSkip, a step
// skipped because the tracker cannot run it fails instead.
func (r *record) stepDone(s *scenarioRun, st *godog.Step, status godog.StepResultStatus, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s == nil || s.done >= len(s.steps) || s.p.Steps[s.done].Id != st.Id {
		return // a step of no scenario the run knows: godog ran it outside a pickle
	}
	var se *SkipError
	if status == skipped && r.failOnSkip && errors.As(err, &se) {
		status, err = failed, fmt.Errorf("not run, and this run fails on a skip: %s", se.Reason)
	}
	s.steps[s.done] = stepRun{status: status, err: err, end: time.Now()}
	s.done++
	for _, t := range r.texts {
		t.stepDone(r, s, s.done-1)
		if s.finished() {
			t.scenarioDone(r, s)
		}
	}
}

// counts are the outcomes of a run's scenarios and steps.
type counts struct {
	scenarios, steps map[godog.StepResultStatus]int
	total, stepTotal int
}

// failures is how many scenarios failed in any way.
func (c counts) failures() int {
	return c.scenarios[failed] + c.scenarios[undefined] + c.scenarios[pending] + c.scenarios[ambiguous]
}

// count counts the outcomes; r.mu must be held.
func (r *record) count() counts {
	c := counts{scenarios: map[godog.StepResultStatus]int{}, steps: map[godog.StepResultStatus]int{}}
	for _, s := range r.all {
		o, _ := s.outcome()
		c.scenarios[o]++
		c.total++
		for _, st := range s.steps[:s.done] {
			c.steps[st.status]++
			c.stepTotal++
		}
	}
	return c
}

// finish writes the summaries and the file reports, and returns the run's
// status: 0 when every scenario that ran passed and one did at least; 1
// when one failed (or, with failOnSkip, was skipped); 2 when none ran.
func (r *record) finish(out io.Writer, godogStatus int, tags string) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.count()
	var errs []error
	for _, t := range r.texts {
		t.summary(r, c)
	}
	for _, f := range r.files {
		if err := f.write(f.w, r); err != nil {
			errs = append(errs, err)
		}
	}
	switch {
	case c.failures() > 0 || godogStatus == 1:
		return 1, errors.Join(errs...)
	case c.scenarios[passed] == 0:
		fmt.Fprintf(out, "no scenario ran: the %d selected (tags %q) were all skipped\n", c.total, tags)
		return 2, errors.Join(errs...)
	case godogStatus != 0:
		return godogStatus, errors.Join(errs...)
	}
	return 0, errors.Join(errs...)
}
