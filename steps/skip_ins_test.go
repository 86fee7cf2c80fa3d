package steps

import (
	"errors"
	"strings"
	"testing"

	messages "github.com/cucumber/messages/go/v34"
)

// TestINSVerdicts: a scenario with an INS step is skipped, saying which
// step and why, against a tracker that takes no INS, and runs against one
// that does; an INS step that reads the tracker's records is skipped
// without a reporting API.
func TestINSVerdicts(t *testing.T) {
	sc := &messages.Pickle{Name: "s", Steps: []*messages.PickleStep{
		{Text: "a visitor clicks the affiliate campaign"},
		{Text: "ClickBank refunds the purchase"},
		{Text: "ClickBank sends INS to the tracker"},
	}}
	t.Run("OK", func(t *testing.T) {
		if err := scenarioVerdict(sc, capabilities{ins: true, report: true}); err != nil {
			t.Fatalf("scenarioVerdict = %v, want nil", err)
		}
	})
	t.Run("ErrNoINS", func(t *testing.T) {
		err := scenarioVerdict(sc, capabilities{noINS: "the tracker under test takes no INS notifications: because"})
		var skip *SkipError
		if !errors.As(err, &skip) {
			t.Fatalf("scenarioVerdict = %v, want a *SkipError", err)
		}
		want := `it sends INS notifications ("ClickBank refunds the purchase"), and the tracker under test takes no INS notifications: because`
		if skip.Reason != want {
			t.Errorf("reason %q, want %q", skip.Reason, want)
		}
	})
	t.Run("ErrNoINSDefaultReason", func(t *testing.T) {
		err := scenarioVerdict(sc, capabilities{})
		if err == nil || !strings.Contains(err.Error(), "takes no INS notifications: it names no INS URL and secret") {
			t.Fatalf("scenarioVerdict = %v", err)
		}
	})
	t.Run("ErrNoReport", func(t *testing.T) {
		var skip *SkipError
		if err := stepVerdict("the purchase's conversion is reversed", capabilities{ins: true}); !errors.As(err, &skip) {
			t.Fatalf("stepVerdict = %v, want a *SkipError", err)
		}
		if err := stepVerdict("the tracker accepted every INS notification", capabilities{ins: true}); err != nil {
			t.Fatalf("stepVerdict = %v, want nil: the reply is all it reads", err)
		}
	})
}
