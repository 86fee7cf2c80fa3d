package steps

// Which scenarios the tracker under test cannot run, and why.

import (
	"fmt"
	"strings"

	"github.com/cucumber/godog"
)

// SkipError is what Register's hooks return for a scenario, or a step, that
// the tracker under test cannot run: it wraps godog.ErrSkip, so godog
// reports the scenario as skipped, and it says why.
type SkipError struct {
	Reason string // "it configures the tracker (@reference), and …"
}

// Error says the scenario, or the step, was skipped, and why.
func (e *SkipError) Error() string { return "skipped: " + e.Reason }

// Unwrap returns godog.ErrSkip.
func (e *SkipError) Unwrap() error { return godog.ErrSkip }

// need is a set of what a scenario or a step needs of the tracker.
type need int

const (
	needConfigure need = 1 << iota // a steps.Configurable (@reference)
	needRestart                    // a steps.Restarter (@restart)
	needReport                     // a reporting API
	needINS                        // an INSReceiver that takes INS
)

// Tags that decide what a scenario needs or may not do.
const (
	tagReference = "@reference" // configures the tracker
	tagRestart   = "@restart"   // restarts the tracker
	tagCore      = "@core"      // checks that money and click ids arrive intact: never skipped
)

// needsOf returns what a catalog step needs: the tracker setup steps a
// configurable tracker, "the tracker restarts" a restarter, and the steps
// that read what the tracker recorded a reporting API ("the tracker refused
// …" reads the HTTP reply when there is none); the INS steps a tracker that
// takes INS, and those of them that read what it recorded a reporting API
// too.
func needsOf(s compiledStep) need {
	switch {
	case s.Group == "INS" && (strings.HasSuffix(s.method, ".insRecordedAs") || strings.HasSuffix(s.method, ".insReversed")):
		return needINS | needReport
	case s.Group == "INS":
		return needINS
	case s.Group == "Tracker setup":
		return needConfigure
	case strings.HasSuffix(s.method, ".trackerRestarts"):
		return needRestart
	case s.Group == "What the tracker recorded" && !strings.HasSuffix(s.method, ".refused"):
		return needReport
	}
	return 0
}

// stepNeeds returns what the step with this text needs (nothing when no
// catalog step matches: godog reports it as undefined).
func stepNeeds(text string) need {
	s, ok := lookup(text)
	if !ok {
		return 0
	}
	return needsOf(s)
}

// tagged reports whether the scenario carries the tag (its feature's
// tags included).
func tagged(sc *godog.Scenario, tag string) bool {
	for _, t := range sc.Tags {
		if t.Name == tag {
			return true
		}
	}
	return false
}

// scenarioVerdict decides, before its first step, whether the scenario can
// run against a tracker that can do what caps say: nil when it can; a
// *SkipError saying why when it cannot run at all (it configures or
// restarts a tracker that cannot be); an error failing the scenario when it
// is @core, which is never skipped. A scenario that only reads what the
// tracker recorded runs up to that step (stepVerdict).
func scenarioVerdict(sc *godog.Scenario, caps capabilities) error {
	var n need
	var because [3]string // the tag or the first sentence that makes the need
	if tagged(sc, tagReference) {
		n, because[0] = n|needConfigure, tagReference
	}
	if tagged(sc, tagRestart) {
		n, because[1] = n|needRestart, tagRestart
	}
	for _, st := range sc.Steps {
		switch sn := stepNeeds(st.Text); {
		case sn == needConfigure && because[0] == "":
			n, because[0] = n|sn, fmt.Sprintf("%q", st.Text)
		case sn == needRestart && because[1] == "":
			n, because[1] = n|sn, fmt.Sprintf("%q", st.Text)
		case sn&needINS != 0 && because[2] == "":
			n, because[2] = n|needINS, fmt.Sprintf("%q", st.Text)
		}
	}
	var why []string
	if n&needConfigure != 0 && !caps.configure {
		why = append(why, "it configures the tracker ("+because[0]+"), and "+caps.whyNot(needConfigure))
	}
	if n&needRestart != 0 && !caps.restart {
		why = append(why, "it restarts the tracker ("+because[1]+"), and "+caps.whyNot(needRestart))
	}
	if n&needINS != 0 && !caps.ins {
		why = append(why, "it sends INS notifications ("+because[2]+"), and "+caps.whyNot(needINS))
	}
	if len(why) == 0 {
		return nil
	}
	reason := strings.Join(why, "; ")
	if tagged(sc, tagCore) {
		return fmt.Errorf("this %s scenario is never skipped, and the tracker under test cannot run it: %s", tagCore, reason)
	}
	return &SkipError{Reason: reason}
}

// stepVerdict decides, before a step, whether it can run: a step that reads
// what the tracker recorded, against a tracker without a reporting API, is
// skipped with the reason (and godog skips the steps after it). This holds
// for @core scenarios too: they still run, and what ClickBank sent is
// checked up to that step.
func stepVerdict(text string, caps capabilities) error {
	if caps.report || stepNeeds(text)&needReport == 0 {
		return nil
	}
	return &SkipError{Reason: "it asserts what the tracker recorded, and " + caps.whyNot(needReport)}
}
