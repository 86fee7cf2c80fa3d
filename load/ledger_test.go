package load_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/cbsim/cbsim/load"
	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/money"
)

// vpb builds the Result of one postback; opts adjust it.
func vpb(click string, ev simulator.EventType, eventID string, sum int64, opts ...func(*load.Result)) load.Result {
	r := load.Result{Kind: load.KindPostback, Event: ev, Role: simulator.RoleAffiliate, ClickID: click, EventID: eventID,
		Receipt: "R-" + eventID, Sum: money.Cents(sum), Status: 200}
	for _, o := range opts {
		o(&r)
	}
	return r
}

// vdup marks a Result as a deliberate duplicate delivery.
func vdup(r *load.Result) { r.Fault = load.FaultDuplicate }

// vfailed marks a Result as answered 503.
func vfailed(r *load.Result) { r.Status, r.Reason = 503, load.ReasonStatus5xx }

func TestLedgerStats(t *testing.T) {
	tests := []struct {
		name    string
		limits  [2]int // MaxClicks, MaxPerClick
		results []load.Result
		want    load.LedgerStats
	}{
		{"clicks are ignored", [2]int{}, []load.Result{{Kind: load.KindClick, Status: 302}, vpb("c1", simulator.InitialPurchase, "e1", 100)},
			load.LedgerStats{Clicks: 1, Postbacks: 1, Delivered: 1}},
		{"failed and duplicates counted", [2]int{}, []load.Result{
			vpb("c1", simulator.InitialPurchase, "e1", 100), vpb("c1", simulator.InitialPurchase, "e1", 100, vdup),
			vpb("c2", simulator.InitialPurchase, "e2", 100, vfailed)},
			load.LedgerStats{Clicks: 2, Postbacks: 3, Delivered: 2, Failed: 1, Duplicates: 1}},
		{"past MaxClicks not kept", [2]int{2, 0}, []load.Result{
			vpb("c1", simulator.InitialPurchase, "e1", 1), vpb("c2", simulator.InitialPurchase, "e2", 1),
			vpb("c3", simulator.InitialPurchase, "e3", 1), vpb("c3", simulator.UpsellPurchase, "e4", 1), vpb("c1", simulator.UpsellPurchase, "e5", 1)},
			load.LedgerStats{Clicks: 2, Postbacks: 3, Delivered: 3, PostbacksNotKept: 2}},
		{"past MaxPerClick overflowed", [2]int{0, 2}, []load.Result{
			vpb("c1", simulator.InitialPurchase, "e1", 1), vpb("c1", simulator.UpsellPurchase, "e2", 1),
			vpb("c1", simulator.UpsellPurchase, "e3", 1), vpb("c1", simulator.UpsellPurchase, "e4", 1)},
			load.LedgerStats{Clicks: 1, Postbacks: 2, Delivered: 2, Overflowed: 1}},
		{"no click id", [2]int{}, []load.Result{vpb("", simulator.InitialPurchase, "e1", 1)}, load.LedgerStats{NoClickID: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &load.Ledger{MaxClicks: tt.limits[0], MaxPerClick: tt.limits[1]}
			l.AddAll(tt.results)
			if got := l.Stats(); got != tt.want {
				t.Errorf("Stats = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestLedgerOverflowSkipped: a click past MaxPerClick is not judged, and
// Verify says why.
func TestLedgerOverflowSkipped(t *testing.T) {
	l := &load.Ledger{MaxPerClick: 1}
	for _, r := range []load.Result{vpb("c1", simulator.InitialPurchase, "e1", 1), vpb("c1", simulator.UpsellPurchase, "e2", 1)} {
		l.Add(&r)
	}
	v, err := load.Verify(context.Background(), fakeReader{}, l, load.DuplicateNew, load.VerifyOptions{Settle: -1})
	if err != nil {
		t.Fatal(err)
	}
	if v.Skipped != 1 || v.Checked != 0 || len(v.Examples.Skipped) != 1 || v.Examples.Skipped[0].ClickID != "c1" {
		t.Errorf("verdict = %+v", v)
	}
}

// TestLedgerConcurrent: Adds from many goroutines, Verify alongside;
// run with -race.
func TestLedgerConcurrent(t *testing.T) {
	l := &load.Ledger{MaxClicks: 50}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 100 {
				r := vpb(fmt.Sprintf("c%d", i), simulator.InitialPurchase, fmt.Sprintf("e%d-%d", g, i), 1)
				l.Add(&r)
			}
		})
	}
	wg.Go(func() {
		if _, err := load.Verify(context.Background(), fakeReader{}, l, load.DuplicateNew, load.VerifyOptions{Settle: -1}); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	if s := l.Stats(); s.Clicks != 50 || s.Postbacks != 200 || s.PostbacksNotKept != 200 {
		t.Errorf("Stats = %+v", s)
	}
}

// fakeReader returns the conversions of each click id; a click id in
// errs fails with that error.
type fakeReader struct {
	convs map[string][]profile.Conversion
	errs  map[string]error
}

func (f fakeReader) Conversions(_ context.Context, clickID string) ([]profile.Conversion, error) {
	if err := f.errs[clickID]; err != nil {
		return nil, err
	}
	return f.convs[clickID], nil
}

// BenchmarkLedgerFill fills a ledger to DefaultMaxClicks click ids of 5
// postbacks each: B/op is what a full ledger holds.
func BenchmarkLedgerFill(b *testing.B) {
	rs := make([]load.Result, 0, 5*load.DefaultMaxClicks)
	for i := range load.DefaultMaxClicks {
		click := fmt.Sprintf("%024x", i)
		for e := range 5 {
			rs = append(rs, vpb(click, simulator.UpsellPurchase, fmt.Sprintf("EVT%017d", 5*i+e), 4575))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		l := &load.Ledger{}
		l.AddAll(rs)
	}
}

// BenchmarkLedgerAddFull adds postbacks past MaxClicks: counted, not kept,
// so memory stays flat however long the run.
func BenchmarkLedgerAddFull(b *testing.B) {
	l := &load.Ledger{MaxClicks: 1}
	first := vpb("c0", simulator.InitialPurchase, "e0", 1)
	l.Add(&first)
	r := vpb("c1", simulator.InitialPurchase, "e1", 1)
	b.ReportAllocs()
	for b.Loop() {
		l.Add(&r)
	}
}
