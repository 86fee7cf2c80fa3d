package load

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestPacers(t *testing.T) {
	s := time.Second
	tests := []struct {
		name    string
		p       Pacer
		elapsed time.Duration
		hits    uint64
		wait    time.Duration
		stop    bool
	}{
		{"constant first at once", ConstantPacer{Freq: 10, Per: s}, 0, 0, 0, false},
		{"constant next in 100ms", ConstantPacer{Freq: 10, Per: s}, 0, 1, 100 * time.Millisecond, false},
		{"constant behind goes now", ConstantPacer{Freq: 10, Per: s}, 2 * s, 5, 0, false},
		{"constant ahead waits", ConstantPacer{Freq: 10, Per: s}, 500 * time.Millisecond, 10, 500 * time.Millisecond, false},
		{"constant per minute", ConstantPacer{Freq: 60, Per: time.Minute}, 0, 3, 3 * s, false},
		{"zero is max", ConstantPacer{}, 0, 1 << 40, 0, false},
		{"negative stops", ConstantPacer{Freq: -1, Per: s}, 0, 0, 0, true},
		// ramp 0→10/s over 10s: hits(t) = t²/2, so hit 8 at t=4s, hit 50 at t=10s
		{"ramp from zero", LinearPacer{From: 0, To: 10, Over: 10 * s}, 0, 8, 4 * s, false},
		{"ramp end", LinearPacer{From: 0, To: 10, Over: 10 * s}, 0, 50, 10 * s, false},
		{"ramp holds To after", LinearPacer{From: 0, To: 10, Over: 10 * s}, 0, 60, 11 * s, false},
		{"ramp down", LinearPacer{From: 10, To: 0, Over: 10 * s}, 0, 50, 10 * s, false},
		{"ramp down to 0 stops after", LinearPacer{From: 10, To: 0, Over: 10 * s}, 0, 51, 0, true},
		{"flat ramp", LinearPacer{From: 5, To: 5, Over: 10 * s}, 0, 5, s, false},
		{"zero ramp starts one", LinearPacer{}, 0, 0, 0, false},
		{"zero ramp then stops", LinearPacer{}, 0, 1, 0, true},
		// steps 10/s +10/s every 1s: 10 in the first second, 20 in the next
		{"step first", StepPacer{Start: 10, Step: 10, Every: s}, 0, 5, 500 * time.Millisecond, false},
		{"step second", StepPacer{Start: 10, Step: 10, Every: s}, 0, 20, 1500 * time.Millisecond, false},
		{"step capped", StepPacer{Start: 10, Step: 10, Every: s, Max: 20}, 0, 70, 4 * s, false},
		{"step from zero", StepPacer{Start: 0, Step: 10, Every: s}, 0, 5, 1500 * time.Millisecond, false},
		{"step behind goes now", StepPacer{Start: 10, Step: 10, Every: s}, 5 * s, 20, 0, false},
		{"zero steps stop", StepPacer{}, 0, 1, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, stop := tt.p.Pace(tt.elapsed, tt.hits)
			if stop != tt.stop {
				t.Fatalf("stop = %v, want %v", stop, tt.stop)
			}
			if d := wait - tt.wait; d < -time.Microsecond || d > time.Microsecond {
				t.Errorf("wait = %v, want %v", wait, tt.wait)
			}
		})
	}
}

func TestPacerRates(t *testing.T) {
	tests := []struct {
		p       Pacer
		elapsed time.Duration
		want    float64
	}{
		{ConstantPacer{Freq: 30000, Per: time.Minute}, 0, 500},
		{ConstantPacer{}, 0, math.Inf(1)},
		{LinearPacer{From: 100, To: 200, Over: 10 * time.Second}, 5 * time.Second, 150},
		{LinearPacer{From: 100, To: 200, Over: 10 * time.Second}, time.Minute, 200},
		{StepPacer{Start: 100, Step: 100, Every: 10 * time.Second, Max: 250}, 15 * time.Second, 200},
		{StepPacer{Start: 100, Step: 100, Every: 10 * time.Second, Max: 250}, time.Minute, 250},
	}
	for _, tt := range tests {
		if got := tt.p.Rate(tt.elapsed); got != tt.want {
			t.Errorf("%s at %v: rate %v, want %v", tt.p, tt.elapsed, got, tt.want)
		}
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want string // the pacer's String, or the error's substring after "error:"
	}{
		{"max", "max"},
		{"", "max"},
		{"500/s", "500/1s"},
		{"500", "500/1s"},
		{"30000/m", "30000/1m0s"},
		{"50/100ms", "50/100ms"},
		{"100/s..2000/s", "100/s..2000/s"},
		{"60/m..120/m", "1/s..2/s"},
		{"100/s+100/s@10s", "100/s+100/s@10s"},
		{"100/s+100/s@10s..2000/s", "100/s+100/s@10s..2000/s"},
		{"fast", `error:"fast" is not a whole number`},
		{"0/s", "error:above 0"},
		{"-5/s", "error:above 0"},
		{"5/fortnight", `error:unit "fortnight"`},
		{"100/s+100/s", "error:steps need @interval"},
		{"100/s+100/s@soon", `error:step interval "soon"`},
		{"100/s+100/s@10s..0/s", "error:ceiling"},
		{"0/s..0/s", "error:0 to 0"},
		{"x..2000/s", `error:"x" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParseRate(tt.in, time.Minute)
			if want, ok := strings.CutPrefix(tt.want, "error:"); ok {
				if err == nil {
					t.Fatalf("no error, got %v", p)
				}
				if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `--rate "`+tt.in+`"`) || !strings.Contains(err.Error(), "allowed:") {
					t.Errorf("error %q does not say %q, quote the flag and list what is allowed", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.(interface{ String() string }).String() != tt.want {
				t.Errorf("got %s, want %s", p, tt.want)
			}
		})
	}
	if _, err := ParseRate("1/s..2/s", 0); err == nil || !strings.Contains(err.Error(), "--duration") {
		t.Errorf("a ramp without a duration: error %v, want one naming --duration", err)
	}
}

// stepWalk is StepPacer.Pace as it was first written: walking the steps
// one by one from the start. The bisection must agree with it.
func stepWalk(sp StepPacer, elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if sp.Start < 0 {
		return 0, true
	}
	if hits == 0 {
		return 0, false
	}
	n := float64(hits)
	E := sp.Every.Seconds()
	var t, done float64
	for i := 0; ; i++ {
		r := sp.rateOf(i)
		final := E <= 0 || sp.Step == 0 || (sp.Max > 0 && r >= sp.Max) || (sp.Step < 0 && r == 0) || i >= 1<<20
		if final {
			if r == 0 {
				return 0, true
			}
			return waitUntil(t+(n-done)/r, elapsed)
		}
		if r > 0 && done+r*E >= n {
			return waitUntil(t+(n-done)/r, elapsed)
		}
		done += r * E
		t += E
	}
}

func TestStepPacerAgreesWithTheWalk(t *testing.T) {
	pacers := []StepPacer{
		{Start: 100, Step: 100, Every: 10 * time.Second},
		{Start: 100, Step: 100, Every: 10 * time.Second, Max: 450},
		{Start: 0, Step: 50, Every: time.Second},
		{Start: 500, Step: -100, Every: 2 * time.Second},
		{Start: 500, Step: -150, Every: 2 * time.Second},
		{Start: 10, Step: 0, Every: time.Second},
		{Start: 10, Step: 5, Every: 0},
		{Start: 3, Step: 1.5, Every: 250 * time.Millisecond, Max: 1000},
	}
	for _, sp := range pacers {
		for _, hits := range []uint64{0, 1, 2, 99, 100, 101, 999, 1000, 1001, 5000, 123456} {
			for _, elapsed := range []time.Duration{0, time.Second, 17 * time.Second, time.Hour} {
				w1, s1 := sp.Pace(elapsed, hits)
				w2, s2 := stepWalk(sp, elapsed, hits)
				if s1 != s2 || (w1-w2).Abs() > time.Microsecond {
					t.Errorf("%v hits %d at %s: Pace = %s, %v; the walk gives %s, %v", sp, hits, elapsed, w1, s1, w2, s2)
				}
			}
		}
	}
}

// BenchmarkStepPacerLate: a call costs the same a million journeys into
// a run as at its start.
func BenchmarkStepPacerLate(b *testing.B) {
	sp := StepPacer{Start: 100, Step: 1, Every: time.Millisecond}
	for b.Loop() {
		sp.Pace(time.Hour, 1_000_000)
	}
}
