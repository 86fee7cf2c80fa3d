package load

import (
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/macro"
)

// The geometry of every latency histogram, in microseconds. A latency below
// 1 µs is recorded as 1 µs and one above 60 s as 60 s: the max of a report
// is then "60s or more", never a lost request. [choice]
const (
	latencyLowestUS  = 1
	latencyHighestUS = 60_000_000
	latencyDigits    = 3

	// seriesDigits is the precision of the small histogram of each time
	// series bucket: with one significant digit a bucket's histogram is
	// 368 counts (2.9 KiB), so 3600 buckets stay under 11 MiB, and its
	// p50 / p99 are within about 6 % — enough for a chart; the report's
	// table uses the full 3-digit histograms. [choice]
	seriesDigits = 1

	// seriesMaxBuckets bounds the time series: past it the bucket width
	// doubles (1 s, 2 s, 4 s …) and neighbouring buckets merge, so a run of
	// any length keeps at most this many buckets. [choice]
	seriesMaxBuckets = 3600

	// journeyWindowWords is the size of the window of journey numbers in
	// which distinct journeys are counted (64 numbers a word: 8 Mi numbers,
	// 1 MiB).
	journeyWindowWords = 1 << 17

	// reasonSlots holds every Reason plus one slot for an unknown value.
	reasonSlots = len(reasonNames) + 1
	// faultSlots holds every Fault plus one slot for an unknown value.
	faultSlots = int(FaultDelayed) + 2
)

// Metrics aggregates Results: counts by kind, reason, event type and fault,
// latency histograms (HDR, 1 µs to 60 s, 3 significant digits) and a time
// series in 1-second buckets. Feed it from one goroutine with Add, then call
// Close and Report. The zero value is not ready: use NewMetrics.
//
// Postbacks and clicks are counted apart: the latency and throughput
// figures of a report are the postbacks'; the clicks have their own group.
// Journeys are the distinct Journey numbers of all results (see
// journeySet); journeys/s and postbacks/s are over Wall.
type Metrics struct {
	// Wall is the run's wall time. Set it before Close to the time the run
	// really took; when it is zero Close takes the end of the last reply
	// (the largest Start+Latency), since the run began at Start 0.
	Wall time.Duration

	events    []simulator.EventType // the known event types, in report order
	postbacks latencyGroup
	clicks    latencyGroup
	byEvent   []latencyGroup // indexed like events, plus one for an unknown type
	byFault   [faultSlots]countGroup
	series    latencySeries
	journeys  journeySet
	end       time.Duration // the largest Start+Latency seen
	n         uint64        // results added, for the live counters' cadence

	live   liveCounters // what Live reads from another goroutine
	usage0 Usage        // the process's usage when NewMetrics ran
	usage  Usage        // the process's usage when Close ran, less usage0's CPU
	closed bool
}

// countGroup counts requests by reason.
type countGroup struct {
	byReason [reasonSlots]uint64 // indexed by Reason; the last slot for an unknown one
}

func (g *countGroup) count(r Reason) {
	if int(r) >= len(reasonNames) {
		r = Reason(len(reasonNames))
	}
	g.byReason[r]++
}

func (g *countGroup) requests() uint64 {
	var n uint64
	for _, c := range g.byReason {
		n += c
	}
	return n
}

// latencyGroup is a countGroup with a latency histogram.
type latencyGroup struct {
	countGroup
	hist *hdrhistogram.Histogram
}

func newLatencyGroup() latencyGroup {
	return latencyGroup{hist: newLatencyHistogram()}
}

func newLatencyHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(latencyLowestUS, latencyHighestUS, latencyDigits)
}

// latencyUS converts a latency to the microseconds a histogram records,
// clamped to the histograms' range.
func latencyUS(d time.Duration) int64 {
	us := int64(d / time.Microsecond)
	if us < latencyLowestUS {
		return latencyLowestUS
	}
	if us > latencyHighestUS {
		return latencyHighestUS
	}
	return us
}

// liveCounters are published by Add every liveEvery results (and by Close)
// so that a progress line can read them while Add runs.
type liveCounters struct {
	requests atomic.Uint64
	failed   atomic.Uint64
	p99US    atomic.Int64 // the p99 of the last complete second
}

// liveEvery is how many results pass between two publications of the live
// counters (a power of two).
const liveEvery = 1024

// NewMetrics returns empty Metrics and reads the process's resource usage,
// so that the report's CPU time is the run's.
func NewMetrics() *Metrics {
	m := &Metrics{
		events:    macro.EventTypes(),
		postbacks: newLatencyGroup(),
		clicks:    newLatencyGroup(),
		series:    latencySeries{width: time.Second},
		usage0:    ReadUsage(),
	}
	m.byEvent = make([]latencyGroup, len(m.events)+1)
	for i := range m.byEvent {
		m.byEvent[i] = newLatencyGroup()
	}
	return m
}

// eventIndex is the index of t in m.events, or len(m.events) for an
// unknown type. The set is three types: a scan is cheaper than a map.
func (m *Metrics) eventIndex(t simulator.EventType) int {
	for i, e := range m.events {
		if e == t {
			return i
		}
	}
	return len(m.events)
}

// Add counts one result. It does not allocate, except once per new second
// of the time series. Add after Close is ignored.
func (m *Metrics) Add(r *Result) {
	if m.closed {
		return
	}
	us := latencyUS(r.Latency)
	if end := r.Start + r.Latency; end > m.end {
		m.end = end
	}
	f := int(r.Fault)
	if f >= faultSlots {
		f = faultSlots - 1
	}
	m.byFault[f].count(r.Reason)
	if r.Kind == KindClick {
		m.clicks.count(r.Reason)
		_ = m.clicks.hist.RecordValue(us) // us is in range: no error
	} else {
		// [choice] A journey counts once it sends a postback: the
		// clicks of a --clicks pool belong to no journey, and a journey
		// whose click failed sent nothing.
		m.journeys.add(r.Journey)
		m.postbacks.count(r.Reason)
		_ = m.postbacks.hist.RecordValue(us)
		g := &m.byEvent[m.eventIndex(r.Event)]
		g.count(r.Reason)
		_ = g.hist.RecordValue(us)
		m.series.add(r.Start, us, r.Reason != ReasonOK, &m.live)
	}
	if m.n++; m.n&(liveEvery-1) == 0 {
		m.publish()
	}
}

// AddBatch counts every result of a batch, as the engine sends them.
func (m *Metrics) AddBatch(batch []Result) {
	for i := range batch {
		m.Add(&batch[i])
	}
	if len(batch) > 0 && !m.closed {
		m.publish() // a slow run's progress line keeps up with its batches
	}
}

func (m *Metrics) publish() {
	total := m.postbacks.requests() + m.clicks.requests()
	failed := total - m.postbacks.byReason[ReasonOK] - m.clicks.byReason[ReasonOK]
	m.live.requests.Store(total)
	m.live.failed.Store(failed)
}

// Close ends the run: it fixes the wall time and reads the process's CPU
// time and peak RSS. Close is idempotent.
func (m *Metrics) Close() {
	if m.closed {
		return
	}
	m.closed = true
	if m.Wall <= 0 {
		m.Wall = m.end
	}
	m.publish()
	u := ReadUsage()
	if u.Known && m.usage0.Known {
		u.CPU -= m.usage0.CPU
	}
	m.usage = u
}

// LiveStats are the figures a progress line shows while a run goes on.
type LiveStats struct {
	Requests uint64        // requests counted so far, postbacks and clicks
	Failed   uint64        // of which failed
	P99      time.Duration // the postbacks' p99 over the last complete second
}

// Live returns the figures published so far. Unlike every other method it
// may be called from another goroutine while Add runs; it lags Add by at
// most a thousand results.
func (m *Metrics) Live() LiveStats {
	return LiveStats{
		Requests: m.live.requests.Load(),
		Failed:   m.live.failed.Load(),
		P99:      time.Duration(m.live.p99US.Load()) * time.Microsecond,
	}
}

// latencySeries is the time series of the postbacks, bucketed by the second in
// which each was sent (its Start). [choice] Start, not the reply's time:
// a bucket then says what the run sent in that second and how slowly it was
// answered.
type latencySeries struct {
	width   time.Duration // the width of one bucket: 1 s, doubled past seriesMaxBuckets
	buckets []seriesBucket
	last    int // the highest bucket seen, for the live p99
}

type seriesBucket struct {
	requests uint64
	errors   uint64
	hist     *hdrhistogram.Histogram // nil until the bucket has a request
}

func newSeriesHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(latencyLowestUS, latencyHighestUS, seriesDigits)
}

func (s *latencySeries) add(start time.Duration, us int64, failed bool, live *liveCounters) {
	if start < 0 {
		start = 0
	}
	i := int(start / s.width)
	for i >= seriesMaxBuckets {
		s.coarsen()
		i = int(start / s.width)
	}
	if i >= len(s.buckets) {
		if i < cap(s.buckets) {
			s.buckets = s.buckets[:i+1]
		} else {
			s.buckets = append(s.buckets, make([]seriesBucket, i+1-len(s.buckets))...)
		}
	}
	if i > s.last {
		// A new second began: the previous one is (nearly) complete.
		if b := s.buckets[s.last]; b.hist != nil {
			live.p99US.Store(b.hist.ValueAtQuantile(99))
		}
		s.last = i
	}
	b := &s.buckets[i]
	if b.hist == nil {
		b.hist = newSeriesHistogram()
	}
	b.requests++
	if failed {
		b.errors++
	}
	_ = b.hist.RecordValue(us)
}

// coarsen doubles the bucket width, merging buckets 2k and 2k+1 into k.
func (s *latencySeries) coarsen() {
	s.width *= 2
	n := (len(s.buckets) + 1) / 2
	for k := 0; k < n; k++ {
		b := s.buckets[2*k]
		if 2*k+1 < len(s.buckets) {
			b = mergeBuckets(b, s.buckets[2*k+1])
		}
		s.buckets[k] = b
	}
	clear(s.buckets[n:])
	s.buckets = s.buckets[:n]
	s.last /= 2
}

func mergeBuckets(a, b seriesBucket) seriesBucket {
	a.requests += b.requests
	a.errors += b.errors
	switch {
	case a.hist == nil:
		a.hist = b.hist
	case b.hist != nil:
		a.hist.Merge(b.hist)
	}
	return a
}

// journeySet counts distinct journey numbers in a sliding window of
// journeyWindowWords×64 numbers that follows the highest number seen.
// [choice] The engine numbers journeys in the order it starts them and a
// journey's requests end within seconds of each other, so a number below
// the window (more than 8 Mi journeys behind the newest) is taken as seen
// already. A journey is counted once whatever its requests (click or
// postbacks); the count is exact when requests are not later than that.
type journeySet struct {
	bits  []uint64 // a ring: number j is bit j%64 of word (j/64)%len(bits)
	base  uint64   // the lowest number in the window, a multiple of 64
	count uint64
}

func (s *journeySet) add(j uint64) {
	const span = journeyWindowWords * 64
	if s.bits == nil {
		s.bits = make([]uint64, journeyWindowWords)
		// Start with the first number in the middle of the window, so that
		// the journeys started just before it still count.
		if w := j &^ 63; w > span/2 {
			s.base = w - span/2
		}
	}
	if j < s.base {
		return
	}
	if top := s.base + span; j >= top {
		newBase := (j &^ 63) - (journeyWindowWords-1)*64
		if newBase-s.base >= span {
			clear(s.bits)
		} else {
			for w := top / 64; w < newBase/64+journeyWindowWords; w++ {
				s.bits[w%journeyWindowWords] = 0
			}
		}
		s.base = newBase
	}
	w, bit := (j/64)%journeyWindowWords, uint64(1)<<(j%64)
	if s.bits[w]&bit == 0 {
		s.bits[w] |= bit
		s.count++
	}
}
