package load

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Check is the read-back after a run: what the tracker recorded of the
// delivered postbacks, read through its profile (Verify).
type Check struct {
	Reader  Reader
	Mode    DuplicateMode // the duplicate mode the tracker is configured with
	Options VerifyOptions
	// MaxClicks bounds the click ids the ledger keeps (and so the reads
	// afterwards); 0: DefaultMaxClicks.
	MaxClicks int
	// MaxPerClick bounds the postbacks kept per click id; 0:
	// DefaultMaxPerClick. Journeys that share clicks (a Pool) need more.
	MaxPerClick int
}

// Run is one `cbsim load` run: the attack, its metrics, the live
// progress and the check afterwards.
type Run struct {
	Attack Config
	Params RunParams           // as the report prints them
	Redact func(string) string // masks secrets in the report's target; nil: RedactURL
	// Progress shows the run live; nil: nothing is shown.
	Progress *Progress
	// Check reads the tracker back afterwards; nil: no check.
	Check *Check
	// Before are Results of requests made before the attack (the clicks
	// of a --clicks pool); they count in the report.
	Before []Result
}

// Do runs the attack to its end, then the check, and returns the report.
// When ctx ends first, the report covers what was sent until then, says
// Interrupted, and holds no check.
// The tracker's faults are in the report; the error is cbsim's own (a bad
// configuration, a check that cannot read the tracker at all).
func (r *Run) Do(ctx context.Context) (*Report, error) {
	a, err := NewAttacker(r.Attack)
	if err != nil {
		return nil, err
	}
	m := NewMetrics()
	m.AddBatch(r.Before)
	var ledger *Ledger
	if r.Check != nil {
		ledger = &Ledger{MaxClicks: r.Check.MaxClicks, MaxPerClick: r.Check.MaxPerClick}
	}
	results := make(chan []Result, 4*max(r.Attack.Connections, 1))
	var consumed sync.WaitGroup
	consumed.Go(func() {
		for batch := range results {
			m.AddBatch(batch)
			if ledger != nil {
				ledger.AddAll(batch)
			}
		}
	})
	pctx, stopProgress := context.WithCancel(ctx)
	var shown sync.WaitGroup
	if r.Progress != nil {
		shown.Go(func() { r.Progress.Run(pctx, m.Live) })
	}
	start := time.Now()
	err = a.Attack(ctx, results)
	wall := time.Since(start)
	close(results)
	consumed.Wait()
	stopProgress()
	shown.Wait() // Progress.Run ends its line
	if err != nil {
		return nil, err
	}
	m.Wall = wall
	m.Close()
	rep := m.Report(r.Params, r.Redact)
	rep.Interrupted = ctx.Err() != nil
	if r.Check != nil && !rep.Interrupted {
		v, err := Verify(ctx, r.Check.Reader, ledger, r.Check.Mode, r.Check.Options)
		if err != nil {
			return rep, fmt.Errorf("check what the tracker recorded: %w", err)
		}
		rep.Verdict = &v
	}
	return rep, nil
}
