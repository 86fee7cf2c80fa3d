package redtrack

import (
	"fmt"
	"time"
)

// DefaultLookback is how far before date_to a Query without From starts.
const DefaultLookback = 30 * 24 * time.Hour

// Window returns the dates that cover every one of times with a day to
// spare either side: from the earliest minus 24 hours to the latest plus 24
// hours, in UTC. The spare day covers an account whose report timezone is
// not UTC (RedTrack reads date_from/date_to as calendar days of the
// account). Without times it covers now.
//
// The harness uses it to cover both the scenario's event time (the
// simulator's fixed simulator.DefaultTime unless a scenario says) and the
// tracker's clock, which is when a real tracker records a conversion.
func Window(times ...time.Time) (from, to time.Time) {
	if len(times) == 0 {
		times = []time.Time{time.Now()}
	}
	lo, hi := times[0], times[0]
	for _, t := range times[1:] {
		if t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
	}
	return lo.Add(-24 * time.Hour).UTC(), hi.Add(24 * time.Hour).UTC()
}

// dateRange returns the date_from and date_to a query sends: its From and
// To as calendar dates in their own location; a zero To is tomorrow (UTC)
// by now, a zero From is DefaultLookback before To.
func dateRange(from, to time.Time, now time.Time) (string, string, error) {
	if to.IsZero() {
		to = now.UTC().Add(24 * time.Hour)
	}
	if from.IsZero() {
		from = to.Add(-DefaultLookback)
	}
	f, t := from.Format(time.DateOnly), to.Format(time.DateOnly)
	if t < f {
		return "", "", fmt.Errorf("date range %s to %s: To is before From", f, t)
	}
	return f, t, nil
}
