package load

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator"
)

// syntheticResults is a deterministic run: each journey a click, then an
// order form impression, an initial purchase and (for some) an upsell,
// each postback to the vendor and the affiliate; a few duplicates,
// failures of every reason and a latency tail. Journeys start at rate per
// second.
func syntheticResults(seed uint64, journeys int, rate float64) []Result {
	rng := rand.New(rand.NewPCG(seed, 42))
	var out []Result
	reasons := Reasons()
	for j := 0; j < journeys; j++ {
		start := time.Duration(float64(j) / rate * float64(time.Second))
		add := func(kind Kind, ev simulator.EventType, role simulator.Role) {
			r := Result{Kind: kind, Event: ev, Role: role, Journey: uint64(j), Start: start, Status: 200}
			// A log-uniform latency from 100 µs to 1 s, with a rare 5 s outlier.
			r.Latency = time.Duration(100 * float64(time.Microsecond) * math.Pow(10, rng.Float64()*4))
			if rng.IntN(1000) == 0 {
				r.Latency = 5 * time.Second
			}
			if rng.IntN(50) == 0 {
				r.Reason = reasons[1+rng.IntN(len(reasons)-1)]
				r.Status = 500
			}
			switch rng.IntN(40) {
			case 0:
				r.Fault = FaultDuplicate
			case 1:
				r.Fault = FaultReordered
			case 2:
				r.Fault = FaultDelayed
			}
			start += r.Latency / 4
			out = append(out, r)
		}
		add(KindClick, "", simulator.RoleAffiliate)
		for _, ev := range []simulator.EventType{simulator.OrderFormImpression, simulator.InitialPurchase, simulator.UpsellPurchase} {
			if ev == simulator.UpsellPurchase && rng.IntN(3) != 0 {
				continue
			}
			add(KindPostback, ev, simulator.RoleVendor)
			add(KindPostback, ev, simulator.RoleAffiliate)
		}
	}
	// Results arrive out of start order, as replies do.
	rng.Shuffle(len(out), func(i, k int) {
		if i-k < 64 && k-i < 64 {
			out[i], out[k] = out[k], out[i]
		}
	})
	return out
}

func TestMetricsCounts(t *testing.T) {
	type check func(t *testing.T, r *Report)
	hasCounts := func(req, del, failed uint64) check {
		return func(t *testing.T, r *Report) {
			t.Helper()
			if r.Requests != req || r.Delivered != del || r.Failed != failed {
				t.Errorf("requests/delivered/failed = %d/%d/%d, want %d/%d/%d", r.Requests, r.Delivered, r.Failed, req, del, failed)
			}
		}
	}
	hasReason := func(name string, n uint64) check {
		return func(t *testing.T, r *Report) {
			t.Helper()
			if got := r.FailedByReason[name]; got != n {
				t.Errorf("failed by %s = %d, want %d", name, got, n)
			}
		}
	}
	hasClicks := func(n uint64) check {
		return func(t *testing.T, r *Report) {
			t.Helper()
			if r.Clicks.Requests != n || r.Clicks.Latency.Count != int64(n) {
				t.Errorf("clicks = %d (latency count %d), want %d", r.Clicks.Requests, r.Clicks.Latency.Count, n)
			}
		}
	}
	hasEvent := func(name string, n uint64) check {
		return func(t *testing.T, r *Report) {
			t.Helper()
			for _, g := range r.Events {
				if g.Name == name {
					if g.Requests != n {
						t.Errorf("event %s: %d requests, want %d", name, g.Requests, n)
					}
					return
				}
			}
			if n != 0 {
				t.Errorf("no event group %s", name)
			}
		}
	}
	hasFault := func(name string, n, failed uint64) check {
		return func(t *testing.T, r *Report) {
			t.Helper()
			for _, g := range r.Faults {
				if g.Name == name {
					if g.Requests != n || g.Failed != failed {
						t.Errorf("fault %s: %d requests %d failed, want %d and %d", name, g.Requests, g.Failed, n, failed)
					}
					return
				}
			}
			t.Errorf("no fault group %s", name)
		}
	}
	hasLatency := func(p50, max int64) check {
		return func(t *testing.T, r *Report) {
			t.Helper()
			l := r.Postbacks.Latency
			if !r.Postbacks.Latency.hist.ValuesAreEquivalent(l.P50US, p50) || !l.hist.ValuesAreEquivalent(l.MaxUS, max) {
				t.Errorf("p50, max = %d, %d µs, want %d, %d", l.P50US, l.MaxUS, p50, max)
			}
		}
	}
	hasJourneys := func(n uint64) check {
		return func(t *testing.T, r *Report) {
			t.Helper()
			if r.Journeys != n {
				t.Errorf("journeys = %d, want %d", r.Journeys, n)
			}
		}
	}
	hasWall := func(d time.Duration, pbps float64) check {
		return func(t *testing.T, r *Report) {
			t.Helper()
			if r.WallNS != int64(d) || r.PostbacksPerSecond != pbps {
				t.Errorf("wall %v, %v postbacks/s, want %v, %v", time.Duration(r.WallNS), r.PostbacksPerSecond, d, pbps)
			}
		}
	}
	ms := time.Millisecond
	pb := func(ev simulator.EventType, j uint64, start, lat time.Duration, reason Reason) Result {
		return Result{Kind: KindPostback, Event: ev, Journey: j, Start: start, Latency: lat, Reason: reason}
	}
	tests := []struct {
		name    string
		results []Result
		checks  []check
	}{
		{"empty", nil, []check{hasCounts(0, 0, 0), hasJourneys(0), hasWall(0, 0), hasClicks(0)}},
		{"delivered and failed", []Result{
			pb(simulator.OrderFormImpression, 1, 0, 10*ms, ReasonOK),
			pb(simulator.InitialPurchase, 1, 100*ms, 20*ms, ReasonStatus5xx),
			pb(simulator.InitialPurchase, 2, 200*ms, 30*ms, ReasonTimeout),
			pb(simulator.UpsellPurchase, 2, 1900*ms, 100*ms, ReasonOK),
			{Kind: KindClick, Journey: 3, Start: 0, Latency: ms, Reason: ReasonConnect},
		}, []check{hasCounts(5, 2, 3), hasReason("status_5xx", 1), hasReason("timeout", 1), hasReason("connect", 1),
			hasClicks(1), hasEvent("initial_purchase", 2), hasEvent("upsell_purchase", 1), hasJourneys(2), // the click of journey 3 sent nothing
			hasWall(2*time.Second, 1), hasLatency(20_000, 100_000)}},
		{"faults", []Result{
			{Kind: KindPostback, Event: simulator.InitialPurchase, Fault: FaultDuplicate, Latency: ms},
			{Kind: KindPostback, Event: simulator.InitialPurchase, Fault: FaultDuplicate, Latency: ms, Reason: ReasonStatus4xx},
			{Kind: KindPostback, Event: simulator.InitialPurchase, Fault: FaultDelayed, Latency: ms},
		}, []check{hasFault("duplicate", 2, 1), hasFault("delay", 1, 0), hasFault("none", 0, 0), hasReason("status_4xx", 1)}},
		{"latency clamped to the histogram", []Result{
			pb(simulator.InitialPurchase, 0, 0, 0, ReasonOK),
			pb(simulator.InitialPurchase, 0, 0, 2*time.Minute, ReasonOK),
		}, []check{hasCounts(2, 2, 0), hasLatency(1, 60_000_000)}},
		{"unknown event type and reason", []Result{
			pb("refund", 0, 0, ms, Reason(200)),
		}, []check{hasEvent(otherEvent, 1), hasReason("unknown", 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMetrics()
			m.AddBatch(tt.results)
			r := m.Report(RunParams{}, nil)
			for _, c := range tt.checks {
				c(t, r)
			}
		})
	}
}

func TestMetricsWallFromCaller(t *testing.T) {
	m := NewMetrics()
	m.Wall = 4 * time.Second
	m.Add(&Result{Kind: KindPostback, Latency: time.Millisecond})
	m.Add(&Result{Kind: KindPostback, Latency: time.Millisecond})
	r := m.Report(RunParams{}, nil)
	if r.WallNS != int64(4*time.Second) || r.PostbacksPerSecond != 0.5 {
		t.Errorf("wall %v, %v postbacks/s, want 4s and 0.5", time.Duration(r.WallNS), r.PostbacksPerSecond)
	}
	m.Add(&Result{Kind: KindPostback}) // after Close: ignored
	if got := m.Report(RunParams{}, nil).Requests; got != 2 {
		t.Errorf("requests after Close = %d, want 2", got)
	}
}

func TestSeriesCoarsens(t *testing.T) {
	m := NewMetrics()
	// One request every 10 s for 10 hours: 3600 buckets of 1 s would not
	// hold them, so the width doubles until they fit.
	var n uint64
	for s := time.Duration(0); s < 10*time.Hour; s += 10 * time.Second {
		m.Add(&Result{Kind: KindPostback, Start: s, Latency: time.Millisecond})
		n++
	}
	r := m.Report(RunParams{}, nil)
	if r.Series.BucketNS != int64(16*time.Second) {
		t.Errorf("bucket width %v, want 16s", time.Duration(r.Series.BucketNS))
	}
	if len(r.Series.Buckets) > seriesMaxBuckets {
		t.Errorf("%d buckets, want at most %d", len(r.Series.Buckets), seriesMaxBuckets)
	}
	var sum uint64
	for _, b := range r.Series.Buckets {
		sum += b.Requests
	}
	if sum != n {
		t.Errorf("series holds %d requests, want %d", sum, n)
	}
}

func TestJourneySet(t *testing.T) {
	const span = journeyWindowWords * 64
	tests := []struct {
		name string
		seq  []uint64
		want uint64
	}{
		{"repeats", []uint64{5, 5, 3, 5, 3, 0}, 3},
		{"earlier than the first", []uint64{1000, 10, 999, 10}, 3},
		{"window slides", []uint64{0, span * 3, span*3 - 1, span * 3, 1}, 3},
		{"slide by less than the window", []uint64{0, span - 1, span + 100, span - 1, 64, 200, span + 100}, 4},
		{"far first number", []uint64{1 << 40, 1<<40 + 1, 1<<40 - 1}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s journeySet
			for _, j := range tt.seq {
				s.add(j)
			}
			if s.count != tt.want {
				t.Errorf("count = %d, want %d", s.count, tt.want)
			}
		})
	}
}

func TestLive(t *testing.T) {
	m := NewMetrics()
	for i := 0; i < 3*liveEvery; i++ {
		r := Result{Kind: KindPostback, Start: time.Duration(i) * time.Millisecond, Latency: 2 * time.Millisecond}
		if i%2 == 0 {
			r.Reason = ReasonReset
		}
		m.Add(&r)
	}
	got := m.Live()
	if got.Requests != 3*liveEvery || got.Failed != 3*liveEvery/2 {
		t.Errorf("live requests %d failed %d, want %d and %d", got.Requests, got.Failed, 3*liveEvery, 3*liveEvery/2)
	}
	if got.P99 < 1900*time.Microsecond || got.P99 > 2200*time.Microsecond {
		t.Errorf("live p99 %v, want about 2ms", got.P99)
	}
}

func BenchmarkMetricsAdd(b *testing.B) {
	results := syntheticResults(1, 20000, 50000)
	m := NewMetrics()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := results[i%len(results)]
		// Keep time and journeys moving as in a run at 50k results/s
		// (about six results a journey), so the series grows and the
		// journey window slides.
		r.Start = time.Duration(i) * 20 * time.Microsecond
		r.Journey = uint64(i / 6)
		m.Add(&r)
	}
}

func TestMetricsAddDoesNotAllocate(t *testing.T) {
	m := NewMetrics()
	results := syntheticResults(2, 200, 1000)
	for i := range results {
		results[i].Start = time.Duration(i) * time.Microsecond // all in the first second
	}
	m.AddBatch(results) // the first second's bucket exists from here on
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		m.Add(&results[i%len(results)])
		i++
	})
	if allocs != 0 {
		t.Errorf("Add allocates %v times per result, want 0", allocs)
	}
}
