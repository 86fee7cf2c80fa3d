package load

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// shardReports splits results by journey number modulo n into n Metrics,
// as n machines would have measured them, and returns their reports read
// back from JSON (as `cbsim load merge` reads them).
func shardReports(t *testing.T, results []Result, n int, edit func(i int, p *RunParams)) []*Report {
	t.Helper()
	ms := make([]*Metrics, n)
	for i := range ms {
		ms[i] = NewMetrics()
	}
	for i := range results {
		ms[results[i].Journey%uint64(n)].Add(&results[i])
	}
	out := make([]*Report, n)
	for i, m := range ms {
		p := testParams()
		p.ShardIndex, p.ShardCount = i, n
		if edit != nil {
			edit(i, &p)
		}
		r := m.Report(p, nil)
		r.UsageKnown, r.CPUNS, r.PeakRSSBytes = true, int64(i+1)*int64(time.Second), int64(i+1)<<20
		var b bytes.Buffer
		if err := r.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		back, err := ReadReport(&b)
		if err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		out[i] = back
	}
	return out
}

func TestMergeEqualsOneMachine(t *testing.T) {
	results := syntheticResults(11, 600, 200)
	m := NewMetrics()
	m.AddBatch(results)
	one := m.Report(testParams(), nil)
	for _, n := range []int{1, 3, 7} {
		shards := shardReports(t, results, n, nil)
		merged, err := Merge(shards...)
		if err != nil {
			t.Fatalf("%d shards: %v", n, err)
		}
		sameFigures(t, n, one, merged)
		if got := int64(n * (n + 1) / 2 * int(time.Second)); merged.CPUNS != got {
			t.Errorf("%d shards: cpu %d, want the sum %d", n, merged.CPUNS, got)
		}
		if merged.PeakRSSBytes != int64(n)<<20 {
			t.Errorf("%d shards: peak rss %d, want the largest %d", n, merged.PeakRSSBytes, int64(n)<<20)
		}
	}
}

// sameFigures compares every count, rate and percentile of two reports.
func sameFigures(t *testing.T, n int, want, got *Report) {
	t.Helper()
	type fig struct {
		name      string
		got, want any
	}
	figs := []fig{
		{"requests", got.Requests, want.Requests}, {"delivered", got.Delivered, want.Delivered},
		{"failed", got.Failed, want.Failed}, {"journeys", got.Journeys, want.Journeys},
		{"wall", got.WallNS, want.WallNS}, {"postbacks/s", got.PostbacksPerSecond, want.PostbacksPerSecond},
		{"journeys/s", got.JourneysPerSecond, want.JourneysPerSecond}, {"requests/s", got.RequestsPerSecond, want.RequestsPerSecond},
		{"failed by reason", mapString(got.FailedByReason), mapString(want.FailedByReason)},
		{"series width", got.Series.BucketNS, want.Series.BucketNS}, {"series length", len(got.Series.Buckets), len(want.Series.Buckets)},
	}
	groups := func(r *Report) []Figures {
		p, c := r.Postbacks, r.Clicks
		p.Name, c.Name = "postbacks", "clicks"
		return append(append([]Figures{p, c}, r.Events...), r.Faults...)
	}
	gg, wg := groups(got), groups(want)
	if len(gg) != len(wg) {
		t.Fatalf("%d shards: %d groups, want %d", n, len(gg), len(wg))
	}
	for i := range gg {
		g, w := gg[i], wg[i]
		figs = append(figs, fig{"group name", g.Name, w.Name}, fig{g.Name + " requests", g.Requests, w.Requests},
			fig{g.Name + " delivered", g.Delivered, w.Delivered}, fig{g.Name + " by reason", mapString(g.FailedByReason), mapString(w.FailedByReason)})
		if w.Latency != nil {
			gl, wl := g.Latency, w.Latency
			figs = append(figs, fig{g.Name + " count", gl.Count, wl.Count}, fig{g.Name + " p50", gl.P50US, wl.P50US},
				fig{g.Name + " p90", gl.P90US, wl.P90US}, fig{g.Name + " p99", gl.P99US, wl.P99US},
				fig{g.Name + " p99.9", gl.P999US, wl.P999US}, fig{g.Name + " max", gl.MaxUS, wl.MaxUS},
				fig{g.Name + " mean", gl.MeanUS, wl.MeanUS}, fig{g.Name + " histogram", gl.hist.Equals(wl.hist), true})
		}
	}
	for i := range min(len(got.Series.Buckets), len(want.Series.Buckets)) {
		g, w := got.Series.Buckets[i], want.Series.Buckets[i]
		figs = append(figs, fig{"series requests", g.Requests, w.Requests}, fig{"series errors", g.Errors, w.Errors},
			fig{"series p50", g.P50US, w.P50US}, fig{"series p99", g.P99US, w.P99US})
	}
	for _, f := range figs {
		if f.got != f.want {
			t.Errorf("%d shards: %s = %v, one machine says %v", n, f.name, f.got, f.want)
		}
	}
}

// mapString prints a map with its keys sorted (fmt sorts them).
func mapString(m map[string]uint64) string { return fmt.Sprint(m) }

func TestMergeErrors(t *testing.T) {
	results := syntheticResults(5, 20, 100)
	tests := []struct {
		name    string
		reports func(t *testing.T) []*Report
		partial bool
		want    string
	}{
		{"no reports", func(*testing.T) []*Report { return nil }, false, "no reports"},
		{"different seeds", func(t *testing.T) []*Report {
			return shardReports(t, results, 2, func(i int, p *RunParams) { p.Seed += uint64(i) })
		}, false, "not shards of one run: seed 42 vs 43"},
		{"different rates", func(t *testing.T) []*Report {
			return shardReports(t, results, 2, func(i int, p *RunParams) {
				if i == 1 {
					p.Rate = "max"
				}
			})
		}, false, "rate 100/s vs max"},
		{"same shard twice", func(t *testing.T) []*Report {
			s := shardReports(t, results, 3, nil)
			return []*Report{s[0], s[1], s[1], s[2]}
		}, false, "both hold shard 1/3"},
		{"different shard counts", func(t *testing.T) []*Report {
			a := shardReports(t, results, 2, nil)
			b := shardReports(t, results, 3, nil)
			return []*Report{a[0], b[1]}
		}, false, "one of 3 shards but"},
		{"missing shard", func(t *testing.T) []*Report {
			s := shardReports(t, results, 4, nil)
			return []*Report{s[0], s[2]}
		}, false, "missing shard 1/4, 3/4"},
		{"unknown format", func(t *testing.T) []*Report {
			s := shardReports(t, results, 2, nil)
			s[1].Format = "cbsim-load/0"
			return s
		}, false, `format "cbsim-load/0"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			merge := Merge
			if tt.partial {
				merge = MergePartial
			}
			_, err := merge(tt.reports(t)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one with %q", err, tt.want)
			}
		})
	}
}

func TestMergePartial(t *testing.T) {
	results := syntheticResults(5, 20, 100)
	s := shardReports(t, results, 4, nil)
	r, err := MergePartial(s[3], s[1])
	if err != nil {
		t.Fatal(err)
	}
	if got := r.ShardLabel(); got != "1,3/4 (partial)" {
		t.Errorf("shard label %q, want %q", got, "1,3/4 (partial)")
	}
	if r.Requests != s[1].Requests+s[3].Requests {
		t.Errorf("requests %d, want %d", r.Requests, s[1].Requests+s[3].Requests)
	}
	// A partial merge merges on with the missing shards into the whole.
	all, err := Merge(r, s[0], s[2])
	if err != nil {
		t.Fatal(err)
	}
	if got := all.ShardLabel(); got != "all 4 shards" {
		t.Errorf("shard label %q, want %q", got, "all 4 shards")
	}
}

func TestMergeNamesFiles(t *testing.T) {
	results := syntheticResults(5, 20, 100)
	s := shardReports(t, results, 2, nil)
	s[0].source, s[1].source = "a.json", "b.json"
	_, err := Merge(s[0], s[1], s[1])
	if err == nil || !strings.Contains(err.Error(), "b.json and b.json both hold shard 1/2") {
		t.Errorf("error = %v, want one naming b.json", err)
	}
}
