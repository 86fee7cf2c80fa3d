package load

import (
	"strings"
	"sync"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/money"
)

// Defaults of a Ledger's bounds.
const (
	// DefaultMaxClicks is how many click ids a Ledger keeps when MaxClicks
	// is 0. A kept click of five postbacks holds about 1 KB (measured:
	// 10.7 MB retained for 10,000 such clicks; BenchmarkLedgerFill), so the
	// default keeps the ledger near 10 MB however long the run, and
	// Verify reads 10,000 clicks back in seconds. Past the bound a
	// postback is counted without allocating (BenchmarkLedgerAddFull).
	DefaultMaxClicks = 10000
	// DefaultMaxPerClick is how many postbacks a Ledger keeps for one
	// click id when MaxPerClick is 0. A journey sends at most a few per
	// click id (an impression, a purchase, its upsells and their
	// duplicates); a click id that gets more (journeys drawing on a pool of
	// clicks) is not checked, since what it should hold is no longer known.
	DefaultMaxPerClick = 64
)

// Ledger records what was delivered to each click id, for Verify: it
// consumes the engine's Results (postbacks only; clicks are ignored).
//
// It is bounded so that memory stays flat in a long run: it keeps the
// first MaxClicks click ids it sees, each with at most MaxPerClick
// postbacks, and counts what it did not keep. [choice] The first click ids
// are kept, not a sample spread over the run: it is deterministic for a
// seed, and those clicks had the longest time to be recorded.
//
// The zero value is ready to use; set the bounds before the first Add. A
// Ledger is safe for concurrent use.
type Ledger struct {
	// MaxClicks bounds the click ids kept; 0 means DefaultMaxClicks.
	MaxClicks int
	// MaxPerClick bounds the postbacks kept per click id; 0 means
	// DefaultMaxPerClick.
	MaxPerClick int

	mu     sync.Mutex              // guards the fields below
	clicks map[string]*ledgerClick // by click id
	order  []*ledgerClick          // in the order first seen
	stats  LedgerStats
}

// LedgerStats counts what a Ledger was given and what it kept.
type LedgerStats struct {
	Clicks           int `json:"clicks"`             // click ids kept
	Postbacks        int `json:"postbacks"`          // postbacks kept
	Delivered        int `json:"delivered"`          // of those, answered 2xx (and not refused)
	Failed           int `json:"failed"`             // of those, not answered 2xx: not expected to be recorded
	Duplicates       int `json:"duplicates"`         // of those, deliberate duplicate deliveries
	PostbacksNotKept int `json:"postbacks_not_kept"` // postbacks of click ids past MaxClicks
	Overflowed       int `json:"overflowed"`         // click ids past MaxPerClick postbacks: not checked
	NoClickID        int `json:"no_click_id"`        // postbacks without a click id: not checkable
}

// ledgerClick is what was delivered to one click id.
type ledgerClick struct {
	id        string
	postbacks []ledgerPostback
	overflow  bool // more than MaxPerClick postbacks came: not checked
}

// ledgerPostback is one postback as Verify needs it.
type ledgerPostback struct {
	Event     simulator.EventType
	Role      simulator.Role
	EventID   string
	Receipt   string
	Sum       money.Cents
	Duplicate bool   // a deliberate second delivery (FaultDuplicate)
	OK        bool   // the tracker answered 2xx and did not refuse it
	Reason    Reason // why not, when not OK
}

// Add records one Result; a click's Result is ignored.
func (l *Ledger) Add(r *Result) {
	if r.Kind != KindPostback {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.add(r)
}

// AddAll records a batch of Results, as the engine streams them.
func (l *Ledger) AddAll(rs []Result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range rs {
		if rs[i].Kind == KindPostback {
			l.add(&rs[i])
		}
	}
}

// add records a postback's Result; l.mu is held.
func (l *Ledger) add(r *Result) {
	if r.ClickID == "" {
		l.stats.NoClickID++
		return
	}
	c, ok := l.clicks[r.ClickID]
	if !ok {
		if len(l.order) >= ledgerBound(l.MaxClicks, DefaultMaxClicks) {
			l.stats.PostbacksNotKept++
			return
		}
		if l.clicks == nil {
			l.clicks = map[string]*ledgerClick{}
		}
		// Copies, so that a kept id does not pin the request's whole URL.
		c = &ledgerClick{id: strings.Clone(r.ClickID)}
		l.clicks[c.id] = c
		l.order = append(l.order, c)
		l.stats.Clicks++
	}
	if c.overflow {
		return
	}
	if len(c.postbacks) >= ledgerBound(l.MaxPerClick, DefaultMaxPerClick) {
		c.overflow = true
		l.stats.Overflowed++
		return
	}
	p := ledgerPostback{Event: r.Event, Role: r.Role, EventID: strings.Clone(r.EventID), Receipt: strings.Clone(r.Receipt),
		Sum: r.Sum, Duplicate: r.Fault == FaultDuplicate, OK: r.OK(), Reason: r.Reason}
	c.postbacks = append(c.postbacks, p)
	l.stats.Postbacks++
	if p.OK {
		l.stats.Delivered++
	} else {
		l.stats.Failed++
	}
	if p.Duplicate {
		l.stats.Duplicates++
	}
}

// Stats returns what the ledger was given and kept so far.
func (l *Ledger) Stats() LedgerStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats
}

// snapshot returns the kept clicks in the order first seen, with copies
// of their postbacks, so that Verify may run while Adds continue.
func (l *Ledger) snapshot() []ledgerClick {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]ledgerClick, len(l.order))
	for i, c := range l.order {
		out[i] = ledgerClick{id: c.id, postbacks: append([]ledgerPostback(nil), c.postbacks...), overflow: c.overflow}
	}
	return out
}

// ledgerBound returns v, or def when v is not positive.
func ledgerBound(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
