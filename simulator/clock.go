package simulator

import (
	"sync"
	"time"
)

// Clock is the simulator's movable clock: the real time shifted by an
// offset that tests and the control API move (Advance, Set), so a hop
// cookie's 60-day referral window (docs/clickbank.md §3) can run out in a
// test that lasts a second. The zero value reads the real time; a nil
// *Clock does too. It is safe for concurrent use.
type Clock struct {
	// Base is the real clock; nil = time.Now. Set it before first use.
	Base func() time.Time

	mu     sync.Mutex    // guards offset
	offset time.Duration // added to Base's time
}

// Now returns the clock's time: Base's time plus the offset.
func (c *Clock) Now() time.Time {
	if c == nil {
		return time.Now()
	}
	base := time.Now
	if c.Base != nil {
		base = c.Base
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return base().Add(c.offset)
}

// Advance moves the clock by d (a negative d moves it back) and returns
// its new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
	return c.Now()
}

// Set moves the clock so that it reads t now, and goes on from there.
func (c *Clock) Set(t time.Time) time.Time {
	base := time.Now
	if c.Base != nil {
		base = c.Base
	}
	c.mu.Lock()
	c.offset = t.Sub(base())
	c.mu.Unlock()
	return c.Now()
}

// Offset returns how far the clock is from the real time.
func (c *Clock) Offset() time.Duration {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}
