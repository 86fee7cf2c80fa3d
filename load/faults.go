package load

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Faults are ClickBank-side misbehaviours the engine adds to the traffic,
// so that a tracker's deduplication and ordering are tested under load.
// Every decision is drawn from the journey's Mix, so a seed gives the same
// faults on every run and machine. The zero value adds none.
type Faults struct {
	// Duplicate is the probability that a postback is delivered a second
	// time: the same URL, sent after the journey's other postbacks
	// (Result.Fault = FaultDuplicate).
	Duplicate float64
	// Reorder is the probability that a journey's postbacks go out in a
	// shuffled order (an upsell before the initial purchase); the
	// postbacks whose place changed carry FaultReordered.
	Reorder float64
	// Delay is the longest hold of a delayed postback. [choice] A held
	// postback waits a uniform random time in (0, Delay] from when it
	// would have gone, in a per-worker timer heap, while the worker goes
	// on with its other postbacks and journeys; it carries FaultDelayed
	// (a held postback can thus also arrive after a later event).
	Delay time.Duration
	// DelayRate is the probability that a postback is held when Delay is
	// set; --fault delay=D alone takes DefaultDelayRate.
	DelayRate float64
}

// DefaultDelayRate is the share of postbacks held when --fault gives a
// delay without delay-rate. [choice] One in ten: enough to matter in a
// report, few enough that most of the traffic stays in order.
const DefaultDelayRate = 0.1

// faultSyntax is what the --fault errors say is allowed.
const faultSyntax = "comma-separated duplicate=P, reorder=P, delay=DURATION, delay-rate=P, with P a probability from 0 to 1, like duplicate=0.05,reorder=0.02,delay=50ms"

// ParseFaults parses the --fault flag, like
// "duplicate=0.05,reorder=0.02,delay=50ms". An empty value adds no fault.
func ParseFaults(s string) (Faults, error) {
	var f Faults
	bad := func(why string) (Faults, error) {
		return Faults{}, fmt.Errorf("--fault %q: %s; allowed: %s", s, why, faultSyntax)
	}
	rateSet := false
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return bad(fmt.Sprintf("%q has no =", part))
		}
		if seen[key] {
			return bad(fmt.Sprintf("%s given twice", key))
		}
		seen[key] = true
		prob := func() (float64, error) {
			p, err := strconv.ParseFloat(val, 64)
			if err != nil || p < 0 || p > 1 || math.IsNaN(p) {
				return 0, fmt.Errorf("%s=%s is not a probability from 0 to 1", key, val)
			}
			return p, nil
		}
		var err error
		switch key {
		case "duplicate":
			f.Duplicate, err = prob()
		case "reorder":
			f.Reorder, err = prob()
		case "delay-rate":
			f.DelayRate, err = prob()
			rateSet = true
		case "delay":
			f.Delay, err = time.ParseDuration(val)
			if err != nil || f.Delay < 0 {
				err = fmt.Errorf("delay=%s is not a duration like 50ms", val)
			}
		default:
			return bad(fmt.Sprintf("unknown fault %q", key))
		}
		if err != nil {
			return bad(err.Error())
		}
	}
	if f.Delay > 0 && !rateSet {
		f.DelayRate = DefaultDelayRate
	}
	if rateSet && f.Delay == 0 && f.DelayRate > 0 {
		return bad("delay-rate needs a delay")
	}
	return f, nil
}

// String spells the faults as --fault does; "none" for the zero value.
func (f Faults) String() string {
	var parts []string
	if f.Duplicate > 0 {
		parts = append(parts, "duplicate="+strconv.FormatFloat(f.Duplicate, 'g', -1, 64))
	}
	if f.Reorder > 0 {
		parts = append(parts, "reorder="+strconv.FormatFloat(f.Reorder, 'g', -1, 64))
	}
	if f.Delay > 0 {
		parts = append(parts, "delay="+f.Delay.String(), "delay-rate="+strconv.FormatFloat(f.DelayRate, 'g', -1, 64))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

// sendItem is one planned delivery of a journey's postback.
type sendItem struct {
	pb    int           // index in the journey's postbacks
	fault Fault         // the fault it is part of, FaultNone if none
	hold  time.Duration // how long it is held back, 0 if not
}

// faultSalt separates the fault draws from the walk's.
const faultSalt = 0x2545f4914f6cdd1d

// plan orders a journey's n postbacks for sending, with the faults drawn
// from mix, into out (reused).
func (f Faults) plan(mix uint64, n int, out []sendItem) []sendItem {
	out = out[:0]
	for i := range n {
		out = append(out, sendItem{pb: i})
	}
	if f.Duplicate <= 0 && f.Reorder <= 0 && f.Delay <= 0 {
		return out
	}
	st := stream(mix ^ faultSalt)
	if n >= 2 && f.Reorder > 0 && st.float() < f.Reorder {
		for i := n - 1; i > 0; i-- {
			j := st.intn(i + 1)
			out[i], out[j] = out[j], out[i]
		}
		if out[0].pb == 0 && isIdentity(out) {
			out[0], out[1] = out[1], out[0]
		}
		for i := range out {
			if out[i].pb != i {
				out[i].fault = FaultReordered
			}
		}
	}
	if f.Delay > 0 && f.DelayRate > 0 {
		for i := range out {
			if st.float() < f.DelayRate {
				out[i].hold = 1 + time.Duration(st.next()%uint64(f.Delay))
				out[i].fault = FaultDelayed
			}
		}
	}
	if f.Duplicate > 0 {
		for i := range n {
			if st.float() < f.Duplicate {
				out = append(out, sendItem{pb: out[i].pb, fault: FaultDuplicate, hold: out[i].hold})
			}
		}
	}
	return out
}

func isIdentity(items []sendItem) bool {
	for i, it := range items {
		if it.pb != i {
			return false
		}
	}
	return true
}
