package simulator

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Replay resends the failed delivery numbered n in the journal to the same
// URL, through the Dispatcher (retrying as it is configured), and journals
// the resend as a new delivery with Replay set and ReplayOf = n. The notes
// of building it are not journaled again. A number the journal does not
// hold (never journaled, rolled off, or before a Reset) is a
// *NotFoundError; a delivery that did not fail (Failed), or that a
// journaled delivery already replays, is a *ParamError naming "n": a
// double click or a retried request does not send it twice.
func (s *Simulator) Replay(ctx context.Context, n int64) (Delivery, error) {
	s.replaying.Lock() // one replay at a time, beside ReplayFailed too: a delivery is resent once
	defer s.replaying.Unlock()
	d, ok := s.Journal.Get(n)
	if !ok {
		return Delivery{}, &NotFoundError{Kind: "delivery", Name: strconv.FormatInt(n, 10), Known: s.keptNumbers()}
	}
	if !d.Failed() {
		why := "delivered"
		if !d.Delivered {
			why = "skipped (" + d.Skipped + ")"
		}
		return Delivery{}, &ParamError{Param: "n", Err: fmt.Errorf("delivery %d was %s: only a failed delivery can be replayed", n, why)}
	}
	if m, ok := s.replayedBy(n); ok {
		return Delivery{}, &ParamError{Param: "n", Err: fmt.Errorf("delivery %d was already replayed as #%d: replay #%d if that failed too", n, m, m)}
	}
	return s.replay(ctx, n, d), nil
}

// replayedBy returns the number of the journaled delivery that replays
// delivery n, if one does.
func (s *Simulator) replayedBy(n int64) (int64, bool) {
	p := s.Journal.Page(n+1, math.MaxInt)
	for i, d := range p.Deliveries {
		if d.Replay && d.ReplayOf == n {
			return p.Offset + int64(i), true
		}
	}
	return 0, false
}

// ReplayFailed replays (Replay) every failed delivery journaled at or
// after since that no later delivery in the journal replays, oldest
// first, and returns the replays. A chain of failures (a delivery, its
// failed replay, ...) is resent once: from its latest link. Deliveries
// journaled while it runs, its own replays among them, are not replayed.
// Once ctx is cancelled the rest are journaled as not sent.
func (s *Simulator) ReplayFailed(ctx context.Context, since time.Time) []Delivery {
	s.replaying.Lock()
	defer s.replaying.Unlock()
	p := s.Journal.Page(0, math.MaxInt)
	replayed := map[int64]bool{}
	for i := range p.Deliveries {
		if d := &p.Deliveries[i]; d.Replay {
			replayed[d.ReplayOf] = true
		}
	}
	out := []Delivery{}
	for i, d := range p.Deliveries {
		n := p.Offset + int64(i)
		if d.Failed() && !d.At.Before(since) && !replayed[n] {
			out = append(out, s.replay(ctx, n, d))
		}
	}
	return out
}

// replay resends d, numbered n, and journals the resend.
func (s *Simulator) replay(ctx context.Context, n int64, d Delivery) Delivery {
	r := d
	r.Attempts, r.Delivered, r.Skipped, r.At, r.seq = nil, false, "", time.Time{}, 0
	r.Replay, r.ReplayOf = true, n
	if ctx.Err() != nil {
		r.Skipped = notSent + ctx.Err().Error()
	}
	return s.journal(s.Dispatcher.Send(ctx, r))
}

// keptNumbers describes the delivery numbers the journal holds, for a
// *NotFoundError.
func (s *Simulator) keptNumbers() []string {
	p := s.Journal.Page(0, 0)
	if p.Total == p.RolledOff {
		return []string{"none: the journal holds no delivery"}
	}
	return []string{fmt.Sprintf("%d to %d", p.RolledOff, p.Total-1)}
}
