package load

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Pacer decides when the next journey may start, after tsenart/vegeta's
// lib/pacer.go. Pace is given the time since the run began and the number
// of journeys started so far (by this shard) and returns how long to wait
// before the next one, or stop when no more should start. Rate returns the
// intended rate at elapsed, in journeys per second.
//
// [choice] A pacer counts JOURNEYS, not requests: a journey sends one
// postback per event and integration that fires (the keto funnel with both
// upsells taken sends four), so postbacks/s is a multiple of the rate that
// depends on the funnel mix. Reports show both.
type Pacer interface {
	Pace(elapsed time.Duration, hits uint64) (wait time.Duration, stop bool)
	Rate(elapsed time.Duration) float64
}

// due converts a time in seconds to the wait from elapsed.
func waitUntil(at float64, elapsed time.Duration) (time.Duration, bool) {
	if math.IsInf(at, 1) || math.IsNaN(at) {
		return 0, true
	}
	if at >= float64(math.MaxInt64)/1e9 {
		return 0, true
	}
	w := time.Duration(at*1e9) - elapsed
	if w < 0 {
		w = 0
	}
	return w, false
}

// ConstantPacer starts Freq journeys every Per. The zero value (or a zero
// Freq or Per) is unbounded: journeys start as fast as the workers can take
// them ("max"). A negative Freq or Per stops at once.
type ConstantPacer struct {
	Freq int           // journeys per Per
	Per  time.Duration // the period Freq is counted over
}

// Pace implements Pacer: journey n (counting from 0) is due at n·Per/Freq.
func (cp ConstantPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	switch {
	case cp.Freq == 0 || cp.Per == 0:
		return 0, false
	case cp.Freq < 0 || cp.Per < 0:
		return 0, true
	}
	return waitUntil(float64(hits)*cp.Per.Seconds()/float64(cp.Freq), elapsed)
}

// Rate implements Pacer; +Inf when unbounded.
func (cp ConstantPacer) Rate(time.Duration) float64 {
	if cp.Freq == 0 || cp.Per == 0 {
		return math.Inf(1)
	}
	if cp.Freq < 0 || cp.Per < 0 {
		return 0
	}
	return float64(cp.Freq) / cp.Per.Seconds()
}

// String spells the pacer as --rate does: "max" or "500/1s".
func (cp ConstantPacer) String() string {
	if cp.Freq == 0 || cp.Per == 0 {
		return "max"
	}
	return fmt.Sprintf("%d/%s", cp.Freq, cp.Per)
}

// LinearPacer ramps the rate linearly from From to To journeys per second
// over Over, then holds To. The zero value starts one journey at time 0
// and then stops (a ramp from 0 to 0 never gets going); Over 0 holds To
// from the start.
type LinearPacer struct {
	From, To float64       // journeys per second at the start and at the end of the ramp
	Over     time.Duration // how long the ramp lasts; usually the run's --duration
}

// hitsAt is the number of journeys due by t seconds: the integral of the
// rate from 0 to t.
func (lp LinearPacer) hitsAt(t float64) float64 {
	T := lp.Over.Seconds()
	if T <= 0 {
		return lp.To * t
	}
	if t <= T {
		return lp.From*t + (lp.To-lp.From)*t*t/(2*T)
	}
	return (lp.From+lp.To)*T/2 + lp.To*(t-T)
}

// Pace implements Pacer: journey n is due when the integral of the rate
// reaches n.
func (lp LinearPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if lp.From < 0 || lp.To < 0 {
		return 0, true
	}
	if hits == 0 {
		return 0, false
	}
	n := float64(hits)
	T := lp.Over.Seconds()
	if T <= 0 {
		if lp.To == 0 {
			return 0, true
		}
		return waitUntil(n/lp.To, elapsed)
	}
	atT := lp.hitsAt(T)
	if n > atT {
		if lp.To == 0 {
			return 0, true
		}
		return waitUntil(T+(n-atT)/lp.To, elapsed)
	}
	k := (lp.To - lp.From) / T
	if k == 0 {
		if lp.From == 0 {
			return 0, true
		}
		return waitUntil(n/lp.From, elapsed)
	}
	// k/2·t² + From·t − n = 0
	d := lp.From*lp.From + 2*k*n
	if d < 0 {
		d = 0
	}
	return waitUntil((math.Sqrt(d)-lp.From)/k, elapsed)
}

// Rate implements Pacer.
func (lp LinearPacer) Rate(elapsed time.Duration) float64 {
	T := lp.Over.Seconds()
	t := elapsed.Seconds()
	if T <= 0 || t >= T {
		return lp.To
	}
	return lp.From + (lp.To-lp.From)*t/T
}

// String spells the pacer as --rate does: "100/s..2000/s".
func (lp LinearPacer) String() string {
	return fmtRate(lp.From) + ".." + fmtRate(lp.To)
}

// StepPacer starts at Start journeys per second and adds Step every Every,
// up to Max (0: no ceiling). The zero value starts one journey and stops;
// Every 0 never steps.
type StepPacer struct {
	Start, Step float64       // journeys per second
	Every       time.Duration // how long each step lasts
	Max         float64       // the ceiling in journeys per second; 0 = none
}

// rateOf is the rate during step i.
func (sp StepPacer) rateOf(i int) float64 {
	r := sp.Start + float64(i)*sp.Step
	if sp.Max > 0 && r > sp.Max {
		r = sp.Max
	}
	if r < 0 {
		r = 0
	}
	return r
}

// lastStep is the step from which the rate no longer changes: the first
// that reaches Max, the first at or below 0 for a falling rate, or step 0
// when the rate never steps; 1<<20 at most.
func (sp StepPacer) lastStep() int {
	const most = 1 << 20
	E := sp.Every.Seconds()
	switch {
	case E <= 0 || sp.Step == 0:
		return 0
	case sp.Step > 0 && sp.Max > 0:
		return int(min(math.Max(math.Ceil((sp.Max-sp.Start)/sp.Step), 0), most))
	case sp.Step < 0:
		return int(min(math.Max(math.Ceil(sp.Start/-sp.Step), 0), most))
	}
	return most
}

// before is how many journeys are due before step k starts, for k up to
// lastStep: the steps' rates form an arithmetic series until then.
func (sp StepPacer) before(k int) float64 {
	kf := float64(k)
	return sp.Every.Seconds() * (kf*sp.Start + sp.Step*kf*(kf-1)/2)
}

// Pace implements Pacer. It finds the step in which journey n falls due by
// bisection over the steps' running sums (the rates are an arithmetic
// series up to the ceiling), so a call costs the same late in a long run.
func (sp StepPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if sp.Start < 0 {
		return 0, true
	}
	if hits == 0 {
		return 0, false
	}
	n := float64(hits)
	E := sp.Every.Seconds()
	last := sp.lastStep()
	if sp.before(last) < n {
		r := sp.rateOf(last)
		if r == 0 {
			return 0, true
		}
		return waitUntil(float64(last)*E+(n-sp.before(last))/r, elapsed)
	}
	// the smallest k < last with before(k+1) >= n: journey n falls due in step k
	k := sort.Search(last, func(k int) bool { return sp.before(k+1) >= n })
	return waitUntil(float64(k)*E+(n-sp.before(k))/sp.rateOf(k), elapsed)
}

// Rate implements Pacer.
func (sp StepPacer) Rate(elapsed time.Duration) float64 {
	if sp.Every <= 0 {
		return sp.rateOf(0)
	}
	i := int(elapsed / sp.Every)
	return sp.rateOf(i)
}

// String spells the pacer as --rate does: "100/s+100/s@10s..2000/s".
func (sp StepPacer) String() string {
	s := fmtRate(sp.Start) + "+" + fmtRate(sp.Step) + "@" + sp.Every.String()
	if sp.Max > 0 {
		s += ".." + fmtRate(sp.Max)
	}
	return s
}

func fmtRate(r float64) string {
	return strconv.FormatFloat(r, 'g', -1, 64) + "/s"
}

// rateSyntax is what the --rate errors say is allowed.
const rateSyntax = `"max", a rate like 500/s, 30000/m or 50/100ms, a ramp like 100/s..2000/s, or steps like 100/s+100/s@10s (optionally ..2000/s as a ceiling)`

// ParseRate parses the --rate flag into a Pacer. The forms are:
//
//	max                       as fast as the connections allow
//	500/s  30000/m  50/100ms  a constant rate: journeys per unit (s, m, h) or per duration; a bare 500 is 500/s
//	100/s..2000/s             a linear ramp from the first rate to the second over duration
//	100/s+100/s@10s           steps: start at 100/s and add 100/s every 10s
//	100/s+100/s@10s..2000/s   the same, up to a ceiling of 2000/s
//
// A ramp needs a positive duration (the run's --duration) to ramp over.
func ParseRate(s string, duration time.Duration) (Pacer, error) {
	in := strings.TrimSpace(s)
	if in == "" || in == "max" {
		return ConstantPacer{}, nil
	}
	bad := func(why string) error {
		return fmt.Errorf("--rate %q: %s; allowed: %s", s, why, rateSyntax)
	}
	if head, step, ok := strings.Cut(in, "+"); ok {
		step, every, ok := strings.Cut(step, "@")
		if !ok {
			return nil, bad("steps need @interval")
		}
		every, ceil, hasCeil := strings.Cut(every, "..")
		var sp StepPacer
		var err error
		if sp.Start, err = parseOneRate(head); err != nil {
			return nil, bad(err.Error())
		}
		if sp.Step, err = parseOneRate(step); err != nil {
			return nil, bad(err.Error())
		}
		if sp.Every, err = time.ParseDuration(every); err != nil || sp.Every <= 0 {
			return nil, bad(fmt.Sprintf("step interval %q is not a positive duration", every))
		}
		if hasCeil {
			if sp.Max, err = parseOneRate(ceil); err != nil {
				return nil, bad(err.Error())
			}
			if sp.Max == 0 {
				return nil, bad("the ceiling must be above 0")
			}
		}
		return sp, nil
	}
	if from, to, ok := strings.Cut(in, ".."); ok {
		var lp LinearPacer
		var err error
		if lp.From, err = parseOneRate(from); err != nil {
			return nil, bad(err.Error())
		}
		if lp.To, err = parseOneRate(to); err != nil {
			return nil, bad(err.Error())
		}
		if duration <= 0 {
			return nil, bad("a ramp needs a positive --duration to ramp over")
		}
		if lp.From == 0 && lp.To == 0 {
			return nil, bad("a ramp from 0 to 0 sends nothing")
		}
		lp.Over = duration
		return lp, nil
	}
	num, per, err := splitRate(in)
	if err != nil {
		return nil, bad(err.Error())
	}
	f, err := strconv.Atoi(num)
	if err != nil || f <= 0 {
		return nil, bad(fmt.Sprintf("%q is not a whole number of journeys above 0", num))
	}
	return ConstantPacer{Freq: f, Per: per}, nil
}

// splitRate splits "500/s" into "500" and a second.
func splitRate(s string) (string, time.Duration, error) {
	num, unit, ok := strings.Cut(s, "/")
	if !ok {
		return s, time.Second, nil
	}
	switch unit {
	case "s", "":
		return num, time.Second, nil
	case "m", "min":
		return num, time.Minute, nil
	case "h":
		return num, time.Hour, nil
	}
	d, err := time.ParseDuration(unit)
	if err != nil || d <= 0 {
		return "", 0, fmt.Errorf("unit %q is not s, m, h or a positive duration", unit)
	}
	return num, d, nil
}

// parseOneRate parses one rate of a ramp or steps into journeys per second.
func parseOneRate(s string) (float64, error) {
	num, per, err := splitRate(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("%q is not a number of journeys at or above 0", num)
	}
	return f / per.Seconds(), nil
}
