package control

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cbsim/cbsim/simulator"
)

// maxClockDays bounds an advance given in days (a century), so the clock's
// offset cannot overflow.
const maxClockDays = 36500

// clockResult is the answer of GET and POST /clock.
type clockResult struct {
	Now    string `json:"now"`    // the simulator's time, RFC 3339
	Offset string `json:"offset"` // how far it is from the real time, as a Go duration ("1440h0m0s")
}

// clockBody is the JSON of POST /clock: exactly one of its fields.
type clockBody struct {
	Advance *string `json:"advance"` // a Go duration ("36h", "-90m") or whole days ("60d")
	Set     *string `json:"set"`     // an RFC 3339 time the clock reads from now on
}

// clockBodyOf returns the answer for clock c.
func clockBodyOf(c *simulator.Clock) clockResult {
	return clockResult{Now: c.Now().Format(time.RFC3339Nano), Offset: c.Offset().String()}
}

// getClock serves GET /clock.
func (h *Handler) getClock(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, clockBodyOf(h.sim.Clock))
}

// setClock serves POST /clock: {"advance": "60d"} moves the simulator's
// clock (hop cookies age, referral windows run out: docs/clickbank.md §3);
// {"set": RFC 3339} makes it read that time now. Exactly one of them.
func (h *Handler) setClock(_ context.Context, b *clockBody) (clockResult, error) {
	c := h.sim.Clock
	switch {
	case b.Advance == nil && b.Set == nil:
		return clockResult{}, refuse(EInvalid, "advance", `give "advance" (a duration such as 36h or whole days such as 60d) or "set" (an RFC 3339 time)`)
	case b.Advance != nil && b.Set != nil:
		return clockResult{}, refuse(EInvalid, "set", `give "advance" or "set", not both`)
	case b.Advance != nil:
		d, err := parseAdvance(*b.Advance)
		if err != nil {
			return clockResult{}, err
		}
		c.Advance(d)
	default:
		t, err := time.Parse(time.RFC3339Nano, *b.Set)
		if err != nil {
			return clockResult{}, refuse(EInvalid, "set", "%q is not an RFC 3339 time such as 2026-01-02T15:04:05Z", clipText(*b.Set, 40))
		}
		c.Set(t)
	}
	return clockBodyOf(c), nil
}

// parseAdvance parses POST /clock's "advance": a Go duration, or whole
// days as "Nd" (up to maxClockDays, either sign).
func parseAdvance(s string) (time.Duration, error) {
	bad := refuse(EInvalid, "advance", "%q is not a duration such as 36h or -90m, nor whole days such as 60d (at most %d)", clipText(s, 32), maxClockDays)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n > maxClockDays || n < -maxClockDays {
			return 0, bad
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, bad
	}
	return d, nil
}
