package steps

// The pretty and progress reports, and the summary both end with.

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cucumber/godog"
)

// progressPerLine is how many steps a progress line shows.
const progressPerLine = 70

// textReport is a pretty or progress report. Its methods are called with
// the record's lock held.
type textReport struct {
	w      io.Writer
	pretty bool
	last   *featureDoc // pretty: the feature whose header was written last
	steps  int         // progress: the steps shown
}

// scenarioStarted writes the scenario's header when steps are followed
// one by one.
func (t *textReport) scenarioStarted(r *record, s *scenarioRun) {
	if t.pretty && r.stream {
		t.header(s)
	}
}

// stepDone writes the step: a character in progress, a line in pretty
// when steps are followed one by one.
func (t *textReport) stepDone(r *record, s *scenarioRun, i int) {
	switch {
	case !t.pretty:
		fmt.Fprint(t.w, progressMarks[s.steps[i].status])
		if t.steps++; t.steps%progressPerLine == 0 {
			fmt.Fprintf(t.w, " %d\n", t.steps)
		}
	case r.stream:
		t.step(s, i)
	}
}

// scenarioDone writes the whole scenario when scenarios run at once and
// their steps could not be followed one by one.
func (t *textReport) scenarioDone(r *record, s *scenarioRun) {
	if t.pretty && !r.stream {
		t.header(s)
		for i := range s.done {
			t.step(s, i)
		}
	}
}

var progressMarks = map[godog.StepResultStatus]string{passed: ".", failed: "F", skipped: "-", undefined: "U", pending: "P", ambiguous: "A"}

// header writes the feature's header if it changed, then the scenario's.
func (t *textReport) header(s *scenarioRun) {
	if t.last != s.f {
		if t.last != nil {
			fmt.Fprintln(t.w)
		}
		fmt.Fprintf(t.w, "%s: %s\n", cmp.Or(s.f.keyword, "Feature"), s.f.name)
		for _, l := range descriptionLines(s.f.description) {
			fmt.Fprintln(t.w, "  "+l)
		}
		t.last = s.f
	}
	head := "  " + s.f.scenario(s.p).keyword + ": " + s.p.Name
	fmt.Fprintf(t.w, "\n%s%s# %s:%d\n", head, pad(head, width(s)), s.p.Uri, s.f.pickleLine(s.p))
}

// width is the column of a scenario's comments.
func width(s *scenarioRun) int {
	w := utf8.RuneCountInString("  " + s.f.scenario(s.p).keyword + ": " + s.p.Name)
	for _, st := range s.p.Steps {
		w = max(w, utf8.RuneCountInString(stepLine(s, st)))
	}
	return w + 1
}

func pad(s string, width int) string {
	return strings.Repeat(" ", max(1, width-utf8.RuneCountInString(s)))
}

// stepLine is a step as written: keyword and text.
func stepLine(s *scenarioRun, st *godog.Step) string {
	return "    " + strings.TrimSpace(s.f.step(st).keyword) + " " + st.Text
}

// location names the method a step runs, or says none matches.
func location(text string) string {
	if s, ok := lookup(text); ok {
		return s.method
	}
	return "undefined"
}

// step writes step i of s: its line and location (with its outcome unless
// it passed), its table or doc string, and why it failed or was skipped.
func (t *textReport) step(s *scenarioRun, i int) {
	st, res := s.p.Steps[i], s.steps[i]
	line := stepLine(s, st)
	mark := ""
	if res.status != passed {
		mark = " [" + res.status.String() + "]"
	}
	fmt.Fprintf(t.w, "%s%s# %s%s\n", line, pad(line, width(s)), location(st.Text), mark)
	if arg := st.Argument; arg != nil {
		if arg.DataTable != nil {
			var rows [][]string
			for _, r := range arg.DataTable.Rows {
				var cells []string
				for _, c := range r.Cells {
					cells = append(cells, c.Value)
				}
				rows = append(rows, cells)
			}
			writeTable(t.w, "      ", rows)
		}
		if arg.DocString != nil {
			fmt.Fprintln(t.w, `      """`)
			for _, l := range strings.Split(arg.DocString.Content, "\n") {
				fmt.Fprintln(t.w, "      "+l)
			}
			fmt.Fprintln(t.w, `      """`)
		}
	}
	var se *SkipError
	switch {
	case res.status == skipped && errors.As(res.err, &se):
		fmt.Fprintln(t.w, "      skipped: "+se.Reason)
	case res.status == undefined:
		fmt.Fprintln(t.w, "      no sentence of the step library matches: the closest are listed at the end")
	case res.status != passed && res.err != nil:
		writeIndented(t.w, "      ", res.err.Error())
	}
}

func writeTable(w io.Writer, indent string, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString(indent + "|")
		for i, c := range r {
			b.WriteString(" " + c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)) + " |")
		}
		fmt.Fprintln(w, b.String())
	}
}

func writeIndented(w io.Writer, indent, text string) {
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintln(w, indent+l)
	}
}

// summary ends the report: the scenarios that failed and why, those that
// were skipped and why, the closest sentences to the undefined steps, the
// counts, the time and the seed.
func (t *textReport) summary(r *record, c counts) {
	if !t.pretty && t.steps%progressPerLine != 0 {
		fmt.Fprintf(t.w, "%s %d\n", strings.Repeat(" ", progressPerLine-t.steps%progressPerLine), t.steps)
	}
	t.failures(r)
	t.skips(r)
	t.undefinedSteps(r)
	fmt.Fprintf(t.w, "\n%d scenarios (%s)\n", c.total, outcomes(c.scenarios))
	fmt.Fprintf(t.w, "%d steps (%s)\n", c.stepTotal, outcomes(c.steps))
	fmt.Fprintln(t.w, time.Since(r.start).Round(time.Millisecond))
	fmt.Fprintf(t.w, "\nRandomized with seed: %d\n", r.seed)
}

// outcomes lists counts as "3 passed, 1 skipped".
func outcomes(n map[godog.StepResultStatus]int) string {
	var parts []string
	for _, o := range []godog.StepResultStatus{passed, failed, skipped, undefined, pending, ambiguous} {
		if n[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[o], o))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// failures lists the scenarios that did not pass or skip, with the step
// that failed and why.
func (t *textReport) failures(r *record) {
	title := false
	for _, s := range r.all {
		o, i := s.outcome()
		if o == passed || o == skipped {
			continue
		}
		if !title {
			fmt.Fprint(t.w, "\n--- Failed scenarios:\n")
			title = true
		}
		sc := s.f.scenario(s.p)
		fmt.Fprintf(t.w, "\n  %s:%d  %s: %s\n", s.p.Uri, s.f.pickleLine(s.p), sc.keyword, s.p.Name)
		switch {
		case i < 0 && len(s.p.Steps) == 0:
			fmt.Fprintln(t.w, "    it has no steps")
		case i < 0:
			fmt.Fprintf(t.w, "    it did not finish: %d of its %d steps ran\n", s.done, len(s.p.Steps))
		default:
			st := s.p.Steps[i]
			fmt.Fprintf(t.w, "    %s %s   # %s:%d\n", strings.TrimSpace(s.f.step(st).keyword), st.Text, s.p.Uri, s.f.step(st).line)
			if err := s.steps[i].err; err != nil && o != undefined {
				writeIndented(t.w, "      ", err.Error())
			} else {
				fmt.Fprintf(t.w, "      %s\n", o)
			}
		}
	}
}

// skips lists the skipped scenarios by reason.
func (t *textReport) skips(r *record) {
	var reasons []string
	by := map[string][]*scenarioRun{}
	for _, s := range r.all {
		if o, _ := s.outcome(); o != skipped {
			continue
		}
		why := cmp.Or(s.skipReason(), "a step was skipped")
		if by[why] == nil {
			reasons = append(reasons, why)
		}
		by[why] = append(by[why], s)
	}
	if len(reasons) == 0 {
		return
	}
	n := 0
	for _, ss := range by {
		n += len(ss)
	}
	fmt.Fprintf(t.w, "\n--- Skipped scenarios (%d): the tracker under test cannot run them\n", n)
	for _, why := range reasons {
		fmt.Fprintf(t.w, "\n  %s:\n", why)
		for _, s := range by[why] {
			_, i := s.outcome()
			var notes []string
			if tagged(s.p, tagCore) {
				notes = append(notes, tagCore)
			}
			if i > 0 {
				notes = append(notes, fmt.Sprintf("the steps before %q passed", s.p.Steps[i].Text))
			}
			note := ""
			if len(notes) > 0 {
				note = " (" + strings.Join(notes, "; ") + ")"
			}
			fmt.Fprintf(t.w, "    %s:%d  %s%s\n", s.p.Uri, s.f.pickleLine(s.p), s.p.Name, note)
		}
	}
}

// undefinedSteps answers each step no sentence matches with the closest
// sentences of the catalog.
func (t *textReport) undefinedSteps(r *record) {
	seen := map[string]bool{}
	for _, s := range r.all {
		for i, st := range s.p.Steps[:s.done] {
			if s.steps[i].status != undefined || seen[st.Text] {
				continue
			}
			if len(seen) == 0 {
				fmt.Fprint(t.w, "\n--- Undefined steps: no sentence of the step library matches them (`cbsim steps` lists every sentence)\n")
			}
			seen[st.Text] = true
			fmt.Fprintf(t.w, "\n  %s %s   # %s:%d\n    the closest sentences:\n", strings.TrimSpace(s.f.step(st).keyword), st.Text, s.p.Uri, s.f.step(st).line)
			for _, c := range closest(st.Text, 3) {
				example, _, _ := strings.Cut(c.Example, "\n")
				fmt.Fprintf(t.w, "      %s\n        e.g. %s\n", c.Sentence(), example)
			}
		}
	}
}
