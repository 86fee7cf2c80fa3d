package steps

// The JUnit report.

import (
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// junitCounts are the attributes a suite and the suites both carry.
type junitCounts struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Skipped  int    `xml:"skipped,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Time     string `xml:"time,attr"`
}

// add adds the counts of c.
func (n *junitCounts) add(c junitCounts) {
	n.Tests += c.Tests
	n.Skipped += c.Skipped
	n.Failures += c.Failures
	n.Errors += c.Errors
}

type junitSuites struct {
	XMLName xml.Name `xml:"testsuites"`
	junitCounts
	Suites []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	junitCounts
	Properties *junitProperties `xml:"properties"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Property []Property `xml:"property"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure"`
	Error     *junitMessage `xml:"error"`
	Skipped   *junitMessage `xml:"skipped"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
}

// seconds formats a duration as JUnit's time: seconds, never negative.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(max(d, 0).Seconds(), 'f', 6, 64)
}

// writeJUnit writes the run as JUnit XML: a test suite per feature, a test
// case per scenario, in the order of the files. A test case's time is its
// scenario's, a suite's the sum of its cases', the whole's the run's (godog
// measured a suite from its first scenario in file order to the last, which
// came out negative when the order was random).
func writeJUnit(w io.Writer, r *record) error {
	out := junitSuites{junitCounts: junitCounts{Name: "cbsim", Time: seconds(time.Since(r.start))}}
	var suite *junitSuite
	var feature *featureDoc
	var suiteTime time.Duration
	names := map[string]int{}
	for _, s := range r.all {
		if feature != s.f {
			if suite != nil {
				suite.Time = seconds(suiteTime)
				out.Suites = append(out.Suites, *suite)
			}
			suite, feature, suiteTime, names = &junitSuite{junitCounts: junitCounts{Name: s.f.name}}, s.f, 0, map[string]int{}
			if len(r.props) > 0 {
				suite.Properties = &junitProperties{Property: r.props}
			}
		}
		d := s.end().Sub(s.start)
		suiteTime += max(d, 0)
		c := junitCase{Name: s.p.Name, Classname: s.f.name, Time: seconds(d)}
		if names[s.p.Name]++; names[s.p.Name] > 1 {
			c.Name += fmt.Sprintf(" #%d", names[s.p.Name])
		}
		o, i := s.outcome()
		at := ""
		if i >= 0 {
			at = "Step " + s.p.Steps[i].Text + ": "
		}
		switch o {
		case passed:
		case skipped:
			c.Skipped = &junitMessage{Message: cmp.Or(s.skipReason(), at+"skipped")}
			suite.Skipped++
		case failed:
			msg := fmt.Sprintf("did not finish: %d of its %d steps ran", s.done, len(s.steps))
			if i >= 0 && s.steps[i].err != nil {
				msg = at + s.steps[i].err.Error()
			}
			c.Failure = &junitMessage{Message: msg, Type: "failed"}
			suite.Failures++
		default:
			c.Error = &junitMessage{Message: at + o.String(), Type: o.String()}
			suite.Errors++
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, c)
	}
	if suite != nil {
		suite.Time = seconds(suiteTime)
		out.Suites = append(out.Suites, *suite)
	}
	for _, s := range out.Suites {
		out.add(s.junitCounts)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write the JUnit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	err := enc.Encode(out)
	if err == nil {
		_, err = io.WriteString(w, "\n")
	}
	return errors.Join(err, enc.Close())
}
