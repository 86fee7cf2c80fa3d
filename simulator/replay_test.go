package simulator

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// switchable is a loopback receiver that answers 500 until ok is set.
type switchable struct {
	URL  string
	ok   atomic.Bool
	hits atomic.Int64
}

func newSwitchable(t *testing.T) *switchable {
	t.Helper()
	s := &switchable{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		if !s.ok.Load() {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// fireAt fires one Initial Purchase at url and returns its delivery.
func fireAt(t *testing.T, sim *Simulator, url string) Delivery {
	t.Helper()
	res, err := sim.Fire(context.Background(), FireRequest{Event: InitialPurchase, Role: RoleAffiliate, Affiliate: DefaultAffiliate,
		URL: url + "/postback?clickid={tid}"})
	if err != nil || len(res.Deliveries) != 1 {
		t.Fatalf("fire: %v, %d deliveries", err, len(res.Deliveries))
	}
	return res.Deliveries[0]
}

// TestReplay: a failed delivery is resent to the same URL and journaled
// as a new delivery that names it; a delivered one, an unknown number
// and a rolled-off one are refused.
func TestReplay(t *testing.T) {
	c, _ := defaults(t)
	rc := newSwitchable(t)
	sim := New(c, nil)
	sim.Journal.Capacity = 3
	clock := &Clock{Base: func() time.Time { return DefaultTime }}
	sim.Clock = clock
	failed := fireAt(t, sim, rc.URL)
	if n, ok := failed.Number(); !ok || n != 0 || !failed.Failed() || !failed.At.Equal(DefaultTime) {
		t.Fatalf("first delivery: number %d %v, failed %v, at %v; want 0, failed, at the clock's time", n, ok, failed.Failed(), failed.At)
	}
	rc.ok.Store(true)
	clock.Advance(time.Hour)
	r, err := sim.Replay(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := r.Number(); n != 1 || !r.Replay || r.ReplayOf != 0 || !r.Delivered || r.URL != failed.URL || !r.At.Equal(DefaultTime.Add(time.Hour)) {
		t.Fatalf("replay %+v; want number 1, a delivered replay of 0 to %s an hour later", r, failed.URL)
	}
	if rec := r.Record(); rec.ReplayOf == nil || *rec.ReplayOf != 0 || rec.N == nil || *rec.N != 1 {
		t.Fatalf("record of the replay: n %v, replay_of %v", rec.N, rec.ReplayOf)
	}
	for _, c := range []struct {
		name  string
		n     int64
		param bool // a *ParamError naming n, else a *NotFoundError
	}{
		{"delivered", 1, true},
		{"unknown", 7, false},
		{"negative", -1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := sim.Replay(context.Background(), c.n)
			pe, isParam := errors.AsType[*ParamError](err)
			_, isNotFound := errors.AsType[*NotFoundError](err)
			if c.param && (!isParam || pe.Param != "n") || !c.param && !isNotFound {
				t.Fatalf("Replay(%d) = %v; want a %s", c.n, err, map[bool]string{true: "ParamError naming n", false: "NotFoundError"}[c.param])
			}
		})
	}
	for range 3 {
		fireAt(t, sim, rc.URL)
	}
	if _, err := sim.Replay(context.Background(), 0); err == nil {
		t.Fatal("replaying a rolled-off delivery succeeded")
	} else if _, ok := errors.AsType[*NotFoundError](err); !ok {
		t.Fatalf("rolled off: %v; want a NotFoundError", err)
	}
}

// TestReplayFailedOncePerChain: ReplayFailed resends each chain of
// failures once, from its latest link, and only those since its time.
func TestReplayFailedOncePerChain(t *testing.T) {
	c, _ := defaults(t)
	rc := newSwitchable(t)
	sim := New(c, nil)
	clock := &Clock{Base: func() time.Time { return DefaultTime }}
	sim.Clock = clock
	fireAt(t, sim, rc.URL) // 0: failed, before since
	clock.Advance(time.Hour)
	since := clock.Now()
	fireAt(t, sim, rc.URL)                                         // 1: failed
	fireAt(t, sim, rc.URL)                                         // 2: failed
	if _, err := sim.Replay(context.Background(), 1); err != nil { // 3: failed replay of 1
		t.Fatal(err)
	}
	rc.ok.Store(true)
	fireAt(t, sim, rc.URL) // 4: delivered
	before := rc.hits.Load()
	got := sim.ReplayFailed(context.Background(), since)
	var of []int64
	for _, d := range got {
		if !d.Delivered {
			t.Errorf("replay of %d not delivered: %+v", d.ReplayOf, d.Attempts)
		}
		of = append(of, d.ReplayOf)
	}
	if len(of) != 2 || of[0] != 2 || of[1] != 3 || rc.hits.Load()-before != 2 {
		t.Fatalf("ReplayFailed replayed %v with %d requests; want 2 and 3 (1 is replayed by 3, 0 is before since), 2 requests", of, rc.hits.Load()-before)
	}
	if again := sim.ReplayFailed(context.Background(), since); len(again) != 0 {
		t.Fatalf("a second ReplayFailed replayed %d; want none", len(again))
	}
}

// TestFailed: what counts as a failed delivery.
func TestFailed(t *testing.T) {
	for _, c := range []struct {
		name string
		d    Delivery
		want bool
	}{
		{"delivered", Delivery{Attempts: []Attempt{{Status: 200}}, Delivered: true}, false},
		{"500", Delivery{Attempts: []Attempt{{Status: 500, Error: "HTTP 500"}}}, true},
		{"cancelled", Delivery{Skipped: "not sent: context canceled"}, true},
		{"skipped by rule", Delivery{Skipped: "not subscribed to upsell_purchase"}, false},
		{"only built", Delivery{URL: "http://t/"}, false},
	} {
		if got := c.d.Failed(); got != c.want {
			t.Errorf("%s: Failed() = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestReplayOnce: a failed delivery is resent once however often it is
// asked for — a second Replay, or one beside ReplayFailed — and the
// refusal names the replay that exists; the replay, if it failed too, is
// the one to replay next.
func TestReplayOnce(t *testing.T) {
	c, _ := defaults(t)
	rc := newSwitchable(t)
	sim := New(c, nil)
	fireAt(t, sim, rc.URL)
	rc.ok.Store(true)
	before := rc.hits.Load()
	if _, err := sim.Replay(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	_, err := sim.Replay(context.Background(), 0)
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != "n" || !strings.Contains(err.Error(), "already replayed as #1") {
		t.Fatalf("a second Replay(0): err = %v, want a ParamError naming n and #1", err)
	}
	if got := rc.hits.Load() - before; got != 1 {
		t.Fatalf("delivery 0 was resent %d times, want once", got)
	}

	// Replay and ReplayFailed side by side: one send in all.
	sim2 := New(c, nil)
	rc2 := newSwitchable(t)
	fireAt(t, sim2, rc2.URL)
	rc2.ok.Store(true)
	before = rc2.hits.Load()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(2)
		go func() { defer wg.Done(); sim2.Replay(context.Background(), 0) }()
		go func() { defer wg.Done(); sim2.ReplayFailed(context.Background(), time.Time{}) }()
	}
	wg.Wait()
	if got := rc2.hits.Load() - before; got != 1 {
		t.Fatalf("Replay beside ReplayFailed resent delivery 0 %d times, want once", got)
	}
}
