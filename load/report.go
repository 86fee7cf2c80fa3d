package load

import (
	"fmt"
	"io"
	"math"
	"net/url"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// ReportFormat names the version of the JSON report. A reader refuses any
// other: a new version is a new name.
const ReportFormat = "cbsim-load/1"

// RunParams are the parameters of a run as a report shows them. Shards of
// one run agree on every field but ShardIndex; Merge checks it.
type RunParams struct {
	Target      string            `json:"target"` // the tracker's URL, credentials redacted
	Profile     string            `json:"profile,omitempty"`
	Seed        uint64            `json:"seed"`
	ShardIndex  int               `json:"shard_index"` // from 0, as --shard i/n spells it
	ShardCount  int               `json:"shard_count"` // 0 or 1: not sharded
	Rate        string            `json:"rate"`        // as given: "1000/s", "max", a ramp …
	Duration    time.Duration     `json:"duration_ns"` // the requested duration
	Connections int               `json:"connections"`
	Faults      string            `json:"faults,omitempty"` // as given: "duplicate=0.05,reorder=0.02"
	Other       map[string]string `json:"other,omitempty"`  // any other parameter shards must share (funnel mix, upsell rate …)
	Version     string            `json:"cbsim_version"`
}

// Report is the outcome of a run (or of the merged shards of one): its
// parameters and its figures. Build one with Metrics.Report or
// ReadReport; print it with WriteText, WriteJSON or WriteHTML.
//
// The top-level counts are of every request, postbacks and clicks; the
// throughput and latency figures are the postbacks'; Clicks has the
// clicks' own.
type Report struct {
	Format string    `json:"format"`
	Params RunParams `json:"params"`
	Shards []int     `json:"shards"` // the shard indexes this report holds, ascending

	WallNS      int64   `json:"wall_ns"`
	WallSeconds float64 `json:"wall_seconds"`

	Requests  uint64 `json:"requests"`
	Delivered uint64 `json:"delivered"`
	Failed    uint64 `json:"failed"`
	Journeys  uint64 `json:"journeys"`

	PostbacksPerSecond float64 `json:"postbacks_per_second"` // delivered postbacks over the wall time
	JourneysPerSecond  float64 `json:"journeys_per_second"`
	RequestsPerSecond  float64 `json:"requests_per_second"` // every request, delivered or not

	UsageKnown      bool  `json:"usage_known"` // false: the CPU and RSS figures are 0 because the platform does not say
	CPUNS           int64 `json:"cpu_ns"`      // user + system CPU time of the process(es), added over shards
	CPUPerRequestNS int64 `json:"cpu_per_request_ns"`
	PeakRSSBytes    int64 `json:"peak_rss_bytes"` // the largest peak RSS of any shard

	FailedByReason map[string]uint64 `json:"failed_by_reason"` // reasons with a count only

	Postbacks Figures    `json:"postbacks"`
	Clicks    Figures    `json:"clicks"`
	Events    []Figures  `json:"events"` // per event type, funnel order; "other" only when seen
	Faults    []Figures  `json:"faults"` // per fault, latency left out
	Series    TimeSeries `json:"series"`

	// Interrupted says the run was stopped (a signal, a deadline) before
	// its end: the figures cover what was sent until then.
	Interrupted bool `json:"interrupted,omitempty"`

	// Verdict is what the tracker recorded of the delivered postbacks,
	// read back through its profile (Verify); nil when the run did not
	// check.
	Verdict *Verdict `json:"verdict,omitempty"`

	source string // the file it was read from, for Merge's errors
}

// Figures are the counts (and, but for a fault, the latency) of one slice
// of the requests: a kind, an event type or a fault.
type Figures struct {
	Name           string            `json:"name,omitempty"`
	Requests       uint64            `json:"requests"`
	Delivered      uint64            `json:"delivered"`
	Failed         uint64            `json:"failed"`
	FailedByReason map[string]uint64 `json:"failed_by_reason"`
	Latency        *LatencyFigures   `json:"latency,omitempty"`

	byReason [reasonSlots]uint64
}

// LatencyFigures is a latency distribution, in microseconds, with its histogram.
type LatencyFigures struct {
	Count     int64          `json:"count"`
	P50US     int64          `json:"p50_us"`
	P90US     int64          `json:"p90_us"`
	P99US     int64          `json:"p99_us"`
	P999US    int64          `json:"p99_9_us"`
	MaxUS     int64          `json:"max_us"`
	MeanUS    float64        `json:"mean_us"`
	Histogram *HistogramJSON `json:"histogram"`

	hist *hdrhistogram.Histogram
}

// TimeSeries is the postbacks' time series, one bucket per BucketNS from the
// start of the run.
type TimeSeries struct {
	BucketNS int64        `json:"bucket_ns"`
	Buckets  []TimeBucket `json:"buckets"`
}

// TimeBucket is one bucket of a TimeSeries: the postbacks sent in it, how
// many failed and how fast they were answered.
type TimeBucket struct {
	Requests  uint64         `json:"requests"`
	Errors    uint64         `json:"errors"`
	P50US     int64          `json:"p50_us"`
	P99US     int64          `json:"p99_us"`
	Histogram *HistogramJSON `json:"histogram,omitempty"`

	hist *hdrhistogram.Histogram
}

// otherEvent names the group of postbacks whose event type is not one of
// the simulator's.
const otherEvent = "other"

// Report closes m if it is not closed and returns its report for the run
// p describes. The report shares m's histograms, which no longer change. redact, when not nil, rewrites p.Target (to hide
// credentials); when nil, RedactURL does.
func (m *Metrics) Report(p RunParams, redact func(string) string) *Report {
	m.Close()
	if redact == nil {
		redact = RedactURL
	}
	p.Target = redact(p.Target)
	if p.ShardCount <= 0 {
		p.ShardCount, p.ShardIndex = 1, 0
	}
	r := &Report{
		Format:     ReportFormat,
		Params:     p,
		Shards:     []int{p.ShardIndex},
		WallNS:     int64(m.Wall),
		Journeys:   m.journeys.count,
		UsageKnown: m.usage.Known,
		CPUNS:      int64(m.usage.CPU),
	}
	if m.usage.Known {
		r.PeakRSSBytes = m.usage.PeakRSS
	}
	r.Postbacks = Figures{byReason: m.postbacks.byReason, Latency: &LatencyFigures{hist: m.postbacks.hist}}
	r.Clicks = Figures{byReason: m.clicks.byReason, Latency: &LatencyFigures{hist: m.clicks.hist}}
	for i, g := range m.byEvent {
		name := otherEvent
		if i < len(m.events) {
			name = string(m.events[i])
		} else if g.requests() == 0 {
			continue
		}
		r.Events = append(r.Events, Figures{Name: name, byReason: g.byReason, Latency: &LatencyFigures{hist: g.hist}})
	}
	for f, g := range m.byFault {
		name := Fault(f).String()
		if f == faultSlots-1 {
			if g.requests() == 0 {
				continue
			}
			name = "unknown"
		}
		r.Faults = append(r.Faults, Figures{Name: name, byReason: g.byReason})
	}
	r.Series.BucketNS = int64(m.series.width)
	for _, b := range m.series.buckets {
		r.Series.Buckets = append(r.Series.Buckets, TimeBucket{Requests: b.requests, Errors: b.errors, hist: b.hist})
	}
	r.fill()
	return r
}

// fill computes every derived figure from the counts and histograms.
func (r *Report) fill() {
	r.Format = ReportFormat
	r.WallSeconds = time.Duration(r.WallNS).Seconds()
	groups := []*Figures{&r.Postbacks, &r.Clicks}
	for i := range r.Events {
		groups = append(groups, &r.Events[i])
	}
	for i := range r.Faults {
		groups = append(groups, &r.Faults[i])
	}
	for _, g := range groups {
		g.fill()
	}
	r.Requests = r.Postbacks.Requests + r.Clicks.Requests
	r.Delivered = r.Postbacks.Delivered + r.Clicks.Delivered
	r.Failed = r.Requests - r.Delivered
	var all [reasonSlots]uint64
	for i := range all {
		all[i] = r.Postbacks.byReason[i] + r.Clicks.byReason[i]
	}
	r.FailedByReason = failedByReason(all)
	r.PostbacksPerSecond = perSecond(r.Postbacks.Delivered, r.WallSeconds)
	r.JourneysPerSecond = perSecond(r.Journeys, r.WallSeconds)
	r.RequestsPerSecond = perSecond(r.Requests, r.WallSeconds)
	r.CPUPerRequestNS = 0
	if r.Requests > 0 {
		r.CPUPerRequestNS = r.CPUNS / int64(r.Requests)
	}
	for i := range r.Series.Buckets {
		b := &r.Series.Buckets[i]
		b.P50US, b.P99US = 0, 0
		if b.hist != nil && b.hist.TotalCount() > 0 {
			b.P50US, b.P99US = b.hist.ValueAtQuantile(50), b.hist.ValueAtQuantile(99)
		}
	}
}

func (g *Figures) fill() {
	g.Delivered = g.byReason[ReasonOK]
	g.Requests = 0
	for _, c := range g.byReason {
		g.Requests += c
	}
	g.Failed = g.Requests - g.Delivered
	g.FailedByReason = failedByReason(g.byReason)
	if g.Latency != nil {
		g.Latency.fill()
	}
}

func (l *LatencyFigures) fill() {
	h := l.hist
	*l = LatencyFigures{hist: h, Count: h.TotalCount(), Histogram: l.Histogram}
	if l.Count == 0 {
		return
	}
	l.P50US = h.ValueAtQuantile(50)
	l.P90US = h.ValueAtQuantile(90)
	l.P99US = h.ValueAtQuantile(99)
	l.P999US = h.ValueAtQuantile(99.9)
	l.MaxUS = h.Max()
	l.MeanUS = math.Round(h.Mean()*1000) / 1000
}

func perSecond(n uint64, seconds float64) float64 {
	if seconds <= 0 {
		return 0
	}
	return math.Round(float64(n)/seconds*1000) / 1000
}

// failedByReason maps the name of every failure reason with a count to it.
func failedByReason(byReason [reasonSlots]uint64) map[string]uint64 {
	out := map[string]uint64{}
	for i, c := range byReason {
		if i == int(ReasonOK) || c == 0 {
			continue
		}
		out[Reason(i).String()] = c
	}
	return out
}

// RedactURL is the default redaction of a target: it drops the user
// information of a URL and masks the value of every query parameter whose
// name suggests a secret (key, token, secret, password, auth, sig).
func RedactURL(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User("REDACTED")
	}
	q := u.Query()
	changed := false
	for k := range q {
		lk := strings.ToLower(k)
		for _, s := range []string{"key", "token", "secret", "password", "auth", "sig"} {
			if strings.Contains(lk, s) {
				q.Set(k, "REDACTED")
				changed = true
				break
			}
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// ShardLabel is "i/n" (from 0, as --shard spells it) for a sharded report,
// "i,j/n (partial)" for an incomplete merge and "" for one machine.
func (r *Report) ShardLabel() string {
	n := r.Params.ShardCount
	if n <= 1 {
		return ""
	}
	if len(r.Shards) == n {
		return fmt.Sprintf("all %d shards", n)
	}
	parts := make([]string, len(r.Shards))
	for i, s := range r.Shards {
		parts[i] = fmt.Sprint(s)
	}
	label := strings.Join(parts, ",") + "/" + fmt.Sprint(n)
	if len(r.Shards) > 1 {
		label += " (partial)"
	}
	return label
}

// WriteText prints the report as a table for people.
func (r *Report) WriteText(w io.Writer) error {
	r.fill()
	var b strings.Builder
	p := r.Params
	fmt.Fprintf(&b, "cbsim load %s against %s\n", p.Version, p.Target)
	fmt.Fprintf(&b, "seed %d", p.Seed)
	if s := r.ShardLabel(); s != "" {
		fmt.Fprintf(&b, ", shard %s", s)
	}
	dur := p.Duration.String()
	if p.Duration <= 0 {
		dur = "unlimited"
	}
	fmt.Fprintf(&b, ", rate %s, duration %s, connections %d", p.Rate, dur, p.Connections)
	if p.Faults != "" {
		fmt.Fprintf(&b, ", faults %s", p.Faults)
	}
	if p.Profile != "" {
		fmt.Fprintf(&b, ", profile %s", p.Profile)
	}
	b.WriteString("\n")
	for _, k := range sortedParamKeys(p.Other) {
		fmt.Fprintf(&b, "  %s %s\n", k, p.Other[k])
	}
	fmt.Fprintf(&b, "wall %s, %d journeys\n", fmtDuration(time.Duration(r.WallNS)), r.Journeys)
	if r.Interrupted {
		b.WriteString("INTERRUPTED before the end of the run: the figures cover what was sent until then\n")
	}
	b.WriteString("\n")

	counts := []Figures{r.Postbacks, r.Clicks, {Requests: r.Requests, Delivered: r.Delivered, Failed: r.Failed}}
	counts[0].Name, counts[1].Name, counts[2].Name = "postbacks", "clicks", "total"
	for _, f := range r.Faults {
		if f.Name != FaultNone.String() && f.Requests > 0 {
			f.Name = "fault " + f.Name
			counts = append(counts, f)
		}
	}
	pad := padder(counts)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\trequests\tdelivered\tfailed\t\n", pad(""))
	for _, g := range counts {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", pad(g.Name), g.Requests, g.Delivered, g.Failed)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	b.WriteString("\nfailed by reason\n")
	if len(r.FailedByReason) == 0 {
		b.WriteString("  none\n")
	}
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, reason := range Reasons() {
		if c, ok := r.FailedByReason[reason.String()]; ok {
			fmt.Fprintf(tw, "  %s\t%d\n", reason, c)
		}
	}
	if c, ok := r.FailedByReason[Reason(len(reasonNames)).String()]; ok {
		fmt.Fprintf(tw, "  %s\t%d\n", Reason(len(reasonNames)), c)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(&b, "\nthroughput  %.1f postbacks/s delivered, %.1f journeys/s, %.1f requests/s\n",
		r.PostbacksPerSecond, r.JourneysPerSecond, r.RequestsPerSecond)

	b.WriteString("\nlatency\n")
	rows := r.latencyRows()
	pad = padder(rows)
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\tcount\tp50\tp90\tp99\tp99.9\tmax\tmean\t\n", pad(""))
	for _, g := range rows {
		l := g.Latency
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", pad(g.Name), l.Count, fmtUS(l.P50US), fmtUS(l.P90US),
			fmtUS(l.P99US), fmtUS(l.P999US), fmtUS(l.MaxUS), fmtUS(int64(math.Round(l.MeanUS))))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	b.WriteString("\n")
	if r.UsageKnown {
		fmt.Fprintf(&b, "cpu %s (%s per request), peak rss %s\n", fmtDuration(time.Duration(r.CPUNS)),
			time.Duration(r.CPUPerRequestNS), fmtBytes(r.PeakRSSBytes))
	} else {
		b.WriteString("cpu and peak rss unknown on this platform\n")
	}
	if r.Verdict != nil {
		b.WriteString("\n")
		if err := r.Verdict.WriteText(&b); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// latencyRows are the rows of the latency table: all postbacks, each event
// type, then the clicks.
func (r *Report) latencyRows() []Figures {
	rows := []Figures{r.Postbacks}
	rows[0].Name = "all postbacks"
	rows = append(rows, r.Events...)
	c := r.Clicks
	c.Name = "clicks"
	return append(rows, c)
}

// padder left-aligns the names of rows in a right-aligned table: it pads
// each to the longest.
func padder(rows []Figures) func(string) string {
	width := 0
	for _, g := range rows {
		width = max(width, len(g.Name))
	}
	return func(s string) string { return s + strings.Repeat(" ", width-len(s)) }
}

func sortedParamKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fmtUS prints microseconds as a duration: "850µs", "12.3ms", "1.2s".
func fmtUS(us int64) string {
	if us == 0 {
		return "-"
	}
	d := time.Duration(us) * time.Microsecond
	switch {
	case d < time.Millisecond:
		return d.String()
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.3fs", d.Seconds())
}

// fmtDuration prints a duration rounded to the millisecond.
func fmtDuration(d time.Duration) string {
	return d.Round(time.Millisecond).String()
}

// fmtBytes prints a size in MiB with one decimal.
func fmtBytes(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
