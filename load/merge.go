package load

import (
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Merge merges the reports of the shards of one run into the report one
// machine would have printed: counts add, histograms merge exactly, time
// series merge bucket by bucket and the throughput is recomputed. Every
// shard of the run must be there once; MergePartial accepts a subset.
//
// [choice] The shards ran side by side, so the merged wall time is the
// longest shard's, the CPU time is the sum of the shards' and the peak RSS
// the largest shard's (the memory one machine of the run needed).
func Merge(reports ...*Report) (*Report, error) {
	return merge(false, reports)
}

// MergePartial is Merge that accepts a subset of the shards: the merged
// report lists the shards it holds and its text says "partial".
func MergePartial(reports ...*Report) (*Report, error) {
	return merge(true, reports)
}

// name is how errors name a report: its file, or its shard.
func (r *Report) name() string {
	if r.source != "" {
		return r.source
	}
	return fmt.Sprintf("the report of shard %s", shardList(r.Shards, r.Params.ShardCount))
}

func shardList(shards []int, n int) string {
	const most = 20 // a list longer than that is cut, saying how many more
	parts := make([]string, 0, min(len(shards), most+1))
	for i, s := range shards {
		if i == most {
			parts = append(parts, fmt.Sprintf("and %d more", len(shards)-most))
			break
		}
		parts = append(parts, fmt.Sprintf("%d/%d", s, n))
	}
	return strings.Join(parts, ", ")
}

func merge(partial bool, reports []*Report) (*Report, error) {
	if len(reports) == 0 {
		return nil, errors.New("merge: no reports")
	}
	first := reports[0]
	n := first.Params.ShardCount
	owner := map[int]*Report{}
	for _, r := range reports {
		if r.Format != ReportFormat {
			return nil, fmt.Errorf("merge: %s has format %q, this cbsim merges %q", r.name(), r.Format, ReportFormat)
		}
		if r.Params.ShardCount != n {
			return nil, fmt.Errorf("merge: %s is one of %d shards but %s one of %d", r.name(), r.Params.ShardCount, first.name(), n)
		}
		if d := paramsDiff(first.Params, r.Params); d != "" {
			return nil, fmt.Errorf("merge: %s and %s are not shards of one run: %s", first.name(), r.name(), d)
		}
		for _, s := range r.Shards {
			if s < 0 || s >= n {
				return nil, fmt.Errorf("merge: %s holds shard index %d, outside 0..%d", r.name(), s, n-1)
			}
			if o, ok := owner[s]; ok {
				return nil, fmt.Errorf("merge: %s and %s both hold shard %d/%d", o.name(), r.name(), s, n)
			}
			owner[s] = r
		}
	}
	if !partial {
		var missing []int
		for s := 0; s < n; s++ {
			if owner[s] == nil {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("merge: missing shard %s of the run (merge a subset with the partial option)", shardList(missing, n))
		}
	}

	out := &Report{Format: ReportFormat, Params: first.Params, UsageKnown: true}
	out.Params.ShardIndex = 0
	out.Params.Other = maps.Clone(first.Params.Other)
	out.Postbacks = Figures{Latency: &LatencyFigures{hist: newLatencyHistogram()}}
	out.Clicks = Figures{Latency: &LatencyFigures{hist: newLatencyHistogram()}}
	out.Series.BucketNS = first.Series.BucketNS
	checked := 0
	for _, r := range reports {
		if r.Verdict != nil {
			checked++
		}
	}
	if checked > 0 && checked < len(reports) {
		var unchecked []int
		for _, r := range reports {
			if r.Verdict == nil {
				unchecked = append(unchecked, r.Shards...)
			}
		}
		return nil, fmt.Errorf("merge: shard %s holds no check of what the tracker recorded, the others do: run every shard with the same check", shardList(unchecked, n))
	}
	for _, r := range reports {
		out.Interrupted = out.Interrupted || r.Interrupted
		out.Shards = append(out.Shards, r.Shards...)
		out.WallNS = max(out.WallNS, r.WallNS)
		out.Journeys += r.Journeys
		out.CPUNS += r.CPUNS
		out.PeakRSSBytes = max(out.PeakRSSBytes, r.PeakRSSBytes)
		out.UsageKnown = out.UsageKnown && r.UsageKnown
		out.Series.BucketNS = max(out.Series.BucketNS, r.Series.BucketNS)
		if err := out.Postbacks.merge(&r.Postbacks); err != nil {
			return nil, fmt.Errorf("merge %s: postbacks: %w", r.name(), err)
		}
		if err := out.Clicks.merge(&r.Clicks); err != nil {
			return nil, fmt.Errorf("merge %s: clicks: %w", r.name(), err)
		}
		out.Events = mergeNamed(out.Events, r.Events, true)
		out.Faults = mergeNamed(out.Faults, r.Faults, false)
		if r.Verdict != nil {
			if out.Verdict == nil {
				out.Verdict = &Verdict{Mode: r.Verdict.Mode}
			}
			out.Verdict.Merge(*r.Verdict)
		}
	}
	if !out.UsageKnown {
		out.CPUNS, out.PeakRSSBytes = 0, 0
	}
	sort.Ints(out.Shards)
	for _, r := range reports {
		if err := out.Series.merge(&r.Series); err != nil {
			return nil, fmt.Errorf("merge %s: %w", r.name(), err)
		}
	}
	out.fill()
	return out, nil
}

// paramsDiff says which run parameter differs between two shards, or "".
func paramsDiff(a, b RunParams) string {
	var d []string
	if a.Seed != b.Seed {
		d = append(d, fmt.Sprintf("seed %d vs %d", a.Seed, b.Seed))
	}
	if a.Target != b.Target {
		d = append(d, fmt.Sprintf("target %s vs %s", a.Target, b.Target))
	}
	if a.Profile != b.Profile {
		d = append(d, fmt.Sprintf("profile %q vs %q", a.Profile, b.Profile))
	}
	if a.Rate != b.Rate {
		d = append(d, fmt.Sprintf("rate %s vs %s", a.Rate, b.Rate))
	}
	if a.Duration != b.Duration {
		d = append(d, fmt.Sprintf("duration %s vs %s", a.Duration, b.Duration))
	}
	if a.Connections != b.Connections {
		d = append(d, fmt.Sprintf("connections %d vs %d", a.Connections, b.Connections))
	}
	if a.Faults != b.Faults {
		d = append(d, fmt.Sprintf("faults %q vs %q", a.Faults, b.Faults))
	}
	if a.Version != b.Version {
		d = append(d, fmt.Sprintf("cbsim version %s vs %s", a.Version, b.Version))
	}
	if !maps.Equal(a.Other, b.Other) {
		d = append(d, fmt.Sprintf("parameters %v vs %v", a.Other, b.Other))
	}
	return strings.Join(d, ", ")
}

func (g *Figures) merge(from *Figures) error {
	for i, c := range from.byReason {
		g.byReason[i] += c
	}
	if g.Latency == nil || from.Latency == nil {
		return nil
	}
	if from.Latency.hist == nil {
		return errors.New("no latency histogram")
	}
	if dropped := g.Latency.hist.Merge(from.Latency.hist); dropped != 0 {
		return fmt.Errorf("%d latencies out of the histogram's range", dropped)
	}
	return nil
}

// mergeNamed merges groups by name, keeping the order of first sight.
func mergeNamed(into, from []Figures, latency bool) []Figures {
	for i := range from {
		j := 0
		for j < len(into) && into[j].Name != from[i].Name {
			j++
		}
		if j == len(into) {
			g := Figures{Name: from[i].Name}
			if latency {
				g.Latency = &LatencyFigures{hist: newLatencyHistogram()}
			}
			into = append(into, g)
		}
		_ = into[j].merge(&from[i]) // same geometry by construction: nothing dropped
	}
	return into
}

// merge adds another series, coarsening either to the wider bucket width
// (widths are 1 s doubled, so one divides the other).
func (s *TimeSeries) merge(from *TimeSeries) error {
	if from.BucketNS <= 0 || s.BucketNS%from.BucketNS != 0 {
		return fmt.Errorf("series bucket width %d ns does not divide %d ns", from.BucketNS, s.BucketNS)
	}
	k := int(s.BucketNS / from.BucketNS)
	for i, b := range from.Buckets {
		if b.hist == nil {
			continue
		}
		j := i / k
		for len(s.Buckets) <= j {
			s.Buckets = append(s.Buckets, TimeBucket{})
		}
		t := &s.Buckets[j]
		t.Requests += b.Requests
		t.Errors += b.Errors
		if t.hist == nil {
			t.hist = hdrhistogram.New(latencyLowestUS, latencyHighestUS, seriesDigits)
		}
		t.hist.Merge(b.hist)
	}
	return nil
}
