package steps

// Why a scenario, or a step, was skipped.

import "github.com/cucumber/godog"

// SkipError is what a hook or a step returns for a scenario, or a step,
// that the tracker under test cannot run: it wraps godog.ErrSkip, so godog
// reports the scenario as skipped, and it says why.
type SkipError struct {
	Reason string // "it configures the tracker (@reference), and …"
}

func (e *SkipError) Error() string { return "skipped: " + e.Reason }

// Unwrap returns godog.ErrSkip.
func (e *SkipError) Unwrap() error { return godog.ErrSkip }
