package load

import (
	"container/heap"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cbsim/cbsim/simulator"
)

// Engine defaults, used where a Config leaves a field zero.
const (
	// DefaultConnections is the number of workers, each with one
	// keep-alive connection.
	DefaultConnections = 16
	// DefaultTimeout bounds one request, from connecting to the last byte
	// of the reply.
	DefaultTimeout = simulator.DefaultTimeout
	// BatchSize is how many Results a worker gathers before it sends them.
	BatchSize = 256
	// BatchEvery is how long a worker holds a non-empty batch at most.
	BatchEvery = 100 * time.Millisecond
)

// Config configures an Attacker. Zero fields take the defaults named.
type Config struct {
	// Target is the tracker's base URL (http or https): every postback
	// goes to its host, with the path and query of the postback's URL.
	// Integrations are normally rebased on it already.
	Target string
	TLS    *tls.Config // for an https Target; nil: the system roots
	Source *Source     // the journeys and their postbacks (required)
	Pacer  Pacer       // when journeys start; nil: as fast as possible
	// Duration stops starting journeys after this long; 0: no limit.
	Duration time.Duration
	// Journeys is the total number of journeys across all shards; this
	// shard runs its part of 0..Journeys-1 (Shard.Journeys). 0: no limit.
	Journeys    uint64
	Connections int           // workers and connections; 0: DefaultConnections
	Timeout     time.Duration // per request; 0: DefaultTimeout
	Faults      Faults
	Clicks      ClickSource // where click ids come from; nil: Synthetic{Seed}
	// Refused reads a 2xx reply as a refusal (a profile's
	// postback.refused), given at most the first 4 KiB of its body; nil:
	// every 2xx is accepted.
	Refused func(status int, body []byte) bool
	Seed    uint64
	Shard   Shard
}

// Attacker runs journeys against a tracker. Make one with NewAttacker;
// Attack may be called once.
type Attacker struct {
	cfg    Config
	target Target
	limit  uint64 // journeys of this shard; 0: no limit

	// newConn makes a worker's connection; nil: the HTTP/1.1 client of
	// client.go (the benchmark swaps in net/http to compare).
	newConn func() conn

	start   time.Time
	hits    atomic.Uint64 // journeys claimed by workers, local numbering
	stopped atomic.Bool   // no more journeys start
	errOnce sync.Once
	err     error // the first error that ended the run (not the tracker's)
}

// NewAttacker checks cfg and fills its defaults.
func NewAttacker(cfg Config) (*Attacker, error) {
	t, err := ParseTarget(cfg.Target)
	if err != nil {
		return nil, fmt.Errorf("attack: %w", err)
	}
	if cfg.Source == nil {
		return nil, errors.New("attack: no source of journeys")
	}
	if cfg.Pacer == nil {
		cfg.Pacer = ConstantPacer{}
	}
	if cfg.Connections <= 0 {
		cfg.Connections = DefaultConnections
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Clicks == nil {
		cfg.Clicks = Synthetic{Seed: cfg.Seed}
	}
	if cfg.Shard.Count > 0 && (cfg.Shard.Index < 0 || cfg.Shard.Index >= cfg.Shard.Count) {
		return nil, fmt.Errorf("attack: shard %d/%d: index outside 0..%d", cfg.Shard.Index, cfg.Shard.Count, cfg.Shard.Count-1)
	}
	a := &Attacker{cfg: cfg, target: t}
	if cfg.Journeys > 0 {
		a.limit = cfg.Shard.Journeys(cfg.Journeys)
		if a.limit == 0 {
			a.stopped.Store(true)
		}
	}
	return a, nil
}

// Attack runs the journeys and sends their Results on results in batches
// (up to BatchSize, at most BatchEvery apart per worker). It stops
// starting journeys at the Duration, the Journeys limit, when the Pacer
// says stop or when ctx is done; it then sends the postbacks still held
// by a delay fault (unless ctx is done) and returns. The caller must keep
// receiving until Attack returns; Attack does not close results. A
// misbehaving tracker never ends the run: its faults are Results. The
// error is nil on a normal end and on cancellation.
func (a *Attacker) Attack(ctx context.Context, results chan<- []Result) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tlsConf := a.cfg.TLS
	if a.target.Scheme == "https" {
		// one session cache for all workers, so reconnects resume
		if tlsConf == nil {
			tlsConf = &tls.Config{}
		}
		tlsConf = tlsConf.Clone()
		if tlsConf.ClientSessionCache == nil {
			tlsConf.ClientSessionCache = tls.NewLRUClientSessionCache(a.cfg.Connections)
		}
	}
	workers := make([]*worker, a.cfg.Connections)
	for i := range workers {
		var c conn
		if a.newConn != nil {
			c = a.newConn()
		} else {
			c = newClient(a.target, tlsConf, a.cfg.Timeout)
		}
		workers[i] = &worker{
			a:       a,
			c:       c,
			b:       a.cfg.Source.NewBuilder(),
			results: results,
		}
	}
	stop := context.AfterFunc(ctx, func() {
		for _, w := range workers {
			w.c.cancel()
		}
	})
	defer stop()
	a.start = time.Now()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() {
			defer w.c.close()
			w.run(ctx)
		})
	}
	wg.Wait()
	return a.err
}

// conn is one worker's connection to the target.
type conn interface {
	do(uri string) reply // sends GET uri and reads the reply
	lastBody() []byte    // the first 4 KiB of the last reply's body
	cancel()             // fails the request in flight and every later one
	close()
}

// fatal ends the run for a reason of cbsim's own (not the tracker's).
func (a *Attacker) fatal(err error) {
	a.errOnce.Do(func() { a.err = err })
	a.stopped.Store(true)
}

// worker owns one connection and builds its own journeys.
type worker struct {
	a       *Attacker
	c       conn
	b       *Builder
	results chan<- []Result
	timer   *time.Timer

	batch      []Result
	batchStart time.Duration // when the batch's first result came

	items []sendItem
	held  heldHeap
	seq   uint64 // orders held postbacks due at the same time
}

// run is the worker's loop: send held postbacks that are due, then start
// the next journey when the pacer allows.
func (w *worker) run(ctx context.Context) {
	a := w.a
	defer w.flush()
	for ctx.Err() == nil {
		elapsed := time.Since(a.start)
		for len(w.held) > 0 && w.held[0].due <= elapsed {
			h := heap.Pop(&w.held).(held)
			w.send(&h.pb, h.journey, h.fault)
			elapsed = time.Since(a.start)
		}
		if len(w.batch) > 0 && elapsed-w.batchStart >= BatchEvery {
			w.flush()
		}
		sleep := time.Duration(-1)
		if !a.stopped.Load() {
			n := a.hits.Load()
			wait, stop := a.cfg.Pacer.Pace(elapsed, n)
			switch {
			case a.limit > 0 && n >= a.limit, a.cfg.Duration > 0 && elapsed >= a.cfg.Duration, stop:
				a.stopped.Store(true)
				continue
			case wait > 0:
				sleep = wait
				if a.cfg.Duration > 0 {
					sleep = min(sleep, a.cfg.Duration-elapsed)
				}
			default:
				if a.hits.CompareAndSwap(n, n+1) {
					w.journey(ctx, n)
				}
				continue
			}
		}
		if sleep < 0 && len(w.held) == 0 {
			return // stopped and nothing held; the deferred flush sends the rest
		}
		if len(w.held) > 0 {
			if d := w.held[0].due - elapsed; sleep < 0 || d < sleep {
				sleep = d
			}
		}
		if len(w.batch) > 0 {
			if d := w.batchStart + BatchEvery - elapsed; sleep < 0 || d < sleep {
				sleep = d
			}
		}
		w.sleep(ctx, sleep)
	}
}

// sleep waits d or until ctx is done.
func (w *worker) sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	if w.timer == nil {
		w.timer = time.NewTimer(d)
	} else {
		w.timer.Reset(d)
	}
	select {
	case <-ctx.Done():
		w.timer.Stop()
	case <-w.timer.C:
	}
}

// journey runs local journey n of the shard: its click ids, its
// postbacks in the order the faults give, holding the delayed ones.
func (w *worker) journey(ctx context.Context, n uint64) {
	a := w.a
	k := a.cfg.Shard.Global(n)
	mix := Mix(a.cfg.Seed, k)
	plan := a.cfg.Source.Plan(mix)
	var tid, vtid string
	var ok bool
	if plan.Affiliate {
		if tid, ok = w.click(ctx, simulator.RoleAffiliate, k); !ok {
			return
		}
	}
	if plan.Vendor {
		if vtid, ok = w.click(ctx, simulator.RoleVendor, k); !ok {
			return
		}
	}
	pbs, err := w.b.Build(mix, plan, tid, vtid)
	if err != nil {
		a.fatal(fmt.Errorf("journey %d: %w", k, err))
		return
	}
	w.items = a.cfg.Faults.plan(mix, len(pbs), w.items)
	for _, it := range w.items {
		if it.hold > 0 {
			w.seq++
			heap.Push(&w.held, held{due: time.Since(a.start) + it.hold, seq: w.seq, pb: pbs[it.pb], journey: k, fault: it.fault})
			continue
		}
		if ctx.Err() != nil {
			return
		}
		w.send(&pbs[it.pb], k, it.fault)
	}
}

// click asks the ClickSource for a click id and records a real click.
func (w *worker) click(ctx context.Context, role simulator.Role, k uint64) (string, bool) {
	start := time.Since(w.a.start)
	id, r, err := w.a.cfg.Clicks.ClickID(ctx, role, k)
	if r != nil {
		r.Start = start
		w.emit(*r)
	}
	return id, err == nil
}

// send delivers one postback and records its Result.
func (w *worker) send(pb *Postback, k uint64, fault Fault) {
	start := time.Since(w.a.start)
	rep := w.c.do(requestURI(pb.URL))
	r := Result{
		Kind: KindPostback, Event: pb.Event, Role: pb.Role, Journey: k, Fault: fault,
		Start: start, Latency: rep.latency, Status: rep.status, Reason: rep.reason,
		ClickID: pb.ClickID, EventID: pb.EventID, Receipt: pb.Receipt, Sum: pb.Sum,
	}
	if rep.reason == ReasonOK {
		r.Reason = w.a.classify(rep.status, w.c.lastBody())
	}
	w.emit(r)
}

// classify turns a status (and a 2xx body) into a Reason.
func (a *Attacker) classify(status int, body []byte) Reason {
	switch {
	case status >= 200 && status < 300:
		if a.cfg.Refused != nil && a.cfg.Refused(status, body) {
			return ReasonRefused
		}
		return ReasonOK
	case status >= 400 && status < 500:
		return ReasonStatus4xx
	case status >= 500 && status < 600:
		return ReasonStatus5xx
	}
	return ReasonStatusOther
}

// emit adds r to the batch, sending the batch when full.
func (w *worker) emit(r Result) {
	if len(w.batch) == 0 {
		if w.batch == nil {
			w.batch = make([]Result, 0, BatchSize)
		}
		w.batchStart = time.Since(w.a.start)
	}
	w.batch = append(w.batch, r)
	if len(w.batch) >= BatchSize {
		w.flush()
	}
}

// flush sends the batch; the next one is a new slice (a sent batch
// belongs to the receiver).
func (w *worker) flush() {
	if len(w.batch) == 0 {
		return
	}
	w.results <- w.batch
	w.batch = nil
}

// held is a postback held back by a delay fault.
type held struct {
	due     time.Duration // since the run began
	seq     uint64
	pb      Postback
	journey uint64
	fault   Fault
}

// heldHeap orders held postbacks by due time (container/heap).
type heldHeap []held

func (h heldHeap) Len() int { return len(h) }
func (h heldHeap) Less(i, j int) bool {
	if h[i].due != h[j].due {
		return h[i].due < h[j].due
	}
	return h[i].seq < h[j].seq
}
func (h heldHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *heldHeap) Push(x any)   { *h = append(*h, x.(held)) }
func (h *heldHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
