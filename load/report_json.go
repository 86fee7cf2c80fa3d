package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// HistogramJSON is an HDR histogram as the JSON report carries it: the
// geometry and counts of hdrhistogram-go's Snapshot (Export / Import), with
// the counts kept sparse, as "index:count" pairs of the non-zero counts
// separated by spaces, so that a report stays small, one line a histogram,
// and merges exactly. [choice] The compressed V2 encoding
// (Histogram.Encode) would be smaller still but opaque in a file people
// read.
type HistogramJSON struct {
	Lowest             int64  `json:"lowest"`
	Highest            int64  `json:"highest"`
	SignificantFigures int64  `json:"significant_figures"`
	Counts             string `json:"counts"`
}

func exportHistogram(h *hdrhistogram.Histogram) *HistogramJSON {
	s := h.Export()
	var b []byte
	for i, c := range s.Counts {
		if c != 0 {
			if len(b) > 0 {
				b = append(b, ' ')
			}
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, ':')
			b = strconv.AppendInt(b, c, 10)
		}
	}
	return &HistogramJSON{Lowest: s.LowestTrackableValue, Highest: s.HighestTrackableValue,
		SignificantFigures: s.SignificantFigures, Counts: string(b)}
}

// histogram rebuilds the histogram, which must have the geometry of
// digits significant figures over 1 µs..60 s (the only one cbsim writes,
// so that merges are exact).
func (j *HistogramJSON) histogram(digits int64) (*hdrhistogram.Histogram, error) {
	if j == nil {
		return nil, errors.New("missing histogram")
	}
	if j.Lowest != latencyLowestUS || j.Highest != latencyHighestUS || j.SignificantFigures != digits {
		return nil, fmt.Errorf("histogram geometry %d..%d µs with %d digits, want %d..%d µs with %d",
			j.Lowest, j.Highest, j.SignificantFigures, latencyLowestUS, latencyHighestUS, digits)
	}
	s := &hdrhistogram.Snapshot{LowestTrackableValue: j.Lowest, HighestTrackableValue: j.Highest, SignificantFigures: j.SignificantFigures}
	n := len(newGeometryCounts(digits))
	s.Counts = make([]int64, n)
	for _, pair := range strings.Fields(j.Counts) {
		is, cs, ok := strings.Cut(pair, ":")
		i, err1 := strconv.Atoi(is)
		c, err2 := strconv.ParseInt(cs, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("histogram counts: %q is not index:count", pair)
		}
		if i < 0 || i >= n {
			return nil, fmt.Errorf("histogram count index %d out of 0..%d", i, n-1)
		}
		s.Counts[i] += c
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("histogram: %w", err)
	}
	return hdrhistogram.Import(s), nil
}

// newGeometryCounts returns the (empty) counts of a histogram of our
// geometry with digits significant figures.
func newGeometryCounts(digits int64) []int64 {
	if digits == seriesDigits {
		return newSeriesHistogram().Export().Counts
	}
	return newLatencyHistogram().Export().Counts
}

// WriteJSON writes the report as indented JSON in the ReportFormat format:
// one object whose top-level numbers are "wall_ns", "wall_seconds",
// "requests", "delivered", "failed", "journeys", "postbacks_per_second",
// "journeys_per_second", "requests_per_second", "cpu_ns",
// "cpu_per_request_ns" and "peak_rss_bytes" (0 when "usage_known" is
// false), beside "format", "params", "shards", "failed_by_reason",
// "postbacks", "clicks", "events", "faults" and "series"; every latency
// carries its HDR histogram, so that reports merge exactly.
func (r *Report) WriteJSON(w io.Writer) error {
	r.fill()
	r.exportHistograms()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// exportHistograms sets the JSON form of every histogram.
func (r *Report) exportHistograms() {
	for _, g := range append(append([]Figures{r.Postbacks, r.Clicks}, r.Events...), r.Faults...) {
		if g.Latency != nil {
			g.Latency.Histogram = exportHistogram(g.Latency.hist)
		}
	}
	for i := range r.Series.Buckets {
		b := &r.Series.Buckets[i]
		b.Histogram = nil
		if b.hist != nil && b.hist.TotalCount() > 0 {
			b.Histogram = exportHistogram(b.hist)
		}
	}
}

// ReadReportFile reads a JSON report from a file; its errors name the file.
func ReadReportFile(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	r, err := ReadReport(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", path, err)
	}
	r.source = path
	return r, nil
}

// ReadReport reads a JSON report written by WriteJSON. It refuses another
// format version and a report whose counts disagree with its histograms.
func ReadReport(rd io.Reader) (*Report, error) {
	var probe struct {
		Format string `json:"format"`
	}
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("not a JSON report: %w", err)
	}
	if probe.Format != ReportFormat {
		return nil, fmt.Errorf("unknown report format %q (this cbsim reads %q)", probe.Format, ReportFormat)
	}
	r := &Report{}
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("decode report: %w", err)
	}
	if err := r.restore(); err != nil {
		return nil, err
	}
	r.fill()
	return r, nil
}

// restore rebuilds the counts by reason and the histograms from the JSON
// fields, checking that they agree.
func (r *Report) restore() error {
	if r.Params.ShardCount <= 0 {
		r.Params.ShardCount = 1
	}
	if r.Params.ShardCount > MaxShards {
		return fmt.Errorf("shard_count %d: at most %d shards", r.Params.ShardCount, MaxShards)
	}
	if len(r.Shards) == 0 {
		return errors.New("no shards listed")
	}
	if err := r.Postbacks.restore("postbacks", true); err != nil {
		return err
	}
	if err := r.Clicks.restore("clicks", true); err != nil {
		return err
	}
	for i := range r.Events {
		if err := r.Events[i].restore("event "+r.Events[i].Name, true); err != nil {
			return err
		}
	}
	for i := range r.Faults {
		if err := r.Faults[i].restore("fault "+r.Faults[i].Name, false); err != nil {
			return err
		}
	}
	if r.Series.BucketNS <= 0 {
		return fmt.Errorf("series: bucket_ns %d is not positive", r.Series.BucketNS)
	}
	for i := range r.Series.Buckets {
		b := &r.Series.Buckets[i]
		if b.Histogram == nil {
			if b.Requests != 0 {
				return fmt.Errorf("series bucket %d: %d requests but no histogram", i, b.Requests)
			}
			continue
		}
		h, err := b.Histogram.histogram(seriesDigits)
		if err != nil {
			return fmt.Errorf("series bucket %d: %w", i, err)
		}
		if uint64(h.TotalCount()) != b.Requests {
			return fmt.Errorf("series bucket %d: %d requests but its histogram holds %d", i, b.Requests, h.TotalCount())
		}
		b.hist = h
	}
	return nil
}

func (g *Figures) restore(what string, withLatency bool) error {
	g.byReason = [reasonSlots]uint64{}
	var failed uint64
	for name, c := range g.FailedByReason {
		slot := -1
		for i := 1; i < reasonSlots; i++ {
			if Reason(i).String() == name {
				slot = i
			}
		}
		if slot < 0 {
			return fmt.Errorf("%s: unknown failure reason %q", what, name)
		}
		g.byReason[slot] = c
		failed += c
	}
	if failed != g.Failed || g.Delivered+g.Failed != g.Requests {
		return fmt.Errorf("%s: requests %d, delivered %d, failed %d and failures by reason %d disagree",
			what, g.Requests, g.Delivered, g.Failed, failed)
	}
	g.byReason[ReasonOK] = g.Delivered
	if !withLatency {
		g.Latency = nil
		return nil
	}
	if g.Latency == nil {
		return fmt.Errorf("%s: missing latency", what)
	}
	h, err := g.Latency.Histogram.histogram(latencyDigits)
	if err != nil {
		return fmt.Errorf("%s latency: %w", what, err)
	}
	if uint64(h.TotalCount()) != g.Requests {
		return fmt.Errorf("%s: %d requests but the latency histogram holds %d", what, g.Requests, h.TotalCount())
	}
	g.Latency.hist = h
	return nil
}
