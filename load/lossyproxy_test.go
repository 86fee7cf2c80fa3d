package load_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbsim/cbsim/load"
	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/money"
	"github.com/cbsim/cbsim/tracker"
)

// verifyRig is the reference tracker in process (real HTTP, SQLite in
// memory) bound to the bundled cbsim profile, and the default catalog.
type verifyRig struct {
	srv *tracker.Server
	tr  *profile.Tracker
	cat *simulator.Catalog
	ins []simulator.Integration
}

// startVerifyRig starts the reference tracker under a duplicate mode.
func startVerifyRig(t *testing.T, mode tracker.Mode) *verifyRig {
	t.Helper()
	srv, err := tracker.NewServer(tracker.Config{APIKey: "k1", DuplicateMode: mode})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	p, err := profile.Load("cbsim")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := p.Bind(profile.Config{TrackerURL: srv.URL, APIKey: "k1", HTTPClient: srv.Client(), Seed: 1, EventTime: simulator.DefaultTime})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	cat, ins, err := simulator.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return &verifyRig{srv: srv, tr: tr, cat: cat, ins: ins}
}

// postbacks walks n journeys (keto and fitness-eur in turn, through
// affiliate aff01), each with its own clicks through the tracker's
// profile, and builds their postbacks against base, in journey order.
func (r *verifyRig) postbacks(ctx context.Context, t *testing.T, n int, base string) []vpostback {
	t.Helper()
	rnd := simulator.NewRand(7)
	var out []vpostback
	for i := range n {
		aff, err := r.tr.Click(ctx, profile.RoleAffiliate)
		if err != nil {
			t.Fatal(err)
		}
		ven, err := r.tr.Click(ctx, profile.RoleVendor)
		if err != nil {
			t.Fatal(err)
		}
		j := simulator.Journey{Funnel: []string{"keto", "fitness-eur"}[i%2], Affiliate: "aff01", TID: aff.ID, VTID: ven.ID}
		w, err := r.cat.Walk(j, rnd, simulator.DefaultTime)
		if err != nil {
			t.Fatal(err)
		}
		for e := range w.Events {
			for _, in := range r.ins {
				in, err := in.Rebase(base)
				if err != nil {
					t.Fatal(err)
				}
				d := simulator.Build(&w.Events[e], in)
				if d.Skipped != "" {
					continue
				}
				out = append(out, vpostbackOf(t, d))
			}
		}
	}
	return out
}

// vpostback is one built postback and the Result the engine would give
// for it before it is sent.
type vpostback struct {
	url string
	res load.Result
}

// vpostbackOf reads a delivery's click id and sum from its URL, as the
// tracker will.
func vpostbackOf(t *testing.T, d simulator.Delivery) vpostback {
	t.Helper()
	u, err := url.Parse(d.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	var sum money.Cents
	if s := q.Get("sum"); s != "" {
		if sum, err = money.Parse(s); err != nil {
			t.Fatalf("%s: %v", d.URL, err)
		}
	}
	if q.Get("clickid") == "" || d.EventID == "" {
		t.Fatalf("postback without a click id or event id: %s", d.URL)
	}
	return vpostback{url: d.URL, res: load.Result{Kind: load.KindPostback, Event: d.Event, Role: d.Role, ClickID: q.Get("clickid"),
		EventID: d.EventID, Receipt: d.Receipt, Sum: sum}}
}

// send sends p (as a deliberate duplicate when dup) and returns the
// Result to feed the ledger.
func vsend(ctx context.Context, t *testing.T, c *http.Client, p vpostback, dup bool) load.Result {
	t.Helper()
	res := p.res
	if dup {
		res.Fault = load.FaultDuplicate
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		res.Reason = load.ReasonConnect
		return res
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	res.Status = resp.StatusCode
	switch {
	case resp.StatusCode >= 500:
		res.Reason = load.ReasonStatus5xx
	case resp.StatusCode >= 400:
		res.Reason = load.ReasonStatus4xx
	case resp.StatusCode >= 300:
		res.Reason = load.ReasonStatusOther
	}
	return res
}

// lossyProxy stands in front of a tracker and, deterministically by a
// counter of postbacks, swallows every swallow-th (answering 200 without
// forwarding), forwards every twice-th twice, and forwards every alter-th
// with its sum raised by 1.00. It notes each postback it mistreated as
// "click id/event id".
type lossyProxy struct {
	target                 string
	client                 *http.Client
	swallow, twice, alter  int
	mu                     sync.Mutex // guards the fields below
	n                      int
	swallowed, sent2, bent []string
}

func (p *lossyProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	who := q.Get("clickid") + "/" + q.Get("eventid")
	p.mu.Lock()
	p.n++
	n := p.n
	times := 1
	switch {
	case n%p.swallow == 0:
		p.swallowed = append(p.swallowed, who)
		times = 0
	case n%p.twice == 0:
		p.sent2 = append(p.sent2, who)
		times = 2
	case n%p.alter == 0:
		p.bent = append(p.bent, who)
		s, _ := money.Parse(q.Get("sum"))
		q.Set("sum", (s + 100).String())
		r.URL.RawQuery = q.Encode()
	}
	p.mu.Unlock()
	status, body := http.StatusOK, []byte(`{"status":"ok"}`)
	for range times {
		req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, p.target+r.URL.RequestURI(), nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		resp, err := p.client.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
	}
	w.WriteHeader(status)
	w.Write(body)
}

// findingIDs returns "click id/event id" of each finding, sorted.
func findingIDs(fs []load.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ClickID + "/" + f.EventID
	}
	slices.Sort(out)
	return out
}

// TestVerifyReferenceTracker: real postbacks from walked journeys reach the
// reference tracker directly (a clean run: nothing lost, doubled or
// wrong) or through a lossy proxy, whose swallowed postbacks Verify reports
// as lost, its doubled ones as doubled and its altered sums as wrong, each
// named in the examples.
func TestVerifyReferenceTracker(t *testing.T) {
	tests := []struct {
		name  string
		proxy *lossyProxy
	}{
		{"clean", nil},
		{"lossy proxy", &lossyProxy{swallow: 7, twice: 11, alter: 13}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			rig := startVerifyRig(t, tracker.ModeNew)
			base, client := rig.srv.URL, rig.srv.Client()
			if p := tt.proxy; p != nil {
				p.target, p.client = rig.srv.URL, rig.srv.Client()
				ps := httptest.NewServer(p)
				t.Cleanup(ps.Close)
				base, client = ps.URL, ps.Client()
			}
			l := &load.Ledger{}
			pbs := rig.postbacks(ctx, t, 10, base)
			for _, p := range pbs {
				res := vsend(ctx, t, client, p, false)
				if !res.OK() {
					t.Fatalf("%s: HTTP %d", p.url, res.Status)
				}
				l.Add(&res)
			}
			v, err := load.Verify(ctx, rig.tr, l, load.DuplicateNew, load.VerifyOptions{Settle: 200 * time.Millisecond, Poll: 20 * time.Millisecond, MaxExamples: 100})
			if err != nil {
				t.Fatal(err)
			}
			var lost, doubled, bent []string
			if p := tt.proxy; p != nil {
				lost, doubled, bent = p.swallowed, p.sent2, p.bent
				slices.Sort(lost)
				slices.Sort(doubled)
				slices.Sort(bent)
				if len(lost) == 0 || len(doubled) == 0 || len(bent) == 0 {
					t.Fatalf("the proxy mistreated too little: %d postbacks", p.n)
				}
			}
			if v.Checked != v.Ledger.Clicks || v.Skipped != 0 || v.Expected != len(pbs) || v.Matched != len(pbs)-len(lost)-len(bent) ||
				v.Lost != len(lost) || v.Doubled != len(doubled) || v.WrongSum != len(bent) || v.Unexpected != 0 {
				t.Errorf("%d postbacks, proxy swallowed %d, doubled %d, altered %d; verdict:\n%s", len(pbs), len(lost), len(doubled), len(bent), verdictText(v))
			}
			for _, c := range []struct {
				what      string
				got, want []string
			}{{"lost", findingIDs(v.Examples.Lost), lost}, {"doubled", findingIDs(v.Examples.Doubled), doubled}, {"wrong sum", findingIDs(v.Examples.WrongSum), bent}} {
				if !slices.Equal(c.got, c.want) && (len(c.got) != 0 || len(c.want) != 0) {
					t.Errorf("%s examples name %v, the proxy %v", c.what, c.got, c.want)
				}
			}
			for _, f := range v.Examples.WrongSum {
				if f.Expected == f.Recorded || f.Recorded == "" {
					t.Errorf("wrong sum example %+v", f)
				}
			}
			if tt.proxy != nil && !strings.Contains(verdictText(v), "lost         "+fmt.Sprint(len(lost))) {
				t.Errorf("text:\n%s", verdictText(v))
			}
		})
	}
}

// TestVerifyDuplicateModes: the same traffic with deliberate duplicates
// (every third postback sent again) gives nothing doubled or lost when
// Verify is told the mode the tracker runs; told ignore_event_id while the
// tracker runs new, it reports each duplicate as doubled, and told new
// while the tracker runs ignore_event_id, each as lost.
func TestVerifyDuplicateModes(t *testing.T) {
	tests := []struct {
		tracker       tracker.Mode
		verify        load.DuplicateMode
		doubled, lost bool // each duplicate counts as one
	}{
		{tracker.ModeNew, load.DuplicateNew, false, false},
		{tracker.ModeNewMarked, load.DuplicateNewMarked, false, false},
		{tracker.ModeIgnore, load.DuplicateIgnore, false, false},
		{tracker.ModeEdit, load.DuplicateEdit, false, false},
		{tracker.ModeAddPayout, load.DuplicateAddPayout, false, false},
		{tracker.ModeIgnoreEventID, load.DuplicateIgnoreEventID, false, false},
		{tracker.ModeNew, load.DuplicateIgnoreEventID, true, false},
		{tracker.ModeIgnoreEventID, load.DuplicateNew, false, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("tracker %s, verify %s", tt.tracker, tt.verify), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			rig := startVerifyRig(t, tt.tracker)
			l := &load.Ledger{}
			var dups []string
			for i, p := range rig.postbacks(ctx, t, 6, rig.srv.URL) {
				for k := range 1 + min(i%3/2, 1) {
					res := vsend(ctx, t, rig.srv.Client(), p, k == 1)
					if !res.OK() {
						t.Fatalf("%s: HTTP %d", p.url, res.Status)
					}
					l.Add(&res)
				}
				if i%3 == 2 {
					dups = append(dups, p.res.ClickID+"/"+p.res.EventID)
				}
			}
			slices.Sort(dups)
			v, err := load.Verify(ctx, rig.tr, l, tt.verify, load.VerifyOptions{Settle: 200 * time.Millisecond, Poll: 20 * time.Millisecond, MaxExamples: 100})
			if err != nil {
				t.Fatal(err)
			}
			if l.Stats().Duplicates != len(dups) || len(dups) == 0 {
				t.Fatalf("%d duplicates sent, ledger %+v", len(dups), l.Stats())
			}
			var wantDoubled, wantLost []string
			if tt.doubled {
				wantDoubled = dups
			}
			if tt.lost {
				wantLost = dups
			}
			if v.Doubled != len(wantDoubled) || v.Lost != len(wantLost) || v.WrongSum != 0 || v.Unexpected != 0 || v.Skipped != 0 || v.Matched != v.Expected-v.Lost {
				t.Errorf("want %d doubled, %d lost; verdict:\n%s", len(wantDoubled), len(wantLost), verdictText(v))
			}
			if got := findingIDs(v.Examples.Doubled); !slices.Equal(got, wantDoubled) && len(got)+len(wantDoubled) > 0 {
				t.Errorf("doubled examples %v, want %v", got, wantDoubled)
			}
			if got := findingIDs(v.Examples.Lost); !slices.Equal(got, wantLost) && len(got)+len(wantLost) > 0 {
				t.Errorf("lost examples %v, want %v", got, wantLost)
			}
			for _, f := range append(v.Examples.Doubled, v.Examples.Lost...) {
				if !f.Duplicate {
					t.Errorf("finding %+v does not say it was a duplicate", f)
				}
			}
		})
	}
}
